//! What the SigV4 tests of `oac-dev` and `tests/e2e` share (feature `sigv4-fixtures`, never in
//! the `oac-dev` binary): the emulated Function URL, requests as it receives them, CloudFront's
//! signing, random legitimate requests ([`requests`]) and the signer/verifier agreement check
//! ([`agreement`]). Pure Rust: botocore's side is `test_support::botocore_sigv4`.
//!
//! Here rather than in `test-support` so that `oac-dev`'s own tests need no crate that depends on
//! `oac-dev` (no dev-dependency cycle).

pub mod agreement;
pub mod requests;

use std::time::{Duration, SystemTime};

use crate::cloudfront::sigv4_sign::sign_origin_request;
use crate::function_url::sigv4::{FunctionUrlAuth, ReceivedRequest};
use crate::model::{Grants, SigningIdentity};
use aws_credential_types::Credentials;
use sha2::{Digest, Sha256};

/// The access key id CloudFront signs with.
pub const AKID: &str = "AKIDCLOUDFRONTLOCAL1";
/// Its secret.
pub const SECRET: &str = "cloudfront-local-secret";
/// The Function URL's host.
pub const HOST: &str = "abcdefghijklmnop.lambda-url.us-east-1.on.aws";
/// The Function URL's region.
pub const REGION: &str = "us-east-1";

/// Lowercase hex SHA-256 of `b`.
pub fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// A `(name, value)` header.
pub fn h(n: &str, v: &str) -> (String, String) {
    (n.to_owned(), v.to_owned())
}

/// The Function URL under test: one identity, both grants, SigV4's 5-minute window.
pub fn function_url() -> FunctionUrlAuth {
    FunctionUrlAuth {
        host: HOST.to_owned(),
        region: REGION.to_owned(),
        identities: vec![SigningIdentity {
            access_key_id: AKID.to_owned(),
            secret_access_key: SECRET.to_owned(),
            principal_arn: "arn:aws:sts::000000000000:assumed-role/cloudfront/local".to_owned(),
            account_id: "000000000000".to_owned(),
        }],
        grants: Grants::BOTH,
        max_skew: Duration::from_secs(300),
    }
}

/// The request as the Function URL receives it.
pub fn received<'a>(
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: &'a [(String, String)],
    body: &'a [u8],
) -> ReceivedRequest<'a> {
    ReceivedRequest {
        method,
        raw_path: path,
        raw_query: query,
        headers,
        body,
    }
}

/// Signs `method path?query` as CloudFront OAC does (the chain's signer, `aws-sigv4`) at `at`.
pub fn cloudfront_sign(
    method: &str,
    path_and_query: &str,
    headers: &mut Vec<(String, String)>,
    at: SystemTime,
) {
    let creds = Credentials::new(AKID, SECRET, None, None, "test");
    sign_origin_request(
        method,
        &format!("https://{HOST}{path_and_query}"),
        headers,
        &creds,
        REGION,
        at,
    )
    .unwrap_or_else(|e| panic!("{method} {path_and_query}: {e}"));
}

/// A `POST /v1/x` CloudFront signed at `at`, with the body it carries.
pub fn cloudfront_signed(
    headers: Vec<(String, String)>,
    body: &[u8],
    at: SystemTime,
) -> (Vec<(String, String)>, Vec<u8>) {
    let mut headers = headers;
    cloudfront_sign("POST", "/v1/x", &mut headers, at);
    (headers, body.to_vec())
}

/// The value of header `name` (any case).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
