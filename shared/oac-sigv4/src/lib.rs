//! Both ends of CloudFront Origin Access Control in front of a Lambda Function URL.
//!
//! - [`sign_origin_request`]: what CloudFront does with signing `always` — SigV4 for service
//!   `lambda` with `aws-sigv4`, the payload hash taken from `x-amz-content-sha256` when the
//!   request carries it (the body-hash function's job) and the empty-body hash otherwise.
//! - [`FunctionUrlAuth::check`]: what a Function URL with `AuthType=AWS_IAM` does before the
//!   function runs — an independent SigV4 canonicalization (not `aws-sigv4`, so the two sides
//!   check each other; both are also cross-checked against botocore), the payload hash against
//!   the body, the clock, and the resource policy — answering with Lambda's 403 shapes.
//!
//! One concern per module, as in `aws-sigv4`: `uri` and `query` canonicalise the path and the
//! query string, `url_escape` percent-encodes, `canonical_request` assembles the request,
//! `authorization` reads the `Authorization` header, `date_time` reads `x-amz-date`,
//! `lambda_errors` holds Lambda's 403 answers, `grants` the resource policy, `verify` the check.

mod authorization;
#[cfg(test)]
mod aws_test_suite;
mod canonical_request;
mod date_time;
mod grants;
mod lambda_errors;
mod query;
mod sign;
mod uri;
mod url_escape;
mod verify;

pub use date_time::format_amz_date;
pub use grants::Grants;
pub use lambda_errors::Denial;
pub use sign::{SignError, sign_origin_request};
pub use url_escape::percent_decode;
pub use verify::{Caller, FunctionUrlAuth, ReceivedRequest, SigningIdentity};

/// SHA-256 of zero bytes, lowercase hex.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The payload-hash header Lambda reads.
pub const CONTENT_SHA256: &str = "x-amz-content-sha256";
