//! The addon's half of the KVS fetch: the keys the core asks for become signed `GetKey`
//! requests for `index.mjs` to send, and what came back becomes the core's [`Fetched`] answers.
//! The credentials are those Lambda puts in the environment (Lambda@Edge has no user-defined
//! environment variables, but the runtime's credentials are there as for any Lambda).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use ip_filter_core::kvs_config::KvsConfig;
use ip_filter_core::kvs_getkey::{read_get_key, sign_get_key};
use ip_filter_core::kvs_refresh::Fetched;
use serde::{Deserialize, Serialize};

/// One request for `index.mjs`'s `fetch`.
#[derive(Debug, Serialize)]
pub struct GetRequest {
    /// The URL.
    pub url: String,
    /// The headers to send (`host` is the URL's).
    pub headers: BTreeMap<String, String>,
}

/// What `index.mjs` got back for one request: `null` when the fetch failed (network, timeout).
#[derive(Debug, Deserialize)]
pub struct HttpAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

/// The clock `index.mjs` passes (`Date.now()`), or `None` if it is not a time.
pub fn time_of(now_ms: f64) -> Option<(u64, SystemTime)> {
    if !(0.0..=1e15).contains(&now_ms) {
        return None;
    }
    let ms = now_ms as u64;
    Some((ms, UNIX_EPOCH + Duration::from_millis(ms)))
}

/// The Lambda runtime's credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
/// `AWS_SESSION_TOKEN`, or `None` when the first two are not both set.
pub fn credentials_from_env() -> Option<Credentials> {
    let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    Some(Credentials::new(
        var("AWS_ACCESS_KEY_ID")?,
        var("AWS_SECRET_ACCESS_KEY")?,
        var("AWS_SESSION_TOKEN"),
        None,
        "lambda-environment",
    ))
}

/// Signed `GetKey` requests for `keys`, or `None` when one cannot be signed.
pub fn signed_requests(
    kvs: &KvsConfig,
    keys: &[String],
    credentials: &Credentials,
    time: SystemTime,
) -> Option<Vec<GetRequest>> {
    keys.iter()
        .map(|key| {
            let signed = sign_get_key(kvs, key, credentials, time).ok()?;
            Some(GetRequest {
                url: signed.url,
                headers: signed.headers.into_iter().collect(),
            })
        })
        .collect()
}

/// The core's answers for `keys` from what `index.mjs` fetched, in the same order.
pub fn answers_for(keys: &[String], answers: Vec<Option<HttpAnswer>>) -> Vec<Fetched> {
    if answers.len() != keys.len() {
        // The core fails a refresh whose answers do not line up with its keys.
        return Vec::new();
    }
    keys.iter()
        .zip(answers)
        .map(|(key, answer)| match answer {
            Some(a) => read_get_key(key, a.status, &a.body),
            None => Fetched::Failed,
        })
        .collect()
}
