//! Responses a viewer-request or origin-request function generates instead of forwarding.

use problem_details::Problem;
use serde::{Deserialize, Serialize};

use crate::{HeaderEntry, Headers};

/// A generated response (`status` is a string, as CloudFront requires).
/// <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-generating-http-responses.html>
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// HTTP status code, as a string.
    pub status: String,
    /// Reason phrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_description: Option<String>,
    /// Response headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Headers>,
    /// Response body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `text` or `base64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_encoding: Option<String>,
}

impl Response {
    /// An RFC 9457 `application/problem+json` response, marked `no-store` so CloudFront never
    /// caches it (an origin-request response is otherwise cached like an origin's).
    pub fn problem(problem: &Problem) -> Self {
        let mut headers = Headers::default();
        for (name, key, value) in [
            (
                "content-type",
                "Content-Type",
                problem_details::CONTENT_TYPE,
            ),
            ("cache-control", "Cache-Control", "no-store"),
        ] {
            headers
                .0
                .insert(name.to_owned(), vec![HeaderEntry::new(key, value)]);
        }
        Self {
            status: problem.status().to_string(),
            status_description: Some(problem.title().to_owned()),
            headers: Some(headers),
            body: Some(problem.to_json()),
            body_encoding: Some("text".to_owned()),
        }
    }
}
