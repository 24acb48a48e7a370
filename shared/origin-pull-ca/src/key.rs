//! A private key in PEM (PKCS#8) whose `Debug` and `Display` never show it: a key must only
//! ever reach the CA's Secrets Manager secret and Cloudflare (contract 4), never a log line or
//! an error message, and a stray `{:?}` is how it would.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A PEM private key; read it with [`PrivateKeyPem::expose`], on purpose.
///
/// ```
/// use origin_pull_ca::PrivateKeyPem;
/// let key = PrivateKeyPem::new("-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n");
/// assert!(!format!("{key:?} {key}").contains("secret"));
/// assert!(key.expose().contains("secret"));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PrivateKeyPem(String);

impl PrivateKeyPem {
    /// Wraps a PEM private key.
    pub fn new(pem: impl Into<String>) -> Self {
        Self(pem.into())
    }

    /// The PEM text itself, for the secret and the Cloudflare upload only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PrivateKeyPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKeyPem(<redacted>)")
    }
}

impl fmt::Display for PrivateKeyPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted private key>")
    }
}
