//! What went wrong: Cloudflare's own `errors[]`, or why no answer could be read.

use std::fmt;

use serde::Deserialize;

/// One entry of the envelope's `errors[]` (or `messages[]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiMessage {
    /// Cloudflare's numeric code (e.g. `10000`, `9109`, `81053`).
    pub code: u32,
    /// Cloudflare's message.
    pub message: String,
}

/// Why a call failed. The `Display` never contains the token or a rule's secret value: it is
/// built from Cloudflare's codes and messages, statuses, and the caller's non-secret input.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Cloudflare answered with an error status or `success: false`.
    #[error("{}", cloudflare_display(*status, errors))]
    Cloudflare {
        /// The HTTP status.
        status: u16,
        /// The envelope's `errors[]` (empty when the body was not an envelope).
        errors: Vec<ApiMessage>,
    },
    /// Retries of a 429 or 5xx ran out (attempts or total time); `last` is the final answer.
    #[error("gave up after {attempts} attempts: {last}")]
    GaveUp {
        /// How many requests were sent.
        attempts: u32,
        /// The last failure.
        last: Box<Error>,
    },
    /// No answer: connection, TLS, timeout, a redirect, or a body over the cap.
    #[error("Cloudflare API transport: {0}")]
    Transport(String),
    /// An answer that is not the envelope expected.
    #[error("malformed Cloudflare API answer: {0}")]
    Malformed(String),
    /// Input refused before any request (zone id, hostname, base URL, ...).
    #[error("invalid input: {0}")]
    Invalid(String),
}

impl Error {
    /// The HTTP status of a Cloudflare answer (through [`Error::GaveUp`]), if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Cloudflare { status, .. } => Some(*status),
            Self::GaveUp { last, .. } => last.status(),
            _ => None,
        }
    }
}

/// `Cloudflare API error 10000: Authentication error (HTTP 403)`; several errors joined by `; `.
fn cloudflare_display(status: u16, errors: &[ApiMessage]) -> String {
    if errors.is_empty() {
        return format!("Cloudflare API error without details (HTTP {status})");
    }
    let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
    format!("Cloudflare API error {} (HTTP {status})", list.join("; "))
}

impl fmt::Display for ApiMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}
