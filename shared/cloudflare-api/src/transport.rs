//! The HTTP edge: one request with the bearer token, retried per [`RetryPolicy`], its body read
//! under a cap. `https://` only, or `http://` to loopback ([`oac_client::is_loopback`], the
//! project's one rule); no redirects; no proxy from the environment; a connect and a total
//! timeout.

use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::redirect::Policy;
use url::Url;

use crate::error::Error;
use crate::retry::{RetryPolicy, cloudflare_policy, is_retryable, retry_after};
use crate::token::ApiToken;

/// The largest answer read (a DNS page of 100 records or an entrypoint with many rules is far less).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// The longest wait for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest one request may take, body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A status and a body (at most [`MAX_BODY_BYTES`]).
pub(crate) struct Raw {
    pub status: u16,
    pub body: Vec<u8>,
}

/// The base URL, the token and the HTTP client.
#[derive(Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    base: Url,
    token: ApiToken,
    pub retry: RetryPolicy,
}

/// Parses `base` and refuses anything but `https://`, or `http://` to loopback; no userinfo,
/// query or fragment.
pub fn checked_base(base: &str) -> Result<Url, Error> {
    // The base is never echoed whole: its userinfo or query could hold a credential.
    let url = Url::parse(base).map_err(|e| Error::Invalid(format!("API base: {e}")))?;
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(Error::Invalid(
            "API base: no userinfo, query or fragment allowed".to_owned(),
        ));
    }
    let loopback = url
        .host()
        .is_some_and(|h| oac_client::is_loopback(&h.to_owned()));
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        scheme => Err(Error::Invalid(format!(
            "API base {scheme}://{}: https only (http only to loopback)",
            url.host_str().unwrap_or_default()
        ))),
    }
}

impl Transport {
    /// The API base (no secret in it: userinfo and queries are refused).
    pub fn base(&self) -> &str {
        self.base.as_str()
    }

    pub fn new(base: &str, token: ApiToken) -> Result<Self, Error> {
        let base = checked_base(base)?;
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(Policy::none())
            .https_only(base.scheme() == "https")
            .no_proxy()
            .build()
            .map_err(|e| Error::Transport(format!("building the HTTP client: {e}")))?;
        Ok(Self {
            http,
            base,
            token,
            retry: cloudflare_policy(),
        })
    }

    /// `<base><path>?<query>`; `path` starts with `/` and holds only checked ids.
    fn url(&self, path: &str, query: &[(&str, String)]) -> Result<Url, Error> {
        let joined = format!("{}{path}", self.base.as_str().trim_end_matches('/'));
        let mut url = Url::parse(&joined).map_err(|e| Error::Invalid(format!("{path}: {e}")))?;
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }

    /// Sends the request until it is answered with something other than a 429 or 5xx, or the
    /// policy gives up ([`Error::GaveUp`] around the last answer).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<Raw, Error> {
        let url = self.url(path, query)?;
        let started = Instant::now();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (raw, wait) = self.once(method.clone(), &url, body).await?;
            if !is_retryable(raw.status) {
                return Ok(raw);
            }
            match self
                .retry
                .next_delay(attempts, started.elapsed(), wait, fastrand::f64())
            {
                Some(wait) => tokio::time::sleep(wait).await,
                None => {
                    let last = crate::envelope::read::<serde_json::Value>(raw.status, &raw.body)
                        .err()
                        .unwrap_or(Error::Cloudflare {
                            status: raw.status,
                            errors: vec![],
                        });
                    return Err(Error::GaveUp {
                        attempts,
                        last: Box::new(last),
                    });
                }
            }
        }
    }

    async fn once(
        &self,
        method: Method,
        url: &Url,
        body: Option<&serde_json::Value>,
    ) -> Result<(Raw, Option<Duration>), Error> {
        let what = format!("{method} {}", url.path());
        let mut request = self
            .http
            .request(method, url.clone())
            .bearer_auth(self.token.expose())
            .header("accept", "application/json");
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| Error::Transport(format!("{what}: {}", without_url(&e))))?;
        let status = response.status().as_u16();
        if response.status().is_redirection() {
            return Err(Error::Transport(format!(
                "{what}: answered {status}; redirects are not followed"
            )));
        }
        let wait = retry_after(response.headers(), std::time::SystemTime::now());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            Error::Transport(format!("{what}: reading the answer: {}", without_url(&e)))
        })? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(Error::Transport(format!(
                    "{what}: answer over {MAX_BODY_BYTES} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((Raw { status, body }, wait))
    }
}

/// reqwest's error without its URL (the caller names the path).
fn without_url(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "https://api.cloudflare.com/client/v4",
            "http://127.0.0.1:8080/client/v4",
            "http://[::1]:1/",
            "http://localhost:9/",
        ] {
            assert!(checked_base(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.cloudflare.com/client/v4",
            "http://0.0.0.0:1/",
            "ftp://127.0.0.1/",
            "https://u:p@api.cloudflare.com/",
            "https://api.cloudflare.com/?a=b",
            "not a url",
        ] {
            assert!(matches!(checked_base(bad), Err(Error::Invalid(_))), "{bad}");
        }
    }
}
