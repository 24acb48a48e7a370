//! The CA's Secrets Manager secret (contract 4 of issue 24), the one place the private keys
//! live besides Cloudflare. CDK creates the secret empty; only the custom resource Lambda
//! writes it. Its SecretString:
//!
//! ```json
//! {"caCertificatePem": "…", "caPrivateKeyPem": "…",
//!  "certificates": [{"serial": "…", "certificatePem": "…", "privateKeyPem": "…",
//!                    "notAfter": "<RFC 3339>", "cloudflareId": "…" | null,
//!                    "state": "issued" | "listed" | "active" | "retiring",
//!                    "stateSince": "<RFC 3339>"}]}
//! ```
//!
//! `stateSince` (when the entry entered its state) is this crate's addition to the contract:
//! the renewal plan waits on it before trusting a KeyValueStore write or a Cloudflare switch to
//! have spread ([`crate::renewal`]). `Debug` redacts both kinds of private key.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ca::ClientCertificate;
use crate::facts::{CertificateError, CertificateFacts};
use crate::key::PrivateKeyPem;
use crate::serial::Serial;

/// The secret's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaSecret {
    /// The CA certificate, PEM (public: also the trust store bundle).
    pub ca_certificate_pem: String,
    /// The CA's private key, PEM.
    pub ca_private_key_pem: PrivateKeyPem,
    /// The client certificates, oldest first.
    pub certificates: Vec<CertificateEntry>,
}

/// One client certificate of the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CertificateEntry {
    /// Its serial, canonical.
    pub serial: Serial,
    /// The certificate, PEM.
    pub certificate_pem: String,
    /// Its private key, PEM.
    pub private_key_pem: PrivateKeyPem,
    /// Valid until.
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    /// Its id at Cloudflare once uploaded.
    pub cloudflare_id: Option<String>,
    /// Where it is in its life.
    pub state: CertState,
    /// When it entered `state`.
    #[serde(with = "time::serde::rfc3339")]
    pub state_since: OffsetDateTime,
}

/// Where a client certificate is in its life (contract 6). Its serial is in the Connection
/// Function's store in every state but `Issued`; Cloudflare presents the `Active` one (and,
/// for a while after a switch, the `Retiring` one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CertState {
    /// Issued and stored, not yet in the store.
    Issued,
    /// Its serial is in the store; Cloudflare does not present it yet.
    Listed,
    /// Cloudflare presents it.
    Active,
    /// Replaced at Cloudflare; its serial and certificate are to be deleted.
    Retiring,
}

impl CertState {
    /// Whether the entry's serial is (or may still be) in the Connection Function's store.
    pub fn is_listed(self) -> bool {
        !matches!(self, Self::Issued)
    }
}

/// Why a SecretString is not a CA secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// Not the JSON above. The message is serde's; a key field takes any string, so a key's
    /// value is never what it quotes.
    #[error("the CA secret is not the expected JSON: {0}")]
    Malformed(#[from] serde_json::Error),
    /// A certificate could not be read.
    #[error("the CA secret's certificate {serial}: {source}")]
    Certificate {
        /// The entry's serial.
        serial: Serial,
        /// Why.
        source: CertificateError,
    },
    /// An entry's serial or expiry is not its certificate's.
    #[error("the CA secret's entry {serial} does not match its certificate ({field})")]
    Mismatch {
        /// The entry's serial.
        serial: Serial,
        /// `serial` or `notAfter`.
        field: &'static str,
    },
    /// Two entries with one serial.
    #[error("the CA secret lists {0} twice")]
    Duplicate(Serial),
}

impl CertificateEntry {
    /// The entry of a certificate just issued (state `Issued` since `now`).
    pub fn issued(certificate: ClientCertificate, now: OffsetDateTime) -> Self {
        Self {
            serial: certificate.serial,
            certificate_pem: certificate.cert_pem,
            private_key_pem: certificate.key_pem,
            not_after: certificate.not_after,
            cloudflare_id: None,
            state: CertState::Issued,
            state_since: now,
        }
    }
}

