//! What CloudFront Origin Access Control signs with when it calls a Lambda Function URL.
//!
//! Lambda refuses unsigned payloads, so OAC's SigV4 covers the body through
//! `x-amz-content-sha256`; without the header CloudFront signs the hash of the empty body.

/// The header Lambda (and OAC's signature) reads the payload hash from.
pub const CONTENT_SHA256: &str = "x-amz-content-sha256";

/// SHA-256 of zero bytes, lowercase hex: the payload hash of a request without a body.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Headers OAC writes or signs on every origin request (signing `always`): an edge function that
/// set one would be overwritten or would break the signature.
pub const SIGNED_BY_OAC: &[&str] = &[
    "authorization",
    "host",
    CONTENT_SHA256,
    "x-amz-date",
    "x-amz-security-token",
];

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    #[test]
    fn the_empty_body_hash_is_sha256_of_nothing() {
        assert_eq!(EMPTY_SHA256, hex::encode(Sha256::digest(b"")));
    }
}
