//! What can go wrong calling an oac-kit API.

use bytes::Bytes;
use http::HeaderMap;
use problem_details::Problem;

/// An error of [`crate::OacClient`]. Never contains the identity value.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The API answered ≥ 400 with an RFC 9457 `application/problem+json` body.
    #[error("{status} {}", summary(.problem))]
    Problem {
        /// The HTTP status.
        status: u16,
        /// The parsed problem (boxed, like the headers, to keep `Result`s small).
        problem: Box<Problem>,
        /// The response headers (`Retry-After`, …).
        headers: Box<HeaderMap>,
    },
    /// The API (or something in front of it, such as Lambda's own 403) answered ≥ 400 without a
    /// problem body.
    #[error("HTTP {status}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The response headers (`x-amzn-ErrorType`, …).
        headers: Box<HeaderMap>,
        /// The body as received.
        body: Bytes,
    },
    /// No answer: connection refused or reset, timeout, TLS failure, a body that would not read.
    #[error("transport: {0}")]
    Transport(#[source] reqwest::Error),
    /// The AWS credentials could not be loaded.
    #[error("credentials: {0}")]
    Credentials(String),
    /// Minting `X-Fluid-Identity` failed (bad region, audience or lifetime).
    #[error("signing X-Fluid-Identity: {0}")]
    Sign(#[from] fluid_identity::SignError),
    /// The request or the client configuration is not valid (a URL, a header the client owns).
    #[error("invalid request: {0}")]
    Invalid(String),
}

/// `<type>: <detail or title>`.
fn summary(problem: &Problem) -> String {
    let text = problem.detail().unwrap_or(problem.title());
    format!("{}: {text}", problem.type_uri())
}

impl Error {
    /// The HTTP status of an API answer, if the error is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Problem { status, .. } | Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}
