//! The I/O edge: one GET to STS, behind a small trait so the verifier core is testable.

use std::fmt;
use std::future::Future;

use crate::validate::ValidatedRequest;

/// Default cap on an STS answer's body; a GetCallerIdentity answer is well under 1 KiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024;

/// Exactly what the verifier sends: `GET <url>` with `Host`, the verifier's own audience value
/// and `Accept: application/json` — nothing chosen by the caller except the signature parts the
/// URL must carry over. Holds a bearer credential: `Debug` redacts the URL.
#[derive(Clone, PartialEq, Eq)]
pub struct OutboundRequest {
    /// The allowed STS host; also the `Host` header.
    pub host: String,
    /// `/?…`, rebuilt from validated parameters.
    pub path_and_query: String,
    /// The value sent as `x-fluid-audience` — the verifier's, never the caller's.
    pub audience: String,
}

impl OutboundRequest {
    /// The request for a validated identity and this verifier's audience.
    pub fn new(validated: &ValidatedRequest, audience: &str) -> Self {
        Self {
            host: validated.host().to_owned(),
            path_and_query: validated.path_and_query(),
            audience: audience.to_owned(),
        }
    }

    /// `https://<host>/?…`.
    pub fn url(&self) -> String {
        format!("https://{}{}", self.host, self.path_and_query)
    }
}

impl fmt::Debug for OutboundRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboundRequest")
            .field("host", &self.host)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The body, at most the client's cap.
    pub body: Vec<u8>,
}

/// Why the GET produced no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Timeout, connection or TLS failure.
    #[error("STS unreachable")]
    Unavailable,
    /// The body exceeded the cap.
    #[error("STS answer too large")]
    TooLarge,
}

/// Sends one GET to STS. Implementations must not follow redirects, must bound time and body size.
pub trait StsClient: Send + Sync {
    /// Performs the request.
    fn get(
        &self,
        request: &OutboundRequest,
    ) -> impl Future<Output = Result<StsResponse, FetchError>> + Send;
}

/// A shared client is a client (so tests and services can keep a handle to it).
impl<T: StsClient> StsClient for std::sync::Arc<T> {
    fn get(
        &self,
        request: &OutboundRequest,
    ) -> impl Future<Output = Result<StsResponse, FetchError>> + Send {
        (**self).get(request)
    }
}

#[cfg(feature = "http-client")]
pub use http_client::HttpStsClient;

#[cfg(feature = "http-client")]
mod http_client {
    use std::time::Duration;

    use super::*;

    /// The reqwest-backed [`StsClient`]: rustls, no redirects, no proxy, a total timeout and a
    /// body cap.
    #[derive(Debug, Clone)]
    pub struct HttpStsClient {
        client: reqwest::Client,
        endpoint: Option<String>,
        max_body: usize,
    }

    impl HttpStsClient {
        /// A client with a total per-request `timeout` and a response `max_body` cap.
        pub fn new(timeout: Duration, max_body: usize) -> Result<Self, reqwest::Error> {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .timeout(timeout)
                .connect_timeout(timeout)
                .https_only(false)
                .build()?;
            Ok(Self {
                client,
                endpoint: None,
                max_body,
            })
        }

        /// Sends every (already validated) request to `base` (e.g. `http://127.0.0.1:8080`, or a
        /// VPC endpoint URL) instead of the STS host, keeping the `Host` header — for tests against a
        /// local STS and for private networking. Only the verifier's operator sets this.
        pub fn with_endpoint(mut self, base: &str) -> Self {
            self.endpoint = Some(base.trim_end_matches('/').to_owned());
            self
        }
    }

    impl StsClient for HttpStsClient {
        async fn get(&self, request: &OutboundRequest) -> Result<StsResponse, FetchError> {
            let url = match &self.endpoint {
                Some(base) => format!("{base}{}", request.path_and_query),
                None => request.url(),
            };
            let mut response = self
                .client
                .get(url)
                .header(http::header::HOST, &request.host)
                .header(crate::AUDIENCE_HEADER, &request.audience)
                .header(http::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(|_| FetchError::Unavailable)?;
            if response
                .content_length()
                .is_some_and(|len| len > self.max_body as u64)
            {
                return Err(FetchError::TooLarge);
            }
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let mut body = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|_| FetchError::Unavailable)?
            {
                if body.len() + chunk.len() > self.max_body {
                    return Err(FetchError::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(StsResponse {
                status,
                content_type,
                body,
            })
        }
    }
}
