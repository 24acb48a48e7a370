//! The fetch of Cloudflare's published ranges, hardened: whoever answers decides the ranges, so
//! the answer must come from where it was asked for and be no bigger than a range list. One
//! implementation for `cargo xtask cloudflare-ips` and the range-sync Lambda; what the answer
//! must contain is [`crate::refresh`]'s job.
//!
//! - `https://` only; `http://` only to a loopback IP literal (a test server or a local mirror);
//! - no redirects: a `3xx` is an error naming where it pointed;
//! - no proxy from `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` unless asked
//!   ([`FetchPolicy::use_env_proxy`]);
//! - a body cap ([`MAX_BODY_BYTES`]; Cloudflare's answer is about 1 KB), enforced while reading
//!   (whatever `content-length` says, or without one);
//! - a connect timeout and a total timeout.
//!
//! Its tests run against servers on 127.0.0.1 (`fetch_tests.rs`, with the `testing` feature's `test_server`).
//!
//! ```
//! let url = cloudflare_ranges::fetch::ips_url("https://api.cloudflare.com/");
//! assert_eq!(url, "https://api.cloudflare.com/client/v4/ips");
//! assert!(cloudflare_ranges::fetch::checked_url("http://api.cloudflare.com/client/v4/ips").is_err());
//! ```

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;
use reqwest::redirect::Policy;

/// The largest answer read: 64 times Cloudflare's.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The longest wait for a connection (the total timeout caps it too).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Cloudflare's API, where `/client/v4/ips` is asked for by default.
pub const DEFAULT_API_BASE: &str = "https://api.cloudflare.com";

/// How a fetch may go.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    /// From the start of the request to the end of the body.
    pub timeout: Duration,
    /// The largest body accepted.
    pub max_body_bytes: usize,
    /// Whether to use a proxy from the environment.
    pub use_env_proxy: bool,
}

impl FetchPolicy {
    /// The cap of [`MAX_BODY_BYTES`], no environment proxy, and `timeout`.
    pub fn with_timeout(timeout: Duration) -> Self {
        Self {
            timeout,
            max_body_bytes: MAX_BODY_BYTES,
            use_env_proxy: false,
        }
    }
}

/// Why a fetch gave no range list to validate.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL does not parse.
    #[error("{url:?} is not a URL: {reason}")]
    Unparsable {
        /// What was given.
        url: String,
        /// The parser's reason.
        reason: String,
    },
    /// `http://` to something that is not a loopback IP literal.
    #[error("refusing {0}: plain http is allowed only to a loopback address")]
    PlainHttp(String),
    /// Neither `https` nor `http`.
    #[error("refusing {url}: scheme {scheme} (https only)")]
    Scheme {
        /// What was given.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// The HTTP client could not be built.
    #[error("building the HTTP client")]
    Client(#[source] reqwest::Error),
    /// The request failed (connection, TLS, timeout).
    #[error("GET {url}")]
    Request {
        /// The URL asked.
        url: Url,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// A `3xx`: never followed.
    #[error("GET {url} answered {status} (redirect to {location:?}); redirects are not followed")]
    Redirect {
        /// The URL asked.
        url: Url,
        /// The status.
        status: reqwest::StatusCode,
        /// Its `location`, if any.
        location: String,
    },
    /// The body broke off (a timeout included).
    #[error("GET {url}: reading the answer")]
    Read {
        /// The URL asked.
        url: Url,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The body is bigger than the cap.
    #[error("GET {url}: the answer is over {max} bytes, far more than a range list")]
    TooLarge {
        /// The URL asked.
        url: Url,
        /// The cap.
        max: usize,
    },
    /// The body is not UTF-8.
    #[error("GET {url}: not UTF-8")]
    NotUtf8 {
        /// The URL asked.
        url: Url,
    },
    /// A status other than 2xx or 3xx; the start of the body says why.
    #[error("GET {url} answered {status}: {start}")]
    Status {
        /// The URL asked.
        url: Url,
        /// The status.
        status: reqwest::StatusCode,
        /// The first 300 characters of the body.
        start: String,
    },
}

impl FetchError {
    /// Whether the fetch ran out of time.
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Request { source, .. } | Self::Read { source, .. } => source.is_timeout(),
            _ => false,
        }
    }
}

/// `<base>/client/v4/ips` (one trailing slash of `base` or none).
pub fn ips_url(base: &str) -> String {
    format!("{}/client/v4/ips", base.trim_end_matches('/'))
}

/// Parses `url` and refuses anything but `https://`, or `http://` to a loopback address
/// (`127.0.0.0/8`, `::1`; a name is not resolved to find out).
pub fn checked_url(url: &str) -> Result<Url, FetchError> {
    let parsed = Url::parse(url).map_err(|e| FetchError::Unparsable {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(FetchError::PlainHttp(url.to_owned())),
        other => Err(FetchError::Scheme {
            url: url.to_owned(),
            scheme: other.to_owned(),
        }),
    }
}

fn is_loopback(url: &Url) -> bool {
    url.host_str()
        .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
        .and_then(|h| h.parse::<IpAddr>().ok())
        .is_some_and(|ip| ip.is_loopback())
}

/// `GET url` under `policy`; the body of a 2xx answer.
pub async fn fetch(url: &str, policy: &FetchPolicy) -> Result<String, FetchError> {
    let url = checked_url(url)?;
    let mut builder = reqwest::Client::builder()
        .timeout(policy.timeout)
        .connect_timeout(CONNECT_TIMEOUT.min(policy.timeout))
        .redirect(Policy::none())
        .https_only(url.scheme() == "https");
    if !policy.use_env_proxy {
        builder = builder.no_proxy();
    }
    let client = builder.build().map_err(FetchError::Client)?;
    let mut response = client
        .get(url.clone())
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|source| FetchError::Request {
            url: url.clone(),
            source,
        })?;
    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get("location")
            .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned())
            .unwrap_or_default();
        return Err(FetchError::Redirect {
            url,
            status,
            location,
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|source| FetchError::Read {
        url: url.clone(),
        source,
    })? {
        if body.len() + chunk.len() > policy.max_body_bytes {
            return Err(FetchError::TooLarge {
                url,
                max: policy.max_body_bytes,
            });
        }
        body.extend_from_slice(&chunk);
    }
    let body = String::from_utf8(body).map_err(|_| FetchError::NotUtf8 { url: url.clone() })?;
    if !status.is_success() {
        let start: String = body.chars().take(300).collect();
        return Err(FetchError::Status { url, status, start });
    }
    Ok(body)
}
