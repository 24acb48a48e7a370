//! [`OacClientBuilder`]: where the client's credentials, region, headers and policies come from.

use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::cap::DEFAULT_MAX_RESPONSE_BYTES;
use crate::client::{Inner, OacClient};
use crate::clock::{Clock, Sleep, SystemClock, TokioSleep};
use crate::error::Error;
use crate::identity::{DEFAULT_IDENTITY_LIFETIME, DEFAULT_REMINT_MARGIN, IdentitySource};
use crate::request::check_not_owned;
use crate::retry::RetryPolicy;
use crate::transport::check_transport;

/// The default timeout of one attempt: connect, send and read the whole answer; for a streamed
/// answer ([`crate::RequestBuilder::send_streaming`]), the longest wait for its head or for its
/// next chunk.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds an [`OacClient`]; from [`OacClient::builder`].
pub struct OacClientBuilder {
    base_url: String,
    audience: String,
    region: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
    default_headers: Vec<(String, String)>,
    retry: RetryPolicy,
    lifetime: Duration,
    margin: Duration,
    timeout: Duration,
    max_response_bytes: u64,
    env_proxy: bool,
    clock: Arc<dyn Clock>,
    sleep: Arc<dyn Sleep>,
}

impl OacClientBuilder {
    pub(crate) fn new(base_url: String, audience: String) -> Self {
        Self {
            base_url,
            audience,
            region: None,
            credentials: None,
            default_headers: Vec::new(),
            retry: RetryPolicy::default(),
            lifetime: DEFAULT_IDENTITY_LIFETIME,
            margin: DEFAULT_REMINT_MARGIN,
            timeout: DEFAULT_ATTEMPT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            env_proxy: false,
            clock: Arc::new(SystemClock),
            sleep: Arc::new(TokioSleep),
        }
    }

    /// The STS region identities are signed for (default: the standard chain's region).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Fixed credentials instead of the standard chain.
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.credentials_provider(credentials)
    }

    /// Any credentials provider instead of the standard chain.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// A header sent with every request (e.g. a secret a viewer filter in front of the API
    /// checks). `x-fluid-identity` and `x-amz-content-sha256` are the client's and refused.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Attempts, backoff and the total-time budget.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long a minted identity is valid (1..=900 s; default 300 s).
    pub fn identity_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// The least time a sent identity has left (default 60 s); must be under the lifetime.
    pub fn remint_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The timeout of one attempt (default 30 s): the whole exchange for [`send`], the wait for
    /// the head and between two chunks for [`send_streaming`] (a stream may last longer as long
    /// as it keeps sending; server-sent events send heartbeats for this).
    ///
    /// [`send`]: crate::RequestBuilder::send
    /// [`send_streaming`]: crate::RequestBuilder::send_streaming
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The most body bytes one answer may have (default 64 MiB,
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES)), enforced while reading,
    /// whole or streamed: past it the answer is [`Error::ResponseTooLarge`], refused before reading
    /// when its `content-length` says so. `u64::MAX` lifts the cap.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sends through the proxy the environment names (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`,
    /// minus `NO_PROXY`). Off by default: those variables are ignored and every request goes
    /// straight to the API, so an inherited variable cannot route the identity and any secret
    /// header through a third party (which sees both over plain `http`, and the API's name and
    /// timing over `https`).
    pub fn use_env_proxy(mut self) -> Self {
        self.env_proxy = true;
        self
    }

    /// The clock identity expiry and the retry budget are judged by (tests control it).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How the client waits between attempts (tests record the waits instead).
    pub fn sleeper(mut self, sleep: impl Sleep) -> Self {
        self.sleep = Arc::new(sleep);
        self
    }

    /// Checks everything and builds the client. Loads the standard AWS chain (`aws-config`) only
    /// when credentials or the region were not given.
    pub async fn build(self) -> Result<OacClient, Error> {
        let base = check_base_url(&self.base_url)?;
        fluid_identity::check_audience(&self.audience)
            .map_err(|e| Error::Invalid(e.to_string()))?;
        if self.lifetime.is_zero()
            || self.lifetime > Duration::from_secs(900)
            || self.margin >= self.lifetime
        {
            return Err(Error::Invalid(
                "the identity lifetime must be 1..=900 s and longer than the re-mint margin".into(),
            ));
        }
        let default_headers = header_map(&self.default_headers)?;
        let (credentials, region) = match (self.credentials, self.region) {
            (Some(credentials), Some(region)) => (credentials, region),
            (credentials, region) => {
                let config = aws_config::defaults(BehaviorVersion::latest()).load().await;
                let credentials = credentials
                    .or_else(|| config.credentials_provider())
                    .ok_or_else(|| {
                        Error::Credentials("no AWS credentials provider is configured".into())
                    })?;
                let region = region
                    .or_else(|| config.region().map(|r| r.to_string()))
                    .ok_or_else(|| {
                        Error::Invalid("no region: set one or configure AWS_REGION".into())
                    })?;
                (credentials, region)
            }
        };
        fluid_identity::sts_host_for_region(&region)?;
        // No total timeout on the client: a stream may outlast it. A buffered attempt sets its
        // own (`attempt_timeout`); every attempt waits at most that long to connect and per read.
        let mut http = reqwest::Client::builder()
            .connect_timeout(self.timeout)
            .read_timeout(self.timeout)
            // A redirect would carry the identity to wherever the answer points.
            .redirect(reqwest::redirect::Policy::none());
        if !self.env_proxy {
            http = http.no_proxy();
        }
        let http = http.build().map_err(Error::Transport)?;
        let identity = IdentitySource::new(
            credentials,
            region,
            self.lifetime,
            self.margin,
            self.clock.clone(),
        );
        Ok(OacClient::from_inner(Inner {
            base,
            audience: self.audience,
            identity: Arc::new(identity),
            default_headers,
            retry: self.retry,
            attempt_timeout: self.timeout,
            max_response_bytes: self.max_response_bytes,
            clock: self.clock,
            sleep: self.sleep,
            http,
        }))
    }
}

/// The base URL without a trailing `/`: https (or http to loopback), a host, no userinfo, query
/// or fragment.
fn check_base_url(base: &str) -> Result<String, Error> {
    let url = reqwest::Url::parse(base).map_err(|e| Error::Invalid(format!("base URL: {e}")))?;
    check_transport(&url)?;
    let ok = url.has_host()
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none();
    if !ok {
        return Err(Error::Invalid(
            "base URL: https://host[:port][/path], no userinfo, query or fragment".into(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Parses `(name, value)` pairs into a header map, refusing the headers the client owns.
pub(crate) fn header_map(pairs: &[(String, String)]) -> Result<HeaderMap, Error> {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let name = HeaderName::try_from(name.as_str())
            .map_err(|_| Error::Invalid(format!("header name {name:?}")))?;
        check_not_owned(&name)?;
        let mut value = HeaderValue::try_from(value.as_str())
            .map_err(|_| Error::Invalid(format!("the value of header {name}")))?;
        // Defaults may be secrets (a viewer filter's origin secret): never in Debug output.
        value.set_sensitive(true);
        map.append(name, value);
    }
    Ok(map)
}

impl std::fmt::Debug for OacClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OacClientBuilder")
            .field("base_url", &self.base_url)
            .field("audience", &self.audience)
            .field("region", &self.region)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("env_proxy", &self.env_proxy)
            .finish_non_exhaustive()
    }
}
