//! What a public hostname's answers mean. The CLI sends the requests [`plan`] lists (a GET and a small
//! POST) and hands each answer to [`explain`], which names the likely cause from what Lambda and
//! CloudFront put in it (`x-amzn-ErrorType`, `x-cache`, CloudFront's error pages, problem details) and
//! the checks that find that cause in the configuration. Pure: nothing here sends a request.

use serde::Serialize;

/// A request the probe sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The path and query, joined to the hostname the user gave.
    pub path: String,
    /// The body (small; empty for GET).
    pub body: Vec<u8>,
    /// Extra request headers.
    pub headers: Vec<(String, String)>,
}

/// What the hostname answered to one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeAnswer {
    /// The request, as [`plan`] gave it.
    pub request: ProbeRequest,
    /// The status code.
    pub status: u16,
    /// The response headers, names lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The start of the body (the CLI reads at most a few KiB).
    pub body: Vec<u8>,
}

/// What one answer means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// `GET /health → 403`.
    pub summary: String,
    /// Whether the answer is a healthy one.
    pub ok: bool,
    /// The likely cause, in one or two sentences, with the evidence (headers, body) quoted.
    pub cause: String,
    /// The IDs of the checks that find this cause in the configuration.
    pub checks: Vec<&'static str>,
}

/// The requests to send.
pub fn plan() -> Vec<ProbeRequest> {
    Vec::new()
}

/// What `answer` means.
pub fn explain(answer: &ProbeAnswer) -> Diagnosis {
    Diagnosis {
        summary: format!(
            "{} {} → {}",
            answer.request.method, answer.request.path, answer.status
        ),
        ok: false,
        cause: "not explained yet".into(),
        checks: Vec::new(),
    }
}
