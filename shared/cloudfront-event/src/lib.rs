//! Lambda@Edge request events (viewer-request, origin-request) and generated responses.
//!
//! `aws_lambda_events` has no Lambda@Edge types, and CloudFront answers 502 to a request a function
//! mangles, so these types are built to round-trip: every struct keeps the members it does not name
//! in `other`, header maps keep their order, and each header entry keeps its `key` casing (or its
//! absence). Shapes: <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html>.
//!
//! It also holds the contract every edge core meets: [`Outcome`] (forward with header edits, or
//! respond), carried out on a request as an [`EdgeAnswer`], and the [`Decision`] around it whose
//! one JSON log line every adapter writes ([`Decision::log_line`]) at the build-time
//! [`DecisionLogLevel`]; the headers CloudFront owns
//! ([`reserved_headers`]); and what OAC signs with ([`oac`]: [`CONTENT_SHA256`], [`EMPTY_SHA256`]).
//!
//! ```
//! let json = r#"{"Records":[{"cf":{"config":{"distributionDomainName":"d.cloudfront.net",
//!   "distributionId":"E1","eventType":"origin-request","requestId":"r"},
//!   "request":{"clientIp":"162.158.1.1","headers":{},"method":"GET","querystring":"","uri":"/"}}}]}"#;
//! let event: cloudfront_event::Event = serde_json::from_str(json).unwrap();
//! assert_eq!(event.request().unwrap().method, "GET");
//! ```

mod decision_log;
mod decision_log_level;
mod headers;
pub mod oac;
mod outcome;
pub mod reserved_headers;
mod response;
#[cfg(feature = "testing")]
pub mod testing;

pub use decision_log::{BodySeen, Decision, EdgeFunction, Reason};
pub use decision_log_level::{
    DECISION_LOG_KEY, DecisionLogError, DecisionLogLevel, split_decision_log, with_decision_log,
};
pub use headers::{HeaderEdit, HeaderEntry, HeaderLookup, Headers};
pub use oac::{CONTENT_SHA256, EMPTY_SHA256};
pub use outcome::{EdgeAnswer, Outcome};
pub use response::Response;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A Lambda@Edge event: `{"Records":[{"cf":{...}}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// CloudFront always sends exactly one record.
    #[serde(rename = "Records")]
    pub records: Vec<Record>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl Event {
    /// The request of the first (and only) record.
    pub fn request(&self) -> Option<&Request> {
        self.records.first().map(|r| &r.cf.request)
    }

    /// Takes the request of the first record out of the event.
    pub fn into_request(self) -> Option<Request> {
        self.records.into_iter().next().map(|r| r.cf.request)
    }

    /// The event type (`viewer-request`, `origin-request`, ...) of the first record.
    pub fn event_type(&self) -> Option<&str> {
        self.records
            .first()
            .map(|r| r.cf.config.event_type.as_str())
    }
}

/// One record of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The CloudFront part of the record.
    pub cf: Cf,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `Records[0].cf`: the distribution's config and the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cf {
    /// Which distribution and trigger produced the event.
    pub config: Config,
    /// The request being processed.
    pub request: Request,
    /// Members this model does not name (e.g. `response` in response events), kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `cf.config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// e.g. `d111111abcdef8.cloudfront.net`.
    pub distribution_domain_name: String,
    /// e.g. `EDFDVBD6EXAMPLE`.
    pub distribution_id: String,
    /// `viewer-request`, `origin-request`, `origin-response` or `viewer-response`.
    pub event_type: String,
    /// CloudFront's request ID (the `x-amz-cf-id` the origin sees).
    pub request_id: String,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `cf.request`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// The viewer address CloudFront saw (behind Cloudflare: a Cloudflare edge address).
    pub client_ip: String,
    /// Lowercase header name → entries, in the order CloudFront sent them.
    pub headers: Headers,
    /// HTTP method.
    pub method: String,
    /// Query string without the leading `?` (may be empty).
    pub querystring: String,
    /// Path.
    pub uri: String,
    /// The body, present only when the association has IncludeBody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// The origin (origin events only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `request.body` (IncludeBody on).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Body {
    /// True when CloudFront cut the body (40 KB at viewer-request, 1 MB at origin-request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_truncated: Option<bool>,
    /// `read-only` (default) or `replace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// `base64` (default) or `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The body, encoded as `encoding` says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `request.origin`: exactly one of `custom` or `s3`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    /// A custom (HTTP) origin such as a Lambda Function URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<CustomOrigin>,
    /// An S3 origin; kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3: Option<Map<String, Value>>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `origin.custom`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomOrigin {
    /// The origin's domain name (for a Function URL: `<id>.lambda-url.<region>.on.aws`).
    pub domain_name: String,
    /// Headers CloudFront adds for this origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_headers: Option<Headers>,
    /// Members this model does not name (`port`, `protocol`, timeouts, ...), kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}
