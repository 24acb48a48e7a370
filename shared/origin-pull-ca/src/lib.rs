//! The small CA of viewer mTLS (issue 24). CloudFront can require a client certificate from its
//! viewers; Cloudflare presents one to the origin with Authenticated Origin Pulls. Cloudflare's
//! global AOP certificate is shared by every customer and proves nothing, so oac-kit runs a CA
//! of its own: its certificate is CloudFront's trust store, and the one client certificate it
//! issues a zone is uploaded to Cloudflare as the zone's (per-hostname) AOP certificate. The
//! Connection Function then admits only the serial numbers listed in its KeyValueStore.
//!
//! This crate is pure (no I/O but the system's random source for keys and serials):
//!
//! - [`Ca`]: generate (ECDSA P-256) or restore from PEM, and [`Ca::issue_client`];
//! - [`Serial`]: the canonical serial number (contract 1) and its KeyValueStore key;
//! - [`CertificateFacts`]: a PEM certificate's serial, validity and common names;
//! - [`PrivateKeyPem`]: a private key that `Debug` and `Display` redact;
//! - [`secret::CaSecret`]: the CA's Secrets Manager secret (contract 4), keys redacted in `Debug`;
//! - [`renewal::plan`]: the next renewal step (contract 6), a pure state machine.
//!
//! The custom resource Lambda does the I/O (Secrets Manager, the KeyValueStore, Cloudflare).
//! See `docs/viewer-mtls.md`.

mod ca;
mod facts;
mod key;
pub mod renewal;
pub mod secret;
mod serial;

pub use ca::{Ca, CaError, ClientCertificate, MAX_COMMON_NAME, Validity};
pub use facts::{CertificateError, CertificateFacts};
pub use key::PrivateKeyPem;
pub use serial::{ISSUED_BYTES, MAX_HEX_DIGITS, MAX_PRESENTED_LEN, Serial, SerialError};
