//! SigV4's canonical request, as a verifier rebuilds it from what arrived: written from the
//! SigV4 specification, not taken from `aws-sigv4`, so a signer (`aws-sigv4`, botocore) and a
//! verifier built on this crate are two implementations that must agree. The canonical request
//! is the same for SigV4 (`AWS4-HMAC-SHA256`) and SigV4a (`AWS4-ECDSA-P256-SHA256`); only the
//! scope, the key and the signature differ, and those stay with each verifier (oac-dev's
//! Function URL check, the KVS stand-in's).
//!
//! One concern per module, as in `aws-sigv4`: [`uri`] and [`query`] canonicalise the path and
//! the query string, `url_escape` percent-encodes ([`uri_encode_into`]), [`canonical_request`]
//! assembles the request (signed headers trimmed and joined, the signed-header list, the payload
//! hash), [`amz_time`] reads and writes `X-Amz-Date` and reads `X-Amz-Expires`.
//!
//! The date and the encoding are SigV4's rules for every verifier here, so they live here once:
//! `fluid-identity` (which ships in the api Lambda) reads its presigned URLs with them, which
//! makes this crate ship too.
//!
//! ```
//! use sigv4_canonical::{Request, canonical_request, string_to_sign};
//! let headers = [("host".to_owned(), "example.amazonaws.com".to_owned())];
//! let request = Request { method: "GET", raw_path: "/a/../b", raw_query: "q=a+b", headers: &headers, body: b"" };
//! let canonical = canonical_request(&request, &["host"], &sigv4_canonical::sha256_hex(b"")).unwrap();
//! assert!(canonical.starts_with("GET\n/b\nq=a%20b\nhost:example.amazonaws.com\n\nhost\n"));
//! assert!(string_to_sign("AWS4-HMAC-SHA256", "20240101T000000Z", "s", &canonical).starts_with("AWS4-HMAC-SHA256\n"));
//! ```

pub mod amz_time;
#[cfg(test)]
mod aws_test_suite;
mod canonical_request;
pub mod query;
pub mod uri;
mod url_escape;

use sha2::{Digest, Sha256};

pub use canonical_request::{canonical_request, header_values};
pub use url_escape::{is_unreserved, percent_decode, uri_encode_into};

/// An HTTP request as the verifier received it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Method.
    pub method: &'a str,
    /// Path as sent (percent-encoded).
    pub raw_path: &'a str,
    /// Query string without `?`, as sent.
    pub raw_query: &'a str,
    /// Headers (any case), in order.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

/// The lowercase hex SHA-256 of `bytes` (a body's payload hash; the canonical request's, in the
/// string to sign).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The string to sign: `algorithm`, `amz_date`, the credential `scope` (SigV4:
/// `date/region/service/aws4_request`; SigV4a: `date/service/aws4_request`) and the SHA-256 of
/// the canonical request, one a line.
pub fn string_to_sign(algorithm: &str, amz_date: &str, scope: &str, canonical: &str) -> String {
    format!(
        "{algorithm}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical.as_bytes())
    )
}
