//! Both ends of CloudFront Origin Access Control in front of a Lambda Function URL.
//!
//! - [`sign_origin_request`]: what CloudFront does with signing `always` — SigV4 for service
//!   `lambda` with `aws-sigv4`, the payload hash taken from `x-amz-content-sha256` when the
//!   request carries it (the body-hash function's job) and the empty-body hash otherwise.
//! - [`FunctionUrlAuth::check`]: what a Function URL with `AuthType=AWS_IAM` does before the
//!   function runs — an independent SigV4 canonicalization (not `aws-sigv4`, so the two sides
//!   check each other; both are also cross-checked against botocore), the payload hash against
//!   the body, the clock, and the resource policy — answering with Lambda's 403 shapes.

mod sign;
mod verify;

pub use sign::{SignError, sign_origin_request};
pub use verify::{
    Caller, Denial, FunctionUrlAuth, Grants, ReceivedRequest, SigningIdentity, format_amz_date,
    percent_decode,
};

/// SHA-256 of zero bytes, lowercase hex.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The payload-hash header Lambda reads.
pub const CONTENT_SHA256: &str = "x-amz-content-sha256";
