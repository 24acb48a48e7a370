//! Plain HTTP messages between the stages that speak HTTP: the signed origin request the Function
//! URL receives, and the responses that travel back to the viewer — whole, or streamed
//! ([`stream`]).

pub mod stream;

use axum::http::Method;

/// An origin request as it goes on the wire to the Function URL (after OAC signed it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Path as sent (percent-encoded).
    pub raw_path: String,
    /// Query string without `?`, as sent (may be empty).
    pub raw_query: String,
    /// Headers (lowercase names), in order; a name may repeat.
    pub headers: Vec<(String, String)>,
}

impl HttpRequest {
    /// The first value of the header `lowercase_name`.
    pub fn header(&self, lowercase_name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == lowercase_name)
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP response: status, headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// An `application/json` response, as CloudFront and Lambda send their own errors.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }
}

/// `path?query`, or the path alone when the query string is empty.
pub fn path_and_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}
