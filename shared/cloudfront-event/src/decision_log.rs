//! One structured JSON log line per edge decision, the same in every adapter.
//!
//! An edge core returns a [`Decision`]: its [`Outcome`] plus the [`Reason`] for it (and, for
//! body-hash, what it saw of the body). [`Decision::log_line`] turns that into the one line the
//! adapter writes — the `lambda_runtime` binary to stdout, the Lambda@Edge bundle through
//! `console.log`. The line is built only from the decision and CloudFront's `requestId`, never
//! from the request: no body, no header value, no secret, no identity and no viewer address can
//! reach it (operators correlate with `requestId`, which is the `x-amz-cf-id` the origin sees).
//!
//! ```
//! use cloudfront_event::{Decision, EdgeFunction, Outcome, Reason};
//! let decision = Decision::new(Outcome::forward_unchanged(), Reason::FromCloudflare);
//! assert_eq!(
//!     decision.log_line(EdgeFunction::IpFilter, Some("r1")),
//!     r#"{"function":"ip-filter","decision":"forward","reason":"from-cloudflare","requestId":"r1"}"#
//! );
//! ```

use serde::Serialize;

use crate::Outcome;

/// Which edge function decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeFunction {
    /// The origin-request function setting `x-amz-content-sha256`.
    BodyHash,
    /// The viewer-request Cloudflare-only filter (Lambda@Edge or `lambda_runtime`).
    IpFilter,
}

/// Why a core decided as it did: a closed set, so a query can count by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// body-hash: a complete body, forwarded with its SHA-256.
    Hashed,
    /// body-hash: no body member and none declared, forwarded with the empty-body hash.
    NoBody,
    /// body-hash: a body over the 1 MB cut, forwarded with the viewer's well-formed hash.
    ViewerHashTrusted,
    /// body-hash: a body over the 1 MB cut without one usable viewer hash (413).
    BodyTruncatedNoHash,
    /// body-hash: the viewer's well-formed hash differs from the complete body's (400).
    HashMismatch,
    /// body-hash: `body.data` is not valid base64 (400).
    InvalidBodyEncoding,
    /// body-hash: `body.encoding` is neither `base64` nor `text` (500).
    UnsupportedBodyEncoding,
    /// body-hash: a declared body but no body member: IncludeBody is off (500).
    IncludeBodyDisabled,
    /// body-hash: an unparsable or conflicting `content-length` (400).
    InvalidContentLength,
    /// body-hash: a header it reads comes more often than any real request repeats one (400),
    /// judged on the count alone.
    TooManyHeaderEntries,
    /// ip-filter: the address is in the ranges (address-only mode).
    FromCloudflare,
    /// ip-filter (KVS mode): the address is in the ranges and the origin secret is valid.
    FromCloudflareWithSecret,
    /// ip-filter: the address is not in the ranges (403).
    NotFromCloudflare,
    /// ip-filter (KVS mode): the store's `origin-secrets` has not been read (or is missing or
    /// malformed), so nobody passes (403).
    SecretsNotLoaded,
    /// ip-filter (KVS mode): every refresh of the store has failed for longer than the secrets
    /// may be kept, so the last good secrets no longer admit anyone (403).
    SecretsStale,
    /// ip-filter (KVS mode): no secret header (403).
    SecretMissing,
    /// ip-filter (KVS mode): the secret header more than once (403).
    SecretRepeated,
    /// ip-filter (KVS mode): a secret header that is not a valid secret (403).
    SecretWrong,
}

impl Reason {
    /// Every reason, in the order the docs list them.
    pub const ALL: [Reason; 18] = [
        Reason::Hashed,
        Reason::NoBody,
        Reason::ViewerHashTrusted,
        Reason::BodyTruncatedNoHash,
        Reason::HashMismatch,
        Reason::InvalidBodyEncoding,
        Reason::UnsupportedBodyEncoding,
        Reason::IncludeBodyDisabled,
        Reason::InvalidContentLength,
        Reason::TooManyHeaderEntries,
        Reason::FromCloudflare,
        Reason::FromCloudflareWithSecret,
        Reason::NotFromCloudflare,
        Reason::SecretsNotLoaded,
        Reason::SecretsStale,
        Reason::SecretMissing,
        Reason::SecretRepeated,
        Reason::SecretWrong,
    ];
}

/// What body-hash saw of the body: sizes only, never content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodySeen {
    /// The body's bytes as CloudFront handed them over (base64 decoded; with `truncated`, only
    /// the first MB).
    pub bytes: u64,
    /// `body.inputTruncated`: CloudFront cut the body at 1 MB.
    pub truncated: bool,
}

/// A core's decision: the outcome to carry out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// What to do with the request.
    pub outcome: Outcome,
    /// Why.
    pub reason: Reason,
    /// What the core saw of the body (body-hash with a body member only).
    pub body: Option<BodySeen>,
}

impl Decision {
    /// A decision with no body facts.
    pub fn new(outcome: Outcome, reason: Reason) -> Self {
        Self {
            outcome,
            reason,
            body: None,
        }
    }

    /// The same decision with what was seen of the body.
    pub fn with_body(self, body: Option<BodySeen>) -> Self {
        Self { body, ..self }
    }

    /// The decision's one JSON log line (no trailing newline). `request_id` is CloudFront's
    /// `Records[0].cf.config.requestId`, left out when the event had none.
    pub fn log_line(&self, function: EdgeFunction, request_id: Option<&str>) -> String {
        let (decision, status) = match &self.outcome {
            Outcome::Forward(_) => ("forward", None),
            Outcome::Respond(response) => ("respond", response.status.parse::<u16>().ok()),
        };
        let line = Line {
            function,
            decision,
            status,
            reason: self.reason,
            body_bytes: self.body.map(|b| b.bytes),
            body_truncated: self.body.map(|b| b.truncated),
            request_id,
        };
        serde_json::to_string(&line).expect("a log line always serializes")
    }
}

/// The serialized shape of a line (field order is the docs' order).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line<'a> {
    function: EdgeFunction,
    decision: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    reason: Reason,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_truncated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

#[cfg(test)]
#[path = "decision_log_tests.rs"]
mod tests;
