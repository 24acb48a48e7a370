//! Sends the probe's requests (`oac_doctor::probe::plan`) to the public hostname and collects the
//! answers, for `oac_doctor::probe::explain`.
//!
//! Only `https://`, or `http://` to this machine's loopback (`oac_client::is_loopback`, the one
//! home of that rule: oac-dev on localhost). A URL with credentials is refused. Redirects are not
//! followed (a 3xx is an answer, reported as one), every request has a timeout, and at most
//! [`MAX_BODY_BYTES`] of a body are read.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use oac_doctor::probe::{self, ProbeAnswer, ProbeRequest};
use url::Url;

/// The most of an answer's body that is read: enough for Lambda's, CloudFront's and oac-kit's
/// error bodies.
pub const MAX_BODY_BYTES: usize = 4096;
/// The time one request may take, answer included.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// The time connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How the probe sends.
#[derive(Debug, Clone)]
pub struct Options {
    /// The time one request may take ([`TIMEOUT`]).
    pub timeout: Duration,
    /// The most of a body read ([`MAX_BODY_BYTES`]).
    pub max_body_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            timeout: TIMEOUT,
            max_body_bytes: MAX_BODY_BYTES,
        }
    }
}

/// The answers of `base` (an `https://` hostname, with the path to probe) to the probe's requests.
pub async fn run(base: &Url) -> Result<Vec<ProbeAnswer>> {
    run_with(base, &Options::default()).await
}

/// [`run`] with `options`.
pub async fn run_with(base: &Url, options: &Options) -> Result<Vec<ProbeAnswer>> {
    check_url(base)?;
    let loopback = base.scheme() == "http";
    let mut builder = reqwest::Client::builder()
        .timeout(options.timeout)
        .connect_timeout(CONNECT_TIMEOUT.min(options.timeout))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("oac-kit-doctor/", env!("CARGO_PKG_VERSION")));
    if loopback {
        // A proxy from the environment must not see (or break) a request to this machine.
        builder = builder.no_proxy();
    }
    let client = builder.build().context("building the HTTP client")?;
    let mut answers = Vec::new();
    for request in probe::plan(&path_and_query(base)) {
        answers.push(send(&client, base, request, options.max_body_bytes).await?);
    }
    Ok(answers)
}

/// Refuses a URL the probe must not send to: not `https://` (nor `http://` to loopback), or
/// carrying credentials (never echoed).
pub fn check_url(base: &Url) -> Result<()> {
    if !base.username().is_empty() || base.password().is_some() {
        let mut shown = base.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        bail!("{shown}: the probe URL must not carry credentials; give the public hostname alone");
    }
    match (base.scheme(), base.host()) {
        ("https", Some(_)) => Ok(()),
        ("http", Some(host)) if oac_client::is_loopback(&host.to_owned()) => Ok(()),
        ("http", Some(host)) => bail!(
            "{base}: plain http only to this machine's loopback ({host} is not); probe https://{host}"
        ),
        (_, None) => bail!("{base}: no hostname to probe"),
        (scheme, _) => bail!("{base}: URL scheme {scheme:?}: only https (or http to loopback)"),
    }
}

/// The path and query of `base` (`/` when it has no path).
fn path_and_query(base: &Url) -> String {
    match base.query() {
        Some(query) => format!("{}?{query}", base.path()),
        None => base.path().to_owned(),
    }
}

/// Sends one planned request and reads its answer (at most `max_body` bytes of the body).
async fn send(
    client: &reqwest::Client,
    base: &Url,
    request: ProbeRequest,
    max_body: usize,
) -> Result<ProbeAnswer> {
    let url = base
        .join(&request.path)
        .with_context(|| format!("{base}: cannot join {:?}", request.path))?;
    let method = reqwest::Method::from_bytes(request.method.as_bytes())
        .with_context(|| format!("method {:?}", request.method))?;
    let mut builder = client.request(method, url.clone());
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if !request.body.is_empty() {
        builder = builder.body(request.body.clone());
    }
    let what = || format!("{} {url}", request.method);
    let mut response = builder.send().await.with_context(what)?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = Vec::new();
    while body.len() < max_body {
        match response.chunk().await.with_context(what)? {
            Some(chunk) => body.extend_from_slice(&chunk),
            None => break,
        }
    }
    body.truncate(max_body);
    Ok(ProbeAnswer {
        request,
        status,
        headers,
        body,
    })
}

#[cfg(test)]
#[path = "probe_http_tests.rs"]
mod tests;
