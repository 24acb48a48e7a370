//! The Lambda Function URL with `AuthType=AWS_IAM`: its IAM check (SigV4, payload hash, clock,
//! resource policy — answering Lambda's 403s), the payload 2.0 event it hands the function and
//! Lambda's 6 MiB limit on it (413), and how the function's answer becomes the HTTP response —
//! whole (`BUFFERED`) or streamed (`RESPONSE_STREAM`, [`streaming`]).
//! <https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html>

pub mod auth;
pub mod grants;
pub mod lambda_errors;
pub mod payload;
pub mod payload_limit;
pub mod response;
pub mod sigv4;
pub mod streaming;

pub use auth::FunctionUrl;
pub use lambda_errors::Denial;
pub use payload::Invocation;
