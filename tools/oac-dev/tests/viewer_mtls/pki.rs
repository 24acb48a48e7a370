//! Certificates for the tests: a CA standing for the zone's origin-pull CA, another CA, and
//! client certificates with chosen serials and validity, written as PEM files.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SerialNumber,
};
use time::{Duration, OffsetDateTime};

/// A CA and where its PEM is.
pub struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
    /// Its certificate (the trust store's bundle).
    pub pem: PathBuf,
}

/// A client certificate's files and its canonical serial.
pub struct Client {
    /// Certificate PEM.
    pub cert: PathBuf,
    /// Key PEM.
    pub key: PathBuf,
    /// Canonical serial (contract 1).
    pub serial: String,
}

impl Ca {
    /// A new CA named `name`, its PEM written under `dir`.
    pub fn new(dir: &Path, name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.not_before = OffsetDateTime::now_utc() - Duration::days(400);
        params.not_after = OffsetDateTime::now_utc() + Duration::days(3650);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let pem = dir.join(format!("{name}.pem"));
        std::fs::write(&pem, issuer.pem()).unwrap();
        Self { issuer, pem }
    }

    /// A client certificate: 16 random bytes of serial (high bit cleared, first byte non-zero,
    /// as contract 1 issues them) unless `serial` is given, valid from `days_from_now.0` to
    /// `days_from_now.1` days from now.
    pub fn issue(&self, dir: &Path, name: &str, days_from_now: (i64, i64)) -> Client {
        let mut serial: [u8; 16] = std::array::from_fn(|_| fastrand::u8(..));
        serial[0] = serial[0].clamp(1, 0x7f);
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.serial_number = Some(SerialNumber::from_slice(&serial));
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let now = OffsetDateTime::now_utc();
        params.not_before = now + Duration::days(days_from_now.0);
        params.not_after = now + Duration::days(days_from_now.1);
        let certificate = params.signed_by(&key, &self.issuer).unwrap();
        let cert = dir.join(format!("{name}.pem"));
        let key_path = dir.join(format!("{name}.key.pem"));
        std::fs::write(&cert, certificate.pem()).unwrap();
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        Client {
            cert,
            key: key_path,
            serial: hex::encode(serial).trim_start_matches('0').to_owned(),
        }
    }
}
