//! The Function URL's SigV4 check: what a Function URL with `AuthType=AWS_IAM` does before the
//! function runs — an independent SigV4 canonicalization (not `aws-sigv4`, so it and CloudFront's
//! signer, [`crate::cloudfront::sigv4_sign`], check each other; both are also cross-checked
//! against botocore), the payload hash against the body and the clock. The decision on how paths
//! and query strings are canonicalised, with its evidence, is in `docs/oac-dev.md`.
//!
//! One concern per module, as in `aws-sigv4`: `uri` and `query` canonicalise the path and the
//! query string, `url_escape` percent-encodes, `canonical_request` assembles the request,
//! `authorization` reads the `Authorization` header, `date_time` reads `x-amz-date`, `verify` the
//! check. Lambda's 403 answers and the resource policy sit beside this module
//! ([`super::lambda_errors`], [`super::grants`]).

mod authorization;
#[cfg(test)]
mod aws_test_suite;
mod canonical_request;
mod date_time;
mod query;
mod uri;
mod url_escape;
mod verify;

pub use date_time::format_amz_date;
pub use url_escape::percent_decode;
pub use verify::{Caller, FunctionUrlAuth, ReceivedRequest, SigningIdentity};

pub use cloudfront_event::{CONTENT_SHA256, EMPTY_SHA256};
