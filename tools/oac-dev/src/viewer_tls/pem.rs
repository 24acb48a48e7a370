//! The PEM files of the viewer mTLS listener: the trust store's CA bundle (like CloudFront's
//! `TrustStore`), the server certificate and key (given, or generated at start for
//! `localhost`/`127.0.0.1` and written out for clients), and a client identity (the local
//! Cloudflare side's Authenticated Origin Pulls certificate).

use std::path::Path;

use anyhow::{Context, Result, bail};
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// A certificate chain and its private key.
#[derive(Debug)]
pub struct Identity {
    /// The certificate, then any intermediates.
    pub chain: Vec<CertificateDer<'static>>,
    /// Its private key.
    pub key: PrivateKeyDer<'static>,
}

impl Clone for Identity {
    fn clone(&self) -> Self {
        Self {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let certificates = CertificateDer::pem_file_iter(path)
        .with_context(|| format!("reading {}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{}: not PEM certificates", path.display()))?;
    if certificates.is_empty() {
        bail!("{} holds no PEM certificate", path.display());
    }
    Ok(certificates)
}

/// The trust store from a PEM bundle: every certificate in it is a trust anchor. Refused when
/// it holds none, or any that is not a usable CA certificate (fail closed: never a store that
/// silently trusts less, or nothing).
pub fn trust_store(path: &Path) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    for (i, certificate) in certificates(path)?.into_iter().enumerate() {
        roots
            .add(certificate)
            .with_context(|| format!("{}: certificate {} is unusable", path.display(), i + 1))?;
    }
    Ok(roots)
}

/// A certificate chain and key from PEM files (the key: PKCS#8, PKCS#1 or SEC1).
pub fn identity(certificate: &Path, key: &Path) -> Result<Identity> {
    let chain = certificates(certificate)?;
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("{}: no PEM private key", key.display()))?;
    Ok(Identity { chain, key })
}

/// A self-signed server certificate for `localhost` and `127.0.0.1` (new at every start), and
/// its PEM.
pub fn generated_server_identity() -> Result<(Identity, String)> {
    let key = rcgen::KeyPair::generate().context("generating the server key")?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()])?;
    params
        .subject_alt_names
        .push(rcgen::SanType::IpAddress([127, 0, 0, 1].into()));
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "oac-dev viewer listener");
    let certificate = params
        .self_signed(&key)
        .context("signing the server certificate")?;
    let pem = certificate.pem();
    let identity = Identity {
        chain: vec![certificate.der().clone()],
        key: PrivateKeyDer::try_from(key.serialize_der())
            .map_err(|e| anyhow::anyhow!("the generated key: {e}"))?,
    };
    Ok((identity, pem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_without_a_certificate_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let e = trust_store(&path).unwrap_err();
        assert!(
            format!("{e:#}").contains("holds no PEM certificate"),
            "{e:#}"
        );
        assert!(trust_store(&dir.path().join("missing.pem")).is_err());
    }

    #[test]
    fn the_generated_server_certificate_reads_back() {
        let (identity, pem) = generated_server_identity().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.pem");
        std::fs::write(&path, pem).unwrap();
        assert_eq!(certificates(&path).unwrap(), identity.chain);
        trust_store(&path).unwrap();
    }
}
