//! What a public hostname's answers mean. The CLI sends the requests [`plan`] lists (a GET and a small
//! POST) and hands each answer to [`explain`], which names the likely cause from what Lambda and
//! CloudFront put in it (`x-amzn-ErrorType`, `x-cache`, CloudFront's error pages, problem details) and
//! the checks that find that cause in the configuration. Pure: nothing here sends a request.

mod evidence;
#[cfg(test)]
mod tests;

use serde::Serialize;

use evidence::{EdgeMark, Evidence, LambdaRefusal, short};

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

/// The checks that find why Lambda refused CloudFront with `AccessDeniedException`.
const ACCESS_DENIED: &[&str] = &[
    "grant-invoke-function",
    "grant-invoke-function-url",
    "function-url-auth",
    "oac-signing",
    "oac-origin-type",
    "host-not-forwarded",
];

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

/// One explanation.
struct Cause {
    ok: bool,
    text: String,
    checks: &'static [&'static str],
}

impl Cause {
    fn fail(text: impl Into<String>, checks: &'static [&'static str]) -> Self {
        Self {
            ok: false,
            text: text.into(),
            checks,
        }
    }

    fn ok(text: impl Into<String>) -> Self {
        Self {
            ok: true,
            text: text.into(),
            checks: &[],
        }
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
                &["viewer-tls"],
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

/// No CloudFront header at all.
fn not_cloudfront(e: &Evidence<'_>) -> Cause {
    let cloudflare = e
        .header("server")
        .is_some_and(|s| s.eq_ignore_ascii_case("cloudflare"));
    let who = if cloudflare {
        "Cloudflare answered itself (server: cloudflare, no CloudFront headers): its own error or \
         rule, before the request reached CloudFront"
    } else {
        "the answer carries none of CloudFront's headers (x-amz-cf-id, x-cache, via): this \
         hostname does not look served by CloudFront"
    };
    Cause::fail(format!("unknown: {who}. Body: {}", short(&e.text)), &[])
}

/// Lambda's Function URL refused CloudFront's request; the function never ran.
fn lambda(e: &Evidence<'_>, refusal: &LambdaRefusal) -> Cause {
    let message = e.lambda_message();
    match refusal {
        LambdaRefusal::AccessDenied => Cause::fail(
            format!(
                "Lambda refused CloudFront before invoking the function (AccessDeniedException: \
                 \"{message}\"): the resource policy lacks a grant to cloudfront.amazonaws.com \
                 for this distribution (lambda:InvokeFunction with InvokedViaFunctionUrl, or \
                 lambda:InvokeFunctionUrl), the Function URL's auth type is not AWS_IAM, OAC does \
                 not sign, or the viewer's Host is forwarded so the Function URL does not know it"
            ),
            ACCESS_DENIED,
        ),
        LambdaRefusal::InvalidSignature if e.request_body_unhashed() => Cause::fail(
            format!(
                "Lambda found the signature wrong for a {}-byte body sent without \
                 x-amz-content-sha256 (InvalidSignatureException: \"{message}\"): OAC signed it \
                 as empty because nothing hashed the body — the behaviour needs the origin-request \
                 body-hash function with IncludeBody, or every caller must send \
                 x-amz-content-sha256",
                e.answer.request.body.len()
            ),
            &["body-hash"],
        ),
        LambdaRefusal::InvalidSignature => Cause::fail(
            format!(
                "Lambda found OAC's signature wrong on a request without a body \
                 (InvalidSignatureException: \"{message}\"): what OAC signed was changed on the \
                 way — the viewer's Host forwarded by the origin request policy, or signing \
                 `no-override` letting the viewer's own Authorization through"
            ),
            &["host-not-forwarded", "oac-signing"],
        ),
        LambdaRefusal::UnrecognizedClient => Cause::fail(
            format!(
                "Lambda does not know the key that signed (UnrecognizedClientException: \
                 \"{message}\"): a viewer's Authorization reached the Function URL instead of \
                 OAC's signature (signing `no-override`)"
            ),
            &["oac-signing"],
        ),
        LambdaRefusal::Other(error_type) => Cause::fail(
            format!(
                "unknown: Lambda answered {} with x-amzn-ErrorType {error_type} (\"{message}\")",
                e.answer.status
            ),
            &[],
        ),
    }
}

/// Lambda@Edge or a CloudFront Function failed (CloudFront's 502/503).
fn edge_failure(e: &Evidence<'_>) -> Cause {
    let x_cache = e.header("x-cache").unwrap_or_default();
    let what = x_cache.split(' ').next().unwrap_or_default();
    let (text, checks): (&str, &'static [&'static str]) = match what {
        "LambdaValidationError" => (
            "a Lambda@Edge function returned a request or response CloudFront rejects (changed a \
             read-only header, bad status, body too large), or its version is unusable",
            &["edge-function-version"],
        ),
        "LambdaExecutionError" => (
            "a Lambda@Edge function threw, timed out, or CloudFront cannot run it (not a numbered \
             version in us-east-1, unsupported runtime, missing permissions)",
            &["edge-function-version"],
        ),
        "LambdaLimitExceeded" => (
            "Lambda@Edge was throttled (the function's concurrency in the region serving you)",
            &[],
        ),
        "FunctionExecutionError" => (
            "the CloudFront Function threw — a function reading a KeyValueStore (cf.kvs) without \
             exactly one associated does",
            &["kvs-association", "viewer-filter"],
        ),
        "FunctionValidationError" => (
            "the CloudFront Function returned a request or response CloudFront rejects",
            &["viewer-filter"],
        ),
        "FunctionThrottledError" => ("the CloudFront Function exceeded its compute limit", &[]),
        _ => ("an edge function failed", &[]),
    };
    Cause::fail(
        format!(
            "{} from CloudFront (x-cache: {x_cache}): {text}",
            e.answer.status
        ),
        checks,
    )
}

