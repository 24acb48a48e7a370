//! The causes, by who answered: Lambda's Function URL, an edge function, CloudFront itself, or
//! something that is not CloudFront; each with the IDs of the checks that find it.

use super::evidence::{Evidence, LambdaRefusal, short};

/// The checks that find why Lambda refused CloudFront with `AccessDeniedException`.
pub(super) const ACCESS_DENIED: &[&str] = &[
    "grant-invoke-function",
    "grant-invoke-function-url",
    "function-url-auth",
    "oac-signing",
    "oac-origin-type",
    "host-not-forwarded",
];
/// … a body Lambda found unhashed, or body-hash without IncludeBody.
pub(super) const BODY_HASH: &[&str] = &["body-hash"];
/// … a signature mismatch on a request without a body.
pub(super) const SIGNATURE_CHANGED: &[&str] = &["host-not-forwarded", "oac-signing"];
/// … a viewer's own Authorization reaching Lambda.
pub(super) const VIEWER_SIGNED: &[&str] = &["oac-signing"];
/// … a Lambda@Edge function CloudFront cannot run or whose result it rejects.
pub(super) const EDGE_FUNCTION: &[&str] = &["edge-function-version"];
/// … a CloudFront Function that throws.
pub(super) const FUNCTION_THREW: &[&str] = &["kvs-association", "viewer-filter"];
/// … a CloudFront Function whose result CloudFront rejects.
pub(super) const FUNCTION_INVALID: &[&str] = &["viewer-filter"];
/// … oac-kit's viewer filter refusing the viewer.
pub(super) const FILTER_REFUSED: &[&str] = &["viewer-filter", "origin-secret-header"];
/// … CloudFront redirecting http to https.
pub(super) const REDIRECTED: &[&str] = &["viewer-tls"];

/// Every check ID [`super::explain`] can name (held to `checks::all()` by a test).
#[cfg(test)]
pub(super) const NAMED: &[&[&str]] = &[
    ACCESS_DENIED,
    BODY_HASH,
    SIGNATURE_CHANGED,
    VIEWER_SIGNED,
    EDGE_FUNCTION,
    FUNCTION_THREW,
    FUNCTION_INVALID,
    FILTER_REFUSED,
    REDIRECTED,
];

/// One explanation.
pub(super) struct Cause {
    pub(super) ok: bool,
    pub(super) text: String,
    pub(super) checks: &'static [&'static str],
}

impl Cause {
    pub(super) fn fail(text: impl Into<String>, checks: &'static [&'static str]) -> Self {
        Self {
            ok: false,
            text: text.into(),
            checks,
        }
    }

    pub(super) fn ok(text: impl Into<String>) -> Self {
        Self {
            ok: true,
            text: text.into(),
            checks: &[],
        }
    }
}

/// No CloudFront header at all.
pub(super) fn not_cloudfront(e: &Evidence<'_>) -> Cause {
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
pub(super) fn lambda(e: &Evidence<'_>, refusal: &LambdaRefusal) -> Cause {
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
            BODY_HASH,
        ),
        LambdaRefusal::InvalidSignature => Cause::fail(
            format!(
                "Lambda found OAC's signature wrong on a request without a body \
                 (InvalidSignatureException: \"{message}\"): what OAC signed was changed on the \
                 way — the viewer's Host forwarded by the origin request policy, or signing \
                 `no-override` letting the viewer's own Authorization through"
            ),
            SIGNATURE_CHANGED,
        ),
        LambdaRefusal::UnrecognizedClient => Cause::fail(
            format!(
                "Lambda does not know the key that signed (UnrecognizedClientException: \
                 \"{message}\"): a viewer's Authorization reached the Function URL instead of \
                 OAC's signature (signing `no-override`)"
            ),
            VIEWER_SIGNED,
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
pub(super) fn edge_failure(e: &Evidence<'_>) -> Cause {
    let x_cache = e.header("x-cache").unwrap_or_default();
    let what = x_cache.split(' ').next().unwrap_or_default();
    let (text, checks): (&str, &'static [&'static str]) = match what {
        "LambdaValidationError" => (
            "a Lambda@Edge function returned a request or response CloudFront rejects (changed a \
             read-only header, bad status, body too large), or its version is unusable",
            EDGE_FUNCTION,
        ),
        "LambdaExecutionError" => (
            "a Lambda@Edge function threw, timed out, or CloudFront cannot run it (not a numbered \
             version in us-east-1, unsupported runtime, missing permissions)",
            EDGE_FUNCTION,
        ),
        "LambdaLimitExceeded" => (
            "Lambda@Edge was throttled (the function's concurrency in the region serving you)",
            &[],
        ),
        "FunctionExecutionError" => (
            "the CloudFront Function threw — a function reading a KeyValueStore (cf.kvs) without \
             exactly one associated does",
            FUNCTION_THREW,
        ),
        "FunctionValidationError" => (
            "the CloudFront Function returned a request or response CloudFront rejects",
            FUNCTION_INVALID,
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
pub(super) fn generated(e: &Evidence<'_>) -> Cause {
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
            FILTER_REFUSED,
        );
    }
    if slug == body_hash_core::INCLUDE_BODY_DISABLED {
        return Cause::fail(
            format!(
                "the body-hash function got no body ({status} {slug}): its origin-request \
                 association lacks IncludeBody, so it cannot hash the body for OAC"
            ),
            BODY_HASH,
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
pub(super) fn cloudfront_itself(e: &Evidence<'_>) -> Cause {
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
