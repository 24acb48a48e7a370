//! Every error the API answers, as RFC 9457 `application/problem+json` with a stable type.

#[cfg(test)]
use axum::http::HeaderMap;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use problem_details::Problem;

/// An API error; each variant has one stable problem type `urn:oac-kit:problem:<slug>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 404 `not-found`: no such route.
    RouteNotFound,
    /// 405 `method-not-allowed`.
    MethodNotAllowed,
    /// 413 `payload-too-large`, with the limit.
    PayloadTooLarge(usize),
    /// 400 `invalid-body-encoding`: a base64 Lambda event body that does not decode.
    InvalidBodyEncoding,
    /// 400 `invalid-request`: a Lambda event that cannot be turned into an HTTP request.
    InvalidRequest,
    /// 400 `body-unreadable`: the body could not be read.
    BodyUnreadable,
    /// 415 `unsupported-media-type`: not `application/json`.
    UnsupportedMediaType,
    /// 400 `malformed-json`, with the parser's position and reason.
    MalformedJson(String),
    /// 422 `invalid-audit-event`, with the rule broken.
    InvalidAuditEvent(String),
    /// 400 `invalid-idempotency-key`.
    InvalidIdempotencyKey,
    /// 409 `idempotency-key-reused`: same key, different body.
    IdempotencyKeyReused,
    /// 400 `invalid-query`, with which parameter.
    InvalidQuery(String),
    /// 400 `invalid-cursor`.
    InvalidCursor,
    /// 404 `audit-event-not-found`.
    AuditEventNotFound,
    /// 403 `identity-forbidden`: verified and allowlisted, but not in the role this route needs.
    MissingRole(&'static str),
    /// 503 `storage-unavailable` (details only in the log).
    StorageUnavailable,
    /// 400 `invalid-last-event-id`: a `Last-Event-ID` that is not one event ID, sent once.
    InvalidLastEventId,
    /// 501 `streaming-unavailable`: a streamed route while the function answers buffered
    /// (`API_INVOKE_MODE=buffered`).
    StreamingUnavailable,
    /// 500 `internal-error` (a bug; details only in the log).
    Internal,
    /// `http-error` with the status kept: an error response that was not a problem (a rejection
    /// no handler maps; a bug, logged) made into one by [`ensure_problem`].
    Unmapped(u16),
}

impl ApiError {
    /// The problem body.
    ///
    /// ```
    /// use api::error::ApiError;
    /// let p = ApiError::IdempotencyKeyReused.to_problem();
    /// assert_eq!((p.status(), p.slug()), (409, Some("idempotency-key-reused")));
    /// ```
    pub fn to_problem(&self) -> Problem {
        use ApiError::*;
        match self {
            RouteNotFound => Problem::new("not-found", "Not found", 404)
                .with_detail("No route matches this path."),
            MethodNotAllowed => Problem::new("method-not-allowed", "Method not allowed", 405)
                .with_detail("This path does not accept this method; see the Allow header."),
            PayloadTooLarge(limit) => {
                Problem::new("payload-too-large", "Request body too large", 413)
                    .with_detail(format!("The body limit is {limit} bytes."))
            }
            InvalidBodyEncoding => {
                Problem::new("invalid-body-encoding", "Invalid body encoding", 400)
                    .with_detail("The event body is marked base64 but is not valid base64.")
            }
            InvalidRequest => Problem::new("invalid-request", "Invalid request", 400)
                .with_detail("The request could not be interpreted as HTTP."),
            BodyUnreadable => Problem::new("body-unreadable", "Request body unreadable", 400),
            UnsupportedMediaType => {
                Problem::new("unsupported-media-type", "Unsupported media type", 415)
                    .with_detail("Send Content-Type: application/json.")
            }
            MalformedJson(why) => {
                Problem::new("malformed-json", "Malformed JSON", 400).with_detail(why.clone())
            }
            InvalidAuditEvent(why) => {
                Problem::new("invalid-audit-event", "Invalid audit event", 422)
                    .with_detail(why.clone())
            }
            InvalidIdempotencyKey => {
                Problem::new("invalid-idempotency-key", "Invalid Idempotency-Key", 400).with_detail(
                    "Idempotency-Key must be 1-128 visible ASCII characters, sent once.",
                )
            }
            IdempotencyKeyReused => {
                Problem::new("idempotency-key-reused", "Idempotency-Key reused", 409)
                    .with_detail("This Idempotency-Key was used with a different body.")
            }
            InvalidQuery(why) => {
                Problem::new("invalid-query", "Invalid query", 400).with_detail(why.clone())
            }
            InvalidCursor => Problem::new("invalid-cursor", "Invalid cursor", 400)
                .with_detail("Pass back a cursor exactly as a previous page returned it."),
            AuditEventNotFound => {
                Problem::new("audit-event-not-found", "Audit event not found", 404)
            }
            MissingRole(role) => Problem::new("identity-forbidden", "Identity not allowed", 403)
                .with_detail(format!(
                    "missing-role: this operation needs the {role} role"
                )),
            StorageUnavailable => Problem::new("storage-unavailable", "Storage unavailable", 503)
                .with_detail("Try again later."),
            InvalidLastEventId => {
                Problem::new("invalid-last-event-id", "Invalid Last-Event-ID", 400).with_detail(
                    "Last-Event-ID must be the id of an event this stream sent (a lowercase UUID), sent once.",
                )
            }
            StreamingUnavailable => {
                Problem::new("streaming-unavailable", "Streaming unavailable", 501).with_detail(
                    "This deployment answers buffered (API_INVOKE_MODE=buffered); page through GET /v1/audit-events instead.",
                )
            }
            Internal => Problem::new("internal-error", "Internal error", 500),
            Unmapped(status) => {
                let title = StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("Error");
                Problem::new("http-error", title, *status)
                    .with_detail("The request was refused before it reached a handler.")
            }
        }
    }
}