/// An edge function answered instead of the origin.
fn generated(e: &Evidence<'_>) -> Cause {
    let x_cache = e.header("x-cache").unwrap_or_default();
    let status = e.answer.status;
    let Some(problem) = e.problem() else {
        return if status < 400 {
            Cause::ok(format!(
                "an edge function answered {status} itself (x-cache: {x_cache})"
            ))
        } else {
            Cause::fail(
                format!(
                    "unknown: an edge function answered {status} itself (x-cache: {x_cache}), not \
                     with one of oac-kit's problems. Body: {}",
                    short(&e.text)
                ),
                &[],
            )
        };
    };
    let slug = problem.slug().unwrap_or(problem.type_uri());
    if slug == ip_filter_core::viewer::FORBIDDEN_SLUG {
        return Cause::fail(
            format!(
                "oac-kit's viewer filter refused this viewer ({status} {slug}, x-cache: \
                 {x_cache}): expected when you probe the CloudFront hostname from outside \
                 Cloudflare — probe the hostname Cloudflare serves. Through Cloudflare it means the \
                 origin secret's header or value does not match the filter's, the ranges are \
                 stale, or the behaviour runs another filter"
            ),
            &["viewer-filter", "origin-secret-header"],
        );
    }
    if slug == body_hash_core::INCLUDE_BODY_DISABLED {
        return Cause::fail(
            format!(
                "the body-hash function got no body ({status} {slug}): its origin-request \
                 association lacks IncludeBody, so it cannot hash the body for OAC"
            ),
            &["body-hash"],
        );
    }
    let known = if status < 400 { "" } else { "unknown: " };
    Cause {
        ok: status < 400,
        text: format!(
            "{known}an oac-kit edge function answered {status} {slug} (\"{}\"; x-cache: {x_cache})",
            short(problem.detail().unwrap_or(problem.title()))
        ),
        checks: &[],
    }
}

/// One of CloudFront's own error pages (no origin answer behind it).
fn cloudfront_itself(e: &Evidence<'_>) -> Cause {
    let status = e.answer.status;
    let text = if e.says("not configured to allow the http request method") {
        "the behaviour does not allow this method (AllowedMethods is GET, HEAD only): an API \
         behind it needs all seven methods"
    } else if e.says("block access from your country") {
        "the distribution's geographic restriction blocks your country"
    } else if e.says("request blocked") {
        "CloudFront blocked the request before the origin: an AWS WAF rule on the distribution, or \
         another CloudFront restriction (its page says \"Request blocked\")"
    } else if status == 502 {
        "CloudFront could not connect to the origin (DNS, TLS or the connection to the Function URL \
         failed)"
    } else {
        "CloudFront answered with its own error page before reaching the origin"
    };
    Cause::fail(
        format!(
            "{status} from CloudFront itself (x-cache: {}): {text}",
            e.header("x-cache").unwrap_or("none")
        ),
        &[],
    )
}
