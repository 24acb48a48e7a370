//! What a public hostname's answers mean. The CLI sends the requests [`plan`] lists (a GET and a small
//! POST) and hands each answer to [`explain`], which names the likely cause from what Lambda and
//! CloudFront put in it (`x-amzn-ErrorType`, `x-cache`, CloudFront's error pages, problem details) and
//! the checks that find that cause in the configuration. Pure: nothing here sends a request.

mod causes;
mod evidence;
#[cfg(test)]
mod tests;

use serde::Serialize;

use causes::{
    Cause, REDIRECTED, cloudfront_itself, edge_failure, generated, lambda, not_cloudfront,
};
use evidence::{EdgeMark, Evidence, short};

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

impl ProbeAnswer {
    /// The first value of the response header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
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

/// The body of the probe's POST: small JSON, nothing secret.
pub const POST_BODY: &[u8] = br#"{"probe":"oac-kit doctor"}"#;

/// The requests to send to `path_and_query` (the path and query of the URL the user gave; `/`
/// when empty): a GET, and a POST with a small JSON body and no `x-amz-content-sha256`, which
/// the chain must add itself (its origin-request body-hash function) for Lambda to accept the
/// body. Neither carries a credential or an identity header: they are what any viewer can send.
pub fn plan(path_and_query: &str) -> Vec<ProbeRequest> {
    let path = if path_and_query.is_empty() {
        "/"
    } else {
        path_and_query
    };
    vec![
        ProbeRequest {
            method: "GET".into(),
            path: path.into(),
            body: Vec::new(),
            headers: Vec::new(),
        },
        ProbeRequest {
            method: "POST".into(),
            path: path.into(),
            body: POST_BODY.to_vec(),
            headers: vec![("content-type".into(), "application/json".into())],
        },
    ]
}

/// What `answer` means: the likely cause, with the evidence quoted, and the checks that find it
/// in the configuration. An answer nothing here recognises is explained as unknown, never ok.
pub fn explain(answer: &ProbeAnswer) -> Diagnosis {
    let evidence = Evidence::of(answer);
    let found = cause(&evidence);
    Diagnosis {
        summary: format!(
            "{} {} → {}",
            answer.request.method, answer.request.path, answer.status
        ),
        ok: found.ok,
        cause: found.text,
        checks: found.checks.to_vec(),
    }
}

/// Who answered, in the order that tells them apart: Lambda's refusal (CloudFront marks it
/// `Error from cloudfront` too), an edge function's failure or answer, then CloudFront itself,
/// then the function.
fn cause(e: &Evidence<'_>) -> Cause {
    if !e.through_cloudfront() {
        return not_cloudfront(e);
    }
    if let Some(refusal) = e.lambda_refusal() {
        return lambda(e, &refusal);
    }
    match e.edge_mark() {
        EdgeMark::LambdaEdgeFailed | EdgeMark::FunctionFailed => return edge_failure(e),
        EdgeMark::Generated => return generated(e),
        EdgeMark::Redirect => {
            return Cause::fail(
                format!(
                    "CloudFront redirected (x-cache: Redirect from cloudfront, location: {}): \
                     the viewer protocol policy sends http to https; probe the https:// URL",
                    e.header("location").unwrap_or("none")
                ),
                REDIRECTED,
            );
        }
        EdgeMark::None => {}
    }
    let status = e.answer.status;
    if status == 504 {
        return Cause::fail(
            "504 Gateway Timeout: CloudFront gave up waiting for the Function URL (the origin's \
             response timeout, 30 s by default) or the function ran past its own timeout; its \
             logs show the duration",
            &[],
        );
    }
    if e.cloudfront_page() {
        return cloudfront_itself(e);
    }
    match status {
        200..=299 => Cause::ok(format!(
            "the function answered {status} through CloudFront (x-cache: {})",
            e.header("x-cache").unwrap_or("none")
        )),
        300..=399 => Cause::ok(format!(
            "the function answered a redirect to {} (not followed)",
            e.header("location").unwrap_or("nowhere (no location)")
        )),
        400..=499 => Cause::ok(format!(
            "the function itself answered {status} (no Lambda error type, not an edge function's \
             or CloudFront's own answer): the chain reaches it; {status} is its answer to this \
             path and method"
        )),
        _ => Cause::fail(
            format!(
                "unknown: {status} from behind CloudFront that is neither Lambda's refusal, an edge \
                 function's answer nor CloudFront's own page — the function failed or the Function \
                 URL answered; the function's logs (and CloudFront's) say which. Body: {}",
                short(&e.text)
            ),
            &[],
        ),
    }
}
