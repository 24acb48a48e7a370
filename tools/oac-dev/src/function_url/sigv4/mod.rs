//! The Function URL's SigV4 check: what a Function URL with `AuthType=AWS_IAM` does before the
//! function runs — an independent SigV4 canonicalization ([`sigv4_canonical`], written from the
//! spec, not `aws-sigv4`, so it and CloudFront's signer, [`crate::cloudfront::sigv4_sign`], check
//! each other; both are also cross-checked against botocore), the payload hash against the body
//! and the clock. The decision on how paths and query strings are canonicalised, with its
//! evidence, is in `docs/oac-dev.md`.
//!
//! The canonical request (path, query, signed headers, payload hash) is [`sigv4_canonical`]'s,
//! shared with the KVS stand-in's SigV4a verifier; here: `authorization` reads the
//! `Authorization` header, [`sigv4_canonical::amz_time`] reads `x-amz-date`, `verify` the check (scope, clock,
//! payload hash, HMAC). Lambda's 403 answers and the resource policy sit beside this module
//! ([`super::lambda_errors`], [`super::grants`]).

mod authorization;
mod verify;

pub use sigv4_canonical::amz_time::format_amz_date;
pub use sigv4_canonical::percent_decode;
pub use verify::{Caller, FunctionUrlAuth, ReceivedRequest};

pub use cloudfront_event::{CONTENT_SHA256, EMPTY_SHA256};