impl CaSecret {
    /// Reads a SecretString: `None` for the secret as CDK creates it (empty, or `{}`), else the
    /// secret, each entry checked against its certificate (serial and expiry) and no serial
    /// twice.
    pub fn from_secret_string(text: &str) -> Result<Option<Self>, SecretError> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed == "{}" {
            return Ok(None);
        }
        let secret: Self = serde_json::from_str(trimmed)?;
        secret.check()?;
        Ok(Some(secret))
    }

    /// The SecretString to write.
    pub fn to_secret_string(&self) -> String {
        serde_json::to_string(self).expect("the secret serializes")
    }

    /// Checks every entry against its certificate, and that no serial is listed twice.
    pub fn check(&self) -> Result<(), SecretError> {
        for (i, entry) in self.certificates.iter().enumerate() {
            let facts = CertificateFacts::of_pem(&entry.certificate_pem).map_err(|source| {
                SecretError::Certificate {
                    serial: entry.serial.clone(),
                    source,
                }
            })?;
            let mismatch = |field| SecretError::Mismatch {
                serial: entry.serial.clone(),
                field,
            };
            if facts.serial != entry.serial {
                return Err(mismatch("serial"));
            }
            if facts.not_after != entry.not_after {
                return Err(mismatch("notAfter"));
            }
            if self.certificates[..i]
                .iter()
                .any(|e| e.serial == entry.serial)
            {
                return Err(SecretError::Duplicate(entry.serial.clone()));
            }
        }
        Ok(())
    }

    /// The entry with `serial`.
    pub fn entry_mut(&mut self, serial: &Serial) -> Option<&mut CertificateEntry> {
        self.certificates.iter_mut().find(|e| &e.serial == serial)
    }

    /// The serials that are (or may still be) in the Connection Function's store.
    pub fn listed_serials(&self) -> impl Iterator<Item = &Serial> {
        self.certificates
            .iter()
            .filter(|e| e.state.is_listed())
            .map(|e| &e.serial)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ca, Validity};

    fn secret() -> CaSecret {
        let now = OffsetDateTime::now_utc();
        let ca = Ca::generate("secret test CA", Validity::days_from(now, 365)).unwrap();
        let client = ca
            .issue_client("api.example.com", Validity::days_from(now, 90))
            .unwrap();
        let mut entry = CertificateEntry::issued(client, now);
        entry.state = CertState::Active;
        entry.cloudflare_id = Some("cf-1".into());
        CaSecret {
            ca_certificate_pem: ca.certificate_pem().to_owned(),
            ca_private_key_pem: ca.private_key_pem().clone(),
            certificates: vec![entry],
        }
    }

    #[test]
    fn the_secret_round_trips_in_the_contracts_shape() {
        let secret = secret();
        let text = secret.to_secret_string();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let entry = &value["certificates"][0];
        for field in [
            "serial",
            "certificatePem",
            "privateKeyPem",
            "notAfter",
            "cloudflareId",
            "state",
            "stateSince",
        ] {
            assert!(entry.get(field).is_some(), "{field}");
        }
        assert_eq!(entry["state"], "active");
        assert!(entry["notAfter"].as_str().unwrap().ends_with('Z'));
        assert_eq!(
            CaSecret::from_secret_string(&text).unwrap(),
            Some(secret.clone())
        );
    }

    #[test]
    fn the_secret_as_cdk_creates_it_holds_no_ca() {
        for empty in ["", "  ", "{}", " {} \n"] {
            assert!(CaSecret::from_secret_string(empty).unwrap().is_none());
        }
    }

    #[test]
    fn debug_shows_no_private_key() {
        let secret = secret();
        let shown = format!("{secret:?}");
        assert!(!shown.contains("PRIVATE KEY"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn an_entry_whose_serial_is_not_its_certificates_is_refused() {
        let mut secret = secret();
        secret.certificates[0].serial = Serial::from_presented("1234").unwrap();
        let e = CaSecret::from_secret_string(&secret.to_secret_string()).unwrap_err();
        assert!(
            matches!(
                e,
                SecretError::Mismatch {
                    field: "serial",
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn an_entry_whose_expiry_is_not_its_certificates_is_refused() {
        let mut secret = secret();
        secret.certificates[0].not_after += time::Duration::days(1);
        let e = CaSecret::from_secret_string(&secret.to_secret_string()).unwrap_err();
        assert!(
            matches!(
                e,
                SecretError::Mismatch {
                    field: "notAfter",
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn a_serial_listed_twice_is_refused() {
        let mut secret = secret();
        secret.certificates.push(secret.certificates[0].clone());
        let e = secret.check().unwrap_err();
        assert!(matches!(e, SecretError::Duplicate(_)), "{e}");
    }

    #[test]
    fn an_unknown_field_or_state_is_refused_without_quoting_a_key() {
        let text = secret().to_secret_string();
        let unknown_state = text.replace("\"active\"", "\"pending\"");
        let unknown_field = text.replace("\"stateSince\"", "\"since\"");
        for bad in [unknown_state, unknown_field] {
            let e = CaSecret::from_secret_string(&bad).unwrap_err();
            assert!(matches!(e, SecretError::Malformed(_)), "{e}");
            assert!(!e.to_string().contains("PRIVATE KEY"), "{e}");
        }
    }
}
