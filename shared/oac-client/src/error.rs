//! What can go wrong calling an oac-kit API.

use bytes::Bytes;
use http::HeaderMap;
use problem_details::Problem;

/// The header AWS names its own errors in (Lambda's Function URL sets it on every refusal).
pub const AWS_ERROR_TYPE_HEADER: &str = "x-amzn-errortype";

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
    /// The API (or something in front of it) answered ≥ 400 without a problem body. Lambda's own
    /// refusals come back this way, named by [`Error::aws_error_type`]: a bad signature is 403
    /// `InvalidSignatureException`, a request over the Function URL's 6 MiB payload limit is 413
    /// `RequestEntityTooLargeException` (never retried: the same body would be refused again).
    #[error("HTTP {status}{}", aws_error_suffix(.headers))]
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
    /// A plain `http://` URL to a host that is not this machine's loopback (`localhost`,
    /// `127.0.0.0/8`, `::1`): the identity and any secret header would cross the network
    /// unencrypted. Refused before anything is signed or sent; use `https://`.
    #[error(
        "refusing plain http to {host:?}: the identity and secret headers would travel unencrypted; \
         use https (http is allowed only to localhost, 127.0.0.0/8 and [::1])"
    )]
    PlainHttp {
        /// The host as the URL names it (empty when it names none).
        host: String,
    },
    /// The answer's body is larger than the client's cap
    /// ([`max_response_bytes`](crate::OacClientBuilder::max_response_bytes), 64 MiB unless set):
    /// refused before reading when its `content-length` says so (`read` is then 0), else at the
    /// chunk that passed the cap (`read` counts it). Never retried: the same request would get
    /// the same answer.
    #[error(
        "response too large: more than the {limit}-byte cap ({read} bytes received); \
         raise max_response_bytes or ask for less (a page, a range)"
    )]
    ResponseTooLarge {
        /// The cap, in bytes.
        limit: u64,
        /// The body bytes received when the answer was refused (0 when `content-length` said it).
        read: u64,
    },
    /// The request or the client configuration is not valid (a URL, a header the client owns).
    #[error("invalid request: {0}")]
    Invalid(String),
}

/// `<type>: <detail or title>`.
fn summary(problem: &Problem) -> String {
    let text = problem.detail().unwrap_or(problem.title());
    format!("{}: {text}", problem.type_uri())
}

/// ` <x-amzn-ErrorType>` when AWS named the error, else nothing.
fn aws_error_suffix(headers: &HeaderMap) -> String {
    aws_error_type(headers)
        .map(|name| format!(" {name}"))
        .unwrap_or_default()
}

/// The error name in `x-amzn-ErrorType`, without the `:<namespace>` some services append.
fn aws_error_type(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AWS_ERROR_TYPE_HEADER)?.to_str().ok()?;
    value.split(':').next().filter(|name| !name.is_empty())
}

impl Error {
    /// The HTTP status of an API answer, if the error is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Problem { status, .. } | Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// For an [`Error::Status`] AWS answered itself, the error it named in `x-amzn-ErrorType`
    /// (`RequestEntityTooLargeException`, `InvalidSignatureException`, …).
    ///
    /// ```
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("x-amzn-errortype", "RequestEntityTooLargeException".parse().unwrap());
    /// let err = oac_client::Error::Status { status: 413, headers: Box::new(headers), body: Default::default() };
    /// assert_eq!(err.aws_error_type(), Some("RequestEntityTooLargeException"));
    /// assert_eq!(err.to_string(), "HTTP 413 RequestEntityTooLargeException");
    /// ```
    pub fn aws_error_type(&self) -> Option<&str> {
        match self {
            Error::Status { headers, .. } => aws_error_type(headers),
            _ => None,
        }
    }
}
