//! `x-amz-content-sha256`: the lowercase hex SHA-256 of the exact body bytes.
//!
//! OAC signs the origin request with this value and Lambda checks the body against it. CloudFront
//! gives an origin-request function at most 1 MB of body, so above that only the caller can
//! compute it; below it is cheap and saves the edge the work.

use sha2::{Digest, Sha256};

/// The header OAC signs the payload hash with.
pub const CONTENT_SHA256_HEADER: &str = "x-amz-content-sha256";

/// Lowercase hex SHA-256 of `body`.
///
/// ```
/// assert_eq!(
///     oac_client::content_sha256(b""),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn content_sha256(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}
