//! The API's answer, read whole.

use bytes::Bytes;
use http::HeaderMap;
use problem_details::Problem;

use crate::error::Error;

/// A response: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct OacResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl OacResponse {
    /// The body as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// `Ok(self)` below 400; otherwise [`Error::Problem`] when the body is an RFC 9457 problem
    /// (`application/problem+json` that parses), else [`Error::Status`].
    pub fn error_for_status(self) -> Result<Self, Error> {
        if self.status < 400 {
            return Ok(self);
        }
        match self.problem() {
            Some(problem) => Err(Error::Problem {
                status: self.status,
                problem: Box::new(problem),
                headers: Box::new(self.headers),
            }),
            None => Err(Error::Status {
                status: self.status,
                headers: Box::new(self.headers),
                body: self.body,
            }),
        }
    }

    fn problem(&self) -> Option<Problem> {
        let content_type = self
            .headers
            .get(http::header::CONTENT_TYPE)?
            .to_str()
            .ok()?;
        let media_type = content_type.split(';').next()?.trim();
        if !media_type.eq_ignore_ascii_case(problem_details::CONTENT_TYPE) {
            return None;
        }
        serde_json::from_slice(&self.body).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, content_type: &'static str, body: &'static str) -> OacResponse {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, content_type.parse().unwrap());
        OacResponse {
            status,
            headers,
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn a_problem_body_becomes_a_typed_problem() {
        let body =
            r#"{"type":"urn:oac-kit:problem:identity-forbidden","title":"Forbidden","status":403}"#;
        let err = response(403, "application/problem+json", body)
            .error_for_status()
            .unwrap_err();
        let Error::Problem {
            status, problem, ..
        } = err
        else {
            panic!("{err:?}")
        };
        assert_eq!(status, 403);
        assert_eq!(problem.slug(), Some("identity-forbidden"));
    }

    #[test]
    fn a_json_error_that_is_not_a_problem_stays_a_status_error() {
        let body = r#"{"Message":"Forbidden."}"#;
        let err = response(403, "application/json", body)
            .error_for_status()
            .unwrap_err();
        assert!(matches!(err, Error::Status { status: 403, .. }), "{err:?}");
    }

    #[test]
    fn lambdas_payload_limit_413_is_a_status_error_named_by_its_error_type() {
        let body = r#"{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}"#;
        let mut lambda = response(413, "application/json", body);
        lambda.headers.insert(
            crate::error::AWS_ERROR_TYPE_HEADER,
            "RequestEntityTooLargeException".parse().unwrap(),
        );
        let err = lambda.error_for_status().unwrap_err();
        assert!(matches!(err, Error::Status { status: 413, .. }), "{err:?}");
        assert_eq!(err.aws_error_type(), Some("RequestEntityTooLargeException"));
        assert_eq!(err.to_string(), "HTTP 413 RequestEntityTooLargeException");
    }

    #[test]
    fn a_success_is_returned_as_is() {
        let ok = response(201, "application/json", "{}")
            .error_for_status()
            .unwrap();
        assert_eq!(ok.status, 201);
    }
}
