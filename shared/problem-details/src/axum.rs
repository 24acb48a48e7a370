//! `Problem` as an axum response (feature `axum`): the problem's status, `content-type:
//! application/problem+json` and the problem as the body. Callers add their own headers
//! (`cache-control`, `retry-after`) to the response it returns.
//!
//! ```
//! use axum::response::IntoResponse;
//! let response = problem_details::Problem::new("gone", "Gone", 410).into_response();
//! assert_eq!(response.status(), 410);
//! assert_eq!(response.headers()["content-type"], "application/problem+json");
//! ```

use axum_core::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use crate::{CONTENT_TYPE, Problem};

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        // A status outside 100–999 cannot go on the wire: answer 500 rather than something else.
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, self.to_json()).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        response
    }
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;

    use super::*;

    fn problem() -> Problem {
        Problem::new("storage-unavailable", "Storage unavailable", 503).with_detail("Try again.")
    }

    #[test]
    fn the_response_carries_the_problem_status() {
        assert_eq!(
            problem().into_response().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[test]
    fn the_response_is_typed_problem_json() {
        let response = problem().into_response();
        let types: Vec<_> = response
            .headers()
            .get_all(header::CONTENT_TYPE)
            .iter()
            .collect();
        assert_eq!(types, ["application/problem+json"]);
    }

    #[tokio::test]
    async fn the_body_is_the_problem_itself() {
        let body = to_bytes(problem().into_response().into_body(), usize::MAX)
            .await
            .unwrap();
        let back: Problem = serde_json::from_slice(&body).unwrap();
        assert_eq!(back, problem());
    }

    #[test]
    fn a_status_that_cannot_go_on_the_wire_is_a_500() {
        let response = Problem::new("odd", "Odd", 1000).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
