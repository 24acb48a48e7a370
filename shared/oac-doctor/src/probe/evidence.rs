//! What one answer shows: who answered (Lambda's Function URL, an edge function, CloudFront
//! itself, something behind it, or something that is not CloudFront) and the words it used.

use problem_details::Problem;

use super::ProbeAnswer;

/// Lambda's refusal, from `x-amzn-ErrorType` or, when a proxy dropped the header, from the body
/// Lambda answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum LambdaRefusal {
    /// `AccessDeniedException`: `{"Message":"Forbidden. …"}`.
    AccessDenied,
    /// `InvalidSignatureException`: the signature, or the payload hash it covers, does not match.
    InvalidSignature,
    /// `UnrecognizedClientException`: a key Lambda does not know signed the request.
    UnrecognizedClient,
    /// Any other `x-amzn-ErrorType`.
    Other(String),
}

/// Who generated the answer, by CloudFront's `x-cache`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EdgeMark {
    /// `FunctionGeneratedResponse` or `LambdaGeneratedResponse`: an edge function answered.
    Generated,
    /// `LambdaValidationError`, `LambdaExecutionError`, `LambdaLimitExceeded`: Lambda@Edge failed.
    LambdaEdgeFailed,
    /// `FunctionValidationError`, `FunctionExecutionError`, `FunctionThrottledError`: a
    /// CloudFront Function failed.
    FunctionFailed,
    /// `Redirect from cloudfront`: the viewer protocol policy redirected to https.
    Redirect,
    /// Anything else (`Miss`, `Hit`, `Error from cloudfront`, none).
    None,
}

/// Lambda's message for a signature that does not verify (also on a missing payload hash).
const SIGNATURE_MISMATCH: &str = "signature we calculated does not match";
/// CloudFront's own error pages say this.
const CLOUDFRONT_PAGE: &str = "the request could not be satisfied";

/// The parts of an answer [`super::explain`] reads.
pub(super) struct Evidence<'a> {
    /// The answer.
    pub answer: &'a ProbeAnswer,
    /// The body as text (lossy), for matching and quoting.
    pub text: String,
}

impl<'a> Evidence<'a> {
    /// Reads `answer`.
    pub fn of(answer: &'a ProbeAnswer) -> Self {
        Self {
            answer,
            text: String::from_utf8_lossy(&answer.body).into_owned(),
        }
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.answer.header(name)
    }

    /// Whether the answer came through CloudFront: it carries `x-amz-cf-id`, a CloudFront
    /// `x-cache` or a CloudFront `via`.
    pub fn through_cloudfront(&self) -> bool {
        let has = |name: &str, needle: &str| {
            self.header(name)
                .is_some_and(|v| v.to_ascii_lowercase().contains(needle))
        };
        self.header("x-amz-cf-id").is_some()
            || has("x-cache", "cloudfront")
            || has("via", "cloudfront")
    }

    /// The kind of `x-cache` CloudFront sent.
    pub fn edge_mark(&self) -> EdgeMark {
        let x_cache = self.header("x-cache").unwrap_or_default();
        let starts = |prefix: &str| x_cache.starts_with(prefix);
        if starts("FunctionGeneratedResponse") || starts("LambdaGeneratedResponse") {
            EdgeMark::Generated
        } else if starts("Lambda") {
            EdgeMark::LambdaEdgeFailed
        } else if starts("Function") {
            EdgeMark::FunctionFailed
        } else if starts("Redirect") {
            EdgeMark::Redirect
        } else {
            EdgeMark::None
        }
    }

    /// Lambda's refusal, if this is one.
    pub fn lambda_refusal(&self) -> Option<LambdaRefusal> {
        if let Some(error_type) = self.header("x-amzn-errortype") {
            // The header may carry a suffix after a colon (`…Exception:http://…`).
            let name = error_type.split(':').next().unwrap_or_default().trim();
            return Some(match name {
                "AccessDeniedException" => LambdaRefusal::AccessDenied,
                "InvalidSignatureException" => LambdaRefusal::InvalidSignature,
                "UnrecognizedClientException" => LambdaRefusal::UnrecognizedClient,
                other => LambdaRefusal::Other(other.to_owned()),
            });
        }
        if self.answer.status != 403 || self.cloudfront_page() {
            return None;
        }
        let body: serde_json::Value = serde_json::from_slice(&self.answer.body).ok()?;
        if body.get("Message").is_some() {
            return Some(LambdaRefusal::AccessDenied);
        }
        let message = body.get("message")?.as_str()?;
        if message.contains(SIGNATURE_MISMATCH) || message.starts_with("Signature expired") {
            Some(LambdaRefusal::InvalidSignature)
        } else {
            None
        }
    }

    /// Lambda's message (`Message` or `message` of its JSON body), cut short.
    pub fn lambda_message(&self) -> String {
        let body: Option<serde_json::Value> = serde_json::from_slice(&self.answer.body).ok();
        let message = body
            .as_ref()
            .and_then(|b| b.get("Message").or_else(|| b.get("message")))
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        short(message)
    }

    /// The problem details of an `application/problem+json` body.
    pub fn problem(&self) -> Option<Problem> {
        let content_type = self.header("content-type").unwrap_or_default();
        if !content_type.contains("problem+json") {
            return None;
        }
        serde_json::from_slice(&self.answer.body).ok()
    }

    /// Whether the body is one of CloudFront's own error pages ("ERROR: The request could not be
    /// satisfied"), or an HTML page with `server: CloudFront`.
    pub fn cloudfront_page(&self) -> bool {
        let server_is_cloudfront = self
            .header("server")
            .is_some_and(|s| s.eq_ignore_ascii_case("cloudfront"));
        let html = self
            .header("content-type")
            .is_some_and(|c| c.contains("text/html"));
        self.says(CLOUDFRONT_PAGE) || (server_is_cloudfront && html)
    }

    /// Whether the body says `phrase` (any case).
    pub fn says(&self, phrase: &str) -> bool {
        self.text.to_ascii_lowercase().contains(phrase)
    }

    /// Whether the request sent a body without `x-amz-content-sha256`.
    pub fn request_body_unhashed(&self) -> bool {
        let request = &self.answer.request;
        !request.body.is_empty()
            && !request
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256"))
    }
}

/// `text` cut to 160 characters, on one line.
pub(super) fn short(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut cut: String = one_line.trim().chars().take(160).collect();
    if one_line.trim().chars().count() > 160 {
        cut.push('…');
    }
    cut
}
