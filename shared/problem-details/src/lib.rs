//! RFC 9457 problem details (`application/problem+json`).
//!
//! Every rejection oac-kit produces — a response generated at the edge or an error from the
//! Lambdalith — is one of these, with a stable `type` URI so clients can branch on it.
//!
//! ```
//! use problem_details::Problem;
//! let p = Problem::new("body-truncated", "Request body too large", 413)
//!     .with_detail("CloudFront passes at most 1 MiB of body to an origin-request function.");
//! assert_eq!(p.type_uri(), "urn:oac-kit:problem:body-truncated");
//! assert!(p.to_json().contains("\"status\":413"));
//! ```

#[cfg(feature = "axum")]
mod axum;

use serde::{Deserialize, Serialize};

/// The media type of a problem details body (RFC 9457 §3).
pub const CONTENT_TYPE: &str = "application/problem+json";

/// Prefix of every oac-kit problem type URI; the slug after it is the stable part clients match.
pub const TYPE_PREFIX: &str = "urn:oac-kit:problem:";

/// A problem details object (RFC 9457 §3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// URI identifying the problem type: `urn:oac-kit:problem:<slug>`.
    #[serde(rename = "type")]
    type_uri: String,
    /// Short, human-readable summary of the problem type.
    title: String,
    /// The HTTP status code of this occurrence.
    status: u16,
    /// Human-readable explanation specific to this occurrence.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    detail: Option<String>,
    /// URI reference identifying this occurrence (e.g. a request ID).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    instance: Option<String>,
}

impl Problem {
    /// A problem of type `urn:oac-kit:problem:<slug>` with a title and HTTP status.
    pub fn new(slug: &str, title: impl Into<String>, status: u16) -> Self {
        Self {
            type_uri: format!("{TYPE_PREFIX}{slug}"),
            title: title.into(),
            status,
            detail: None,
            instance: None,
        }
    }

    /// Adds an occurrence-specific explanation.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Adds an occurrence identifier (for example a request ID).
    pub fn with_instance(mut self, instance: impl Into<String>) -> Self {
        self.instance = Some(instance.into());
        self
    }

    /// The full type URI.
    pub fn type_uri(&self) -> &str {
        &self.type_uri
    }

    /// The slug after [`TYPE_PREFIX`], if the type is one of ours.
    pub fn slug(&self) -> Option<&str> {
        self.type_uri.strip_prefix(TYPE_PREFIX)
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The occurrence detail, if any.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// The body as compact JSON.
    pub fn to_json(&self) -> String {
        // Serializing a struct of strings and a u16 cannot fail.
        serde_json::to_string(self).expect("problem serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_the_rfc_9457_members_and_omits_absent_ones() {
        let json: serde_json::Value =
            serde_json::from_str(&Problem::new("x", "X failed", 400).to_json()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "urn:oac-kit:problem:x", "title": "X failed", "status": 400})
        );
    }

    #[test]
    fn round_trips_detail_and_instance() {
        let p = Problem::new("y", "Y", 502)
            .with_detail("why")
            .with_instance("req-1");
        let back: Problem = serde_json::from_str(&p.to_json()).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.slug(), Some("y"));
    }
}
