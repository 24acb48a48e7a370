//! One request: its parts, the headers the client adds, and [`RequestBuilder`].

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use crate::body_hash::{CONTENT_SHA256_HEADER, content_sha256};
use crate::client::OacClient;
use crate::error::Error;
use crate::identity::IdentityValue;
use crate::response::OacResponse;
use crate::retry::IDEMPOTENCY_KEY_HEADER;
use crate::stream::OacStream;

/// Refuses a header the client sets itself: the identity and the payload hash.
pub(crate) fn check_not_owned(name: &HeaderName) -> Result<(), Error> {
    if name == fluid_identity::HEADER || name == CONTENT_SHA256_HEADER {
        return Err(Error::Invalid(format!("the client sets {name} itself")));
    }
    Ok(())
}

/// A request ready to send: everything but the identity, which each attempt takes fresh.
#[derive(Debug, Clone)]
pub struct PreparedRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: reqwest::Url,
    /// Default headers, the request's own, and `x-amz-content-sha256` when there is a body.
    pub headers: HeaderMap,
    /// The body, if any.
    pub body: Option<Bytes>,
}

impl PreparedRequest {
    /// Assembles a request: `defaults`, then `headers` (a request's value replaces a default of
    /// the same name), then `x-amz-content-sha256` of `body` when there is one (even an empty one).
    pub fn new(
        method: Method,
        url: reqwest::Url,
        defaults: &HeaderMap,
        headers: HeaderMap,
        body: Option<Bytes>,
    ) -> Self {
        let mut all = defaults.clone();
        let mut last = None;
        for (name, value) in headers {
            let name = name
                .or(last.clone())
                .expect("a HeaderMap's first entry has a name");
            if last.as_ref() != Some(&name) {
                all.remove(&name);
            }
            all.append(name.clone(), value);
            last = Some(name);
        }
        if let Some(body) = &body {
            let hash = HeaderValue::try_from(content_sha256(body)).expect("hex is a header value");
            all.insert(CONTENT_SHA256_HEADER, hash);
        }
        Self {
            method,
            url,
            headers: all,
            body,
        }
    }

    /// The headers of one attempt: these plus `identity` as `x-fluid-identity`.
    pub fn headers_with(&self, identity: &IdentityValue) -> HeaderMap {
        let mut headers = self.headers.clone();
        headers.insert(fluid_identity::HEADER, identity.header_value().clone());
        headers
    }
}

/// A request being built; from [`OacClient::request`], `get`, `post`, ….
#[derive(Debug)]
pub struct RequestBuilder {
    client: OacClient,
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Option<Bytes>,
    error: Option<Error>,
}

impl RequestBuilder {
    pub(crate) fn new(client: OacClient, method: Method, path: &str) -> Self {
        Self {
            client,
            method,
            path: path.to_owned(),
            headers: HeaderMap::new(),
            body: None,
            error: None,
        }
    }

    /// Adds a header (repeatable). `x-fluid-identity` and `x-amz-content-sha256` are refused.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match crate::builder::header_map(&[(name.to_owned(), value.to_owned())]) {
            // Appended, not `extend`ed: extend would replace an earlier value of the same name.
            Ok(map) => {
                for (name, value) in &map {
                    self.headers.append(name.clone(), value.clone());
                }
            }
            Err(e) => self.error = self.error.or(Some(e)),
        }
        self
    }

    /// Sets `Idempotency-Key`, which makes a POST safe to retry.
    pub fn idempotency_key(self, key: &str) -> Self {
        self.header(IDEMPOTENCY_KEY_HEADER, key)
    }

    /// The body, sent as given.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// `value` as JSON, with `content-type: application/json`.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(json) => {
                self.body = Some(json.into());
                self.header("content-type", "application/json")
            }
            Err(e) => {
                self.error = self
                    .error
                    .or(Some(Error::Invalid(format!("JSON body: {e}"))));
                self
            }
        }
    }

    /// The request with its URL resolved and its headers assembled.
    pub fn prepare(self) -> Result<(OacClient, PreparedRequest), Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let url = self.client.url_for(&self.path)?;
        let request = PreparedRequest::new(
            self.method,
            url,
            self.client.default_headers(),
            self.headers,
            self.body,
        );
        Ok((self.client, request))
    }

    /// Sends it (retrying when that is safe) and returns the final answer whatever its status,
    /// its body read whole under the cap ([`Error::ResponseTooLarge`] past it).
    pub async fn send_raw(self) -> Result<OacResponse, Error> {
        let (client, request) = self.prepare()?;
        client.execute(&request).await
    }

    /// Sends it; an answer ≥ 400 is an error ([`Error::Problem`] for problem+json bodies).
    pub async fn send(self) -> Result<OacResponse, Error> {
        self.send_raw().await?.error_for_status()
    }

    /// Sends it (retrying when that is safe, until an answer's head arrives) and returns the
    /// final answer whatever its status, its body to be read chunk by chunk under the cap.
    pub async fn send_streaming_raw(self) -> Result<OacStream, Error> {
        let (client, request) = self.prepare()?;
        client.execute_streaming(&request).await
    }

    /// Like [`RequestBuilder::send_streaming_raw`]; an answer ≥ 400 is read and returned as an
    /// error ([`Error::Problem`] for problem+json bodies).
    pub async fn send_streaming(self) -> Result<OacStream, Error> {
        self.send_streaming_raw().await?.error_for_status().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> reqwest::Url {
        "http://127.0.0.1:9/v1/audit-events".parse().unwrap()
    }

    #[test]
    fn a_body_gets_its_sha256_and_no_body_gets_none() {
        let with = PreparedRequest::new(
            Method::POST,
            url(),
            &HeaderMap::new(),
            HeaderMap::new(),
            Some(Bytes::from_static(b"abc")),
        );
        assert_eq!(
            with.headers[CONTENT_SHA256_HEADER],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let without = PreparedRequest::new(
            Method::GET,
            url(),
            &HeaderMap::new(),
            HeaderMap::new(),
            None,
        );
        assert!(!without.headers.contains_key(CONTENT_SHA256_HEADER));
    }

    #[test]
    fn a_request_header_replaces_the_default_of_the_same_name() {
        let mut defaults = HeaderMap::new();
        defaults.insert("x-origin-secret", "default".parse().unwrap());
        defaults.insert("x-team", "payments".parse().unwrap());
        let mut own = HeaderMap::new();
        own.append("x-origin-secret", "one".parse().unwrap());
        own.append("x-origin-secret", "two".parse().unwrap());
        let r = PreparedRequest::new(Method::GET, url(), &defaults, own, None);
        let values: Vec<_> = r.headers.get_all("x-origin-secret").iter().collect();
        assert_eq!(values, ["one", "two"]);
        assert_eq!(r.headers["x-team"], "payments");
    }

    #[test]
    fn the_identity_header_is_the_clients_own() {
        let name = HeaderName::from_static("x-fluid-identity");
        assert!(matches!(check_not_owned(&name), Err(Error::Invalid(_))));
    }

    #[test]
    fn the_payload_hash_header_is_the_clients_own() {
        let name = HeaderName::from_static("x-amz-content-sha256");
        assert!(matches!(check_not_owned(&name), Err(Error::Invalid(_))));
    }
}
