//! The origin secret: the second layer of the viewer filter. Only our Cloudflare zone adds the
//! header (a request-header Transform Rule), so a request from a Cloudflare address that lacks
//! it came through someone else's zone or Worker.
//!
//! The edge never holds a secret in clear, only the SHA-256 of each valid one (at most two, so
//! one can rotate with no downtime). A header value is hashed and compared with every stored
//! hash in constant time.
//!
//! ```
//! use ip_filter_core::origin_secret::{OriginSecrets, sha256_hex};
//! let secret = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
//! let secrets = OriginSecrets::from_hashes(&[sha256_hex(secret)]).unwrap();
//! assert!(secrets.admits(secret));
//! assert!(!secrets.admits("k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZb"));
//! ```

use cloudfront_event::reserved_headers::{HOP_BY_HOP, Trigger, edit_refusal};
use sha2::{Digest, Sha256};

use crate::kvs_layout::{LayoutError, decode_secret_hashes, encode_secret_hashes};

/// Default name of the header our Cloudflare zone adds.
pub const DEFAULT_HEADER: &str = "x-origin-secret";
/// The fewest characters a secret may have.
pub const MIN_SECRET_CHARS: usize = 32;
/// The most characters a secret may have.
pub const MAX_SECRET_CHARS: usize = 128;
/// How many secrets may be valid at once (the current one and the next, during rotation).
pub const MAX_SECRETS: usize = 2;
/// The longest header name accepted for the secret.
pub const MAX_HEADER_CHARS: usize = 64;

/// A secret that must not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Too short, too long, or a character outside `[A-Za-z0-9._~+/=-]`. The secret itself is
    /// never part of the message.
    #[error(
        "an origin secret must be {MIN_SECRET_CHARS}–{MAX_SECRET_CHARS} characters of [A-Za-z0-9._~+/=-]"
    )]
    Malformed,
    /// More than [`MAX_SECRETS`] secrets, none, or the same one twice.
    #[error("give 1 or {MAX_SECRETS} distinct origin secrets")]
    Count,
    /// A header name that is not a lowercase HTTP token of 1–[`MAX_HEADER_CHARS`] characters.
    #[error(
        "the origin secret header name must be a lowercase HTTP token of 1–{MAX_HEADER_CHARS} characters, e.g. x-origin-secret"
    )]
    HeaderName,
    /// `cf-*` or `x-cf-*`: Cloudflare's Transform Rules cannot set them.
    #[error(
        "the origin secret header name cannot be cf-* or x-cf-*: Cloudflare's Transform Rules cannot set those"
    )]
    HeaderCloudflareOwned,
    /// A header CloudFront does not let the viewer-request filter delete (disallowed, or
    /// read-only at viewer request) or that no proxy passes on (hop-by-hop): the filter removes
    /// the secret's header before the request goes on, so CloudFront would answer every request
    /// 502.
    #[error(
        "the origin secret header name is one CloudFront does not let the viewer filter remove (disallowed, read-only or hop-by-hop): choose another, e.g. x-origin-secret"
    )]
    HeaderCloudFrontOwned,
}

/// Checks a secret's shape (length and alphabet), never echoing it.
pub fn check_secret(secret: &str) -> Result<(), SecretError> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"._~+/=-".contains(&b);
    if (MIN_SECRET_CHARS..=MAX_SECRET_CHARS).contains(&secret.len()) && secret.bytes().all(allowed)
    {
        Ok(())
    } else {
        Err(SecretError::Malformed)
    }
}

/// Checks a header name for the secret: a lowercase token (RFC 9110), as CloudFront keys
/// headers; one Cloudflare may set (not `cf-*`, `x-cf-*`); and one the viewer filter may delete
/// (CloudFront's [`edit_refusal`] at viewer request, and not hop-by-hop). The CDK app's
/// `checkHeaderName` is held to this rule by a shared case table (`cargo xtask test`).
///
/// ```
/// use ip_filter_core::origin_secret::{SecretError, check_header_name};
/// assert_eq!(check_header_name("x-origin-secret"), Ok(()));
/// assert_eq!(check_header_name("via"), Err(SecretError::HeaderCloudFrontOwned));
/// assert_eq!(check_header_name("x-amz-cf-secret"), Err(SecretError::HeaderCloudFrontOwned));
/// ```
pub fn check_header_name(name: &str) -> Result<(), SecretError> {
    let token =
        |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || name.len() > MAX_HEADER_CHARS || !name.bytes().all(token) {
        return Err(SecretError::HeaderName);
    }
    if name.starts_with("cf-") || name.starts_with("x-cf-") {
        return Err(SecretError::HeaderCloudflareOwned);
    }
    if edit_refusal(Trigger::ViewerRequest, name).is_some() || HOP_BY_HOP.contains(&name) {
        return Err(SecretError::HeaderCloudFrontOwned);
    }
    Ok(())
}

/// SHA-256 of `text`, lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The `origin-secrets` value for 1 or 2 valid secrets (checked; only their hashes are kept).
pub fn secrets_value<S: AsRef<str>>(secrets: &[S]) -> Result<String, SecretError> {
    for secret in secrets {
        check_secret(secret.as_ref())?;
    }
    let hashes: Vec<String> = secrets.iter().map(|s| sha256_hex(s.as_ref())).collect();
    if hashes.is_empty() || hashes.len() > MAX_SECRETS {
        return Err(SecretError::Count);
    }
    encode_secret_hashes(&hashes).map_err(|_| SecretError::Count)
}

/// The valid secrets, as their SHA-256 digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginSecrets {
    digests: Vec<[u8; 32]>,
}

impl OriginSecrets {
    /// From 1 or 2 distinct digests in lowercase hex.
    pub fn from_hashes(hashes: &[String]) -> Result<Self, LayoutError> {
        encode_secret_hashes(hashes)?;
        let digests = hashes
            .iter()
            .map(|h| {
                let mut d = [0u8; 32];
                hex::decode_to_slice(h, &mut d).expect("checked: 64 hex digits");
                d
            })
            .collect();
        Ok(Self { digests })
    }

    /// From the KVS `origin-secrets` value ([`crate::kvs_layout`]).
    pub fn from_kvs_value(value: &str) -> Result<Self, LayoutError> {
        Self::from_hashes(&decode_secret_hashes(value)?)
    }

    /// Whether `header_value` is one of the secrets. Every stored digest is compared, every
    /// byte of each, whatever matched before.
    pub fn admits(&self, header_value: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(header_value.as_bytes()).into();
        let mut any = 0u8;
        for digest in &self.digests {
            any |= constant_time_eq(digest, &presented);
        }
        any == 1
    }
}

/// 1 when equal, 0 otherwise, looking at every byte.
fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> u8 {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // 1 iff diff == 0, without a branch on the secret-dependent value.
    (((diff as u16).wrapping_sub(1) >> 8) & 1) as u8
}

#[cfg(test)]
#[path = "origin_secret_tests.rs"]
mod tests;
