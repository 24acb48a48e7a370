//! [`OacClient`]: sends a prepared request, attempt by attempt, with a fresh identity each time.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, Method};

use crate::builder::OacClientBuilder;
use crate::clock::{Clock, Sleep};
use crate::error::Error;
use crate::identity::{IdentitySource, IdentityValue};
use crate::request::{PreparedRequest, RequestBuilder};
use crate::response::OacResponse;
use crate::retry::{RetryPolicy, is_repeatable, is_transient_status, retry_after};
use crate::stream::OacStream;

/// A client for one oac-kit API (a base URL) and one audience. Cheap to clone; clones share the
/// identity cache and the connection pool.
///
/// ```no_run
/// # async fn run() -> Result<(), oac_client::Error> {
/// let client = oac_client::OacClient::builder("https://api.example.com", "111122223333:eu-west-1:OacKitApi/Api")
///     .build()
///     .await?; // credentials and region from the standard AWS chain
/// let me = client.get("/v1/whoami").send().await?;
/// println!("{}", String::from_utf8_lossy(&me.body));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct OacClient {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) base: String,
    pub(crate) audience: String,
    pub(crate) identity: Arc<IdentitySource>,
    pub(crate) default_headers: HeaderMap,
    pub(crate) retry: RetryPolicy,
    pub(crate) attempt_timeout: Duration,
    pub(crate) max_response_bytes: u64,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sleep: Arc<dyn Sleep>,
    pub(crate) http: reqwest::Client,
}

impl OacClient {
    /// A builder for the API at `base_url` (`https://host[/prefix]`; `http://` only to loopback)
    /// whose identity audience is `audience` (the deployment's `Audience` output).
    pub fn builder(base_url: impl Into<String>, audience: impl Into<String>) -> OacClientBuilder {
        OacClientBuilder::new(base_url.into(), audience.into())
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The audience identities are minted for.
    pub fn audience(&self) -> &str {
        &self.inner.audience
    }

    /// The same API and credentials for another audience, sharing the identity cache (which is
    /// kept per audience).
    pub fn with_audience(&self, audience: &str) -> Result<Self, Error> {
        fluid_identity::check_audience(audience).map_err(|e| Error::Invalid(e.to_string()))?;
        let inner = Inner {
            base: self.inner.base.clone(),
            audience: audience.to_owned(),
            identity: self.inner.identity.clone(),
            default_headers: self.inner.default_headers.clone(),
            retry: self.inner.retry,
            attempt_timeout: self.inner.attempt_timeout,
            max_response_bytes: self.inner.max_response_bytes,
            clock: self.inner.clock.clone(),
            sleep: self.inner.sleep.clone(),
            http: self.inner.http.clone(),
        };
        Ok(Self::from_inner(inner))
    }

    /// A request of `method` to `path` (`/v1/…`, with any query) under the base URL.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, path)
    }

    /// A GET.
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    /// A POST (retried only with an `Idempotency-Key`).
    pub fn post(&self, path: &str) -> RequestBuilder {
        self.request(Method::POST, path)
    }

    /// A PUT.
    pub fn put(&self, path: &str) -> RequestBuilder {
        self.request(Method::PUT, path)
    }

    /// A DELETE.
    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.request(Method::DELETE, path)
    }

    /// The `X-Fluid-Identity` value the next request would carry (cached, or minted now).
    pub async fn identity(&self) -> Result<IdentityValue, Error> {
        self.inner.identity.identity_for(&self.inner.audience).await
    }

    pub(crate) fn default_headers(&self) -> &HeaderMap {
        &self.inner.default_headers
    }

    pub(crate) fn url_for(&self, path: &str) -> Result<reqwest::Url, Error> {
        if !path.starts_with('/') || path.starts_with("//") {
            return Err(Error::Invalid(format!(
                "path {path:?} must start with one /"
            )));
        }
        let url = format!("{}{path}", self.inner.base);
        reqwest::Url::parse(&url).map_err(|e| Error::Invalid(format!("URL {url:?}: {e}")))
    }

    /// Sends `request`: one attempt, then more while the request is repeatable, the answer
    /// transient and the [`RetryPolicy`] allows. Returns the last answer whatever its status, its
    /// body read whole under the cap (an attempt whose body fails to arrive is tried again).
    pub async fn execute(&self, request: &PreparedRequest) -> Result<OacResponse, Error> {
        self.retrying(request, || async {
            let timeout = Some(self.inner.attempt_timeout);
            self.attempt(request, timeout).await?.read_to_end().await
        })
        .await
    }

    /// Like [`OacClient::execute`], but hands the answer out as soon as its head arrives, its
    /// body to be read chunk by chunk ([`OacStream`]). Retries happen only before that: a body
    /// that fails midway is the caller's to handle (a resumable stream says where to resume,
    /// e.g. server-sent events' `Last-Event-ID`).
    pub async fn execute_streaming(&self, request: &PreparedRequest) -> Result<OacStream, Error> {
        self.retrying(request, || self.attempt(request, None)).await
    }

    /// The retry loop around `attempt`, which yields an answer's status and headers.
    async fn retrying<T, F, Fut>(&self, request: &PreparedRequest, attempt: F) -> Result<T, Error>
    where
        T: Answer,
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let inner = &*self.inner;
        let repeatable = is_repeatable(&request.method, &request.headers);
        let started = inner.clock.now();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let outcome = attempt().await;
            let server_wait = match &outcome {
                Ok(r) if is_transient_status(r.status()) => {
                    retry_after(r.headers(), inner.clock.now())
                }
                Err(Error::Transport(e)) if !e.is_builder() => None,
                _ => return outcome,
            };
            if !repeatable {
                return outcome;
            }
            let elapsed = inner
                .clock
                .now()
                .duration_since(started)
                .unwrap_or(Duration::ZERO);
            match inner
                .retry
                .next_delay(attempts, elapsed, server_wait, fastrand::f64())
            {
                Some(delay) => inner.sleep.sleep(delay).await,
                None => return outcome,
            }
        }
    }

    /// One attempt, up to the answer's head; `timeout` bounds the whole exchange (none for a
    /// stream, whose waits are bounded per read by the client).
    async fn attempt(
        &self,
        request: &PreparedRequest,
        timeout: Option<Duration>,
    ) -> Result<OacStream, Error> {
        // Taken per attempt: a long retry sequence never sends a value about to expire.
        let identity = self.identity().await?;
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), request.url.clone())
            .headers(request.headers_with(&identity));
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        let response = builder.send().await.map_err(Error::Transport)?;
        OacStream::new(response, self.inner.max_response_bytes)
    }
}

/// What the retry loop looks at in an answer, read whole or not.
trait Answer {
    fn status(&self) -> u16;
    fn headers(&self) -> &HeaderMap;
}

impl Answer for OacResponse {
    fn status(&self) -> u16 {
        self.status
    }
    fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl Answer for OacStream {
    fn status(&self) -> u16 {
        self.status
    }
    fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl std::fmt::Debug for OacClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No header values: the defaults may hold secrets, the identity is a bearer credential.
        f.debug_struct("OacClient")
            .field("base_url", &self.inner.base)
            .field("audience", &self.inner.audience)
            .field("region", &self.inner.identity.region())
            .field(
                "default_headers",
                &self.inner.default_headers.keys().collect::<Vec<_>>(),
            )
            .field("retry", &self.inner.retry)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .finish_non_exhaustive()
    }
}
