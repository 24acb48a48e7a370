//! The client-certificate check of one viewer connection, in CloudFront's order: the standard
//! check against the trust store (rustls' [`WebPkiClientVerifier`]: chain, signature, expiry),
//! then the Connection Function with the certificate's serial; either refusing fails the
//! handshake with a TLS alert. What happened is left in the connection's [`Outcome`] for the log.
//!
//! rustls calls the verifier synchronously in the middle of the handshake; the Connection
//! Function runs behind [`ConnectionFunction`], which may block (oac-dev's runs Node.js through
//! `tokio::task::block_in_place`).

use std::sync::{Arc, Mutex};

use rustls::client::danger::HandshakeSignatureValid;
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, Error, SignatureScheme};
use rustls_pki_types::{CertificateDer, UnixTime};

use super::refusal::Refusal;
use origin_pull_ca::Serial;

/// The Connection Function, as the verifier calls it: `Ok` when it called `allow()`.
pub trait ConnectionFunction: Send + Sync + std::fmt::Debug {
    /// Runs the function for a connection presenting `serial`.
    fn run(&self, serial: &Serial) -> Result<(), Refusal>;
}

/// How a connection's certificate check ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Allowed: the certificate's canonical serial, and whether its expiry was overlooked.
    Allowed {
        /// Canonical serial.
        serial: String,
        /// Expired, let through by `IgnoreCertificateExpiry`.
        expired: bool,
    },
    /// Refused.
    Refused(Refusal),
}

/// One connection's verifier (it records the outcome of that connection alone).
#[derive(Debug)]
pub struct ConnectionVerifier {
    trust_store: Arc<dyn ClientCertVerifier>,
    ignore_expiry: bool,
    function: Arc<dyn ConnectionFunction>,
    outcome: Arc<Mutex<Option<Outcome>>>,
}

/// The shared parts: the trust store's verifier, the expiry setting, the function.
#[derive(Debug, Clone)]
pub struct VerifierParts {
    /// The standard check (requires a certificate that chains to the bundle).
    pub trust_store: Arc<dyn ClientCertVerifier>,
    /// CloudFront's `IgnoreCertificateExpiry`.
    pub ignore_expiry: bool,
    /// The Connection Function.
    pub function: Arc<dyn ConnectionFunction>,
}

impl VerifierParts {
    /// The standard check against `roots` (client certificate mandatory).
    pub fn trust_store(roots: rustls::RootCertStore) -> Result<Arc<dyn ClientCertVerifier>, Error> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| Error::General(e.to_string()))
    }

    /// The verifier of one connection, and where its outcome will be.
    pub fn for_connection(&self) -> (Arc<ConnectionVerifier>, Arc<Mutex<Option<Outcome>>>) {
        let outcome = Arc::new(Mutex::new(None));
        let verifier = ConnectionVerifier {
            trust_store: self.trust_store.clone(),
            ignore_expiry: self.ignore_expiry,
            function: self.function.clone(),
            outcome: outcome.clone(),
        };
        (Arc::new(verifier), outcome)
    }
}

impl ConnectionVerifier {
    /// The standard check; with `ignore_expiry` an expired certificate is checked again as of
    /// its last valid second (so everything but its expiry must hold). `Ok(true)`: it expired.
    fn standard(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<bool, Error> {
        match self
            .trust_store
            .verify_client_cert(end_entity, intermediates, now)
        {
            Ok(_) => Ok(false),
            Err(Error::InvalidCertificate(CertificateError::ExpiredContext {
                not_after, ..
            })) if self.ignore_expiry => self
                .trust_store
                .verify_client_cert(end_entity, intermediates, not_after)
                .map(|_| true),
            Err(e) => Err(e),
        }
    }

    fn check(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<Outcome, Refusal> {
        let expired = self
            .standard(end_entity, intermediates, now)
            .map_err(|e| Refusal::of_certificate_error(&e))?;
        let serial = Serial::of_certificate_der(end_entity)
            .map_err(|e| Refusal::BadCertificate(e.to_string()))?;
        self.function.run(&serial)?;
        Ok(Outcome::Allowed {
            serial: serial.as_str().to_owned(),
            expired,
        })
    }
}

impl ClientCertVerifier for ConnectionVerifier {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.trust_store.root_hint_subjects()
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        let outcome = self
            .check(end_entity, intermediates, now)
            .unwrap_or_else(Outcome::Refused);
        let verdict = match &outcome {
            Outcome::Allowed { .. } => Ok(ClientCertVerified::assertion()),
            Outcome::Refused(refusal) => Err(refusal.to_error()),
        };
        *self.outcome.lock().expect("outcome lock") = Some(outcome);
        verdict
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.trust_store.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.trust_store.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.trust_store.supported_verify_schemes()
    }
}

#[cfg(test)]
#[path = "verifier_tests.rs"]
mod tests;