/// A problem as an HTTP response (`application/problem+json`, `cache-control: no-store`).
pub fn problem_response(problem: &Problem) -> Response {
    let mut response = problem.clone().into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The last guard of the contract that every error is a problem: an error response (4xx, 5xx)
/// that is not `application/problem+json` — a rejection of an extractor or layer that no handler
/// maps to its own type — is replaced by the [`ApiError::Unmapped`] problem of its status, and
/// logged as the bug it is. Every other response passes unchanged.
pub fn ensure_problem(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == problem_details::CONTENT_TYPE.as_bytes());
    if is_problem {
        return response;
    }
    tracing::warn!(
        status = status.as_u16(),
        "an error response was not a problem; answered http-error"
    );
    let mut problem = ApiError::Unmapped(status.as_u16()).into_response();
    // Keep what the caller needs to act on (`Allow`, `Retry-After`); the body and its type go.
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            problem.headers_mut().insert(name, value.clone());
        }
    }
    problem
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        problem_response(&self.to_problem())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parts(response: Response) -> (StatusCode, HeaderMap, String) {
        let (parts, body) = response.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        (
            parts.status,
            parts.headers,
            String::from_utf8(body.to_vec()).unwrap(),
        )
    }

    #[tokio::test]
    async fn a_plain_text_rejection_becomes_a_problem_of_its_status() {
        let plain = (
            StatusCode::BAD_REQUEST,
            [(header::RETRY_AFTER, "1")],
            "Invalid URL: Cannot parse `\\xFF` to a `String`",
        )
            .into_response();
        let (status, headers, body) = parts(ensure_problem(plain)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        assert_eq!(headers[header::RETRY_AFTER], "1");
        let problem: Problem = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (problem.slug(), problem.status()),
            (Some("http-error"), 400)
        );
        assert_eq!(problem.title(), "Bad Request");
    }

    #[tokio::test]
    async fn problems_and_successes_pass_unchanged() {
        let (_, headers, body) =
            parts(ensure_problem(ApiError::InvalidCursor.into_response())).await;
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        assert_eq!(body, ApiError::InvalidCursor.to_problem().to_json());
        let (status, headers, body) =
            parts(ensure_problem((StatusCode::OK, "fine").into_response())).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "fine"));
        assert_eq!(headers[header::CONTENT_TYPE], "text/plain; charset=utf-8");
    }
}
