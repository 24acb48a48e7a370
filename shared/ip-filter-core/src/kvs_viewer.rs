//! The viewer filter of the Lambda@Edge bundle in KVS mode: the address (in the ranges last read
//! from the store, or the compiled ones, plus the build-time extras) **and** the origin secret.
//!
//! Both checks must pass; any failure is the very 403 a wrong address gets
//! ([`crate::forbidden_problem`]), so a rejection says nothing about which check failed. The
//! secret header must come exactly once and be admitted by [`OriginSecrets::admits`]; it is then
//! removed, so the origin never sees it, and `x-forwarded-host` set to the viewer's `Host`
//! ([`crate::forwarded_host`]). Until the store's `origin-secrets` has been read once,
//! nobody passes. The address is judged first, and the secret header only
//! then: a request from a wrong address has none of its headers read, and a secret header that
//! comes more than once is refused on its count, before any of its values is read.
//!
//! What the store answers is authoritative, as it is for the CloudFront Function, which reads it
//! on every request: ranges that [`crate::kvs_layout`] refuses (or that are missing) mean the
//! compiled ranges; missing or malformed `origin-secrets` mean no valid secret, so an operator
//! revokes every secret by deleting the key. Only a fetch that *fails* (network, signing,
//! throttling) keeps the last good data until the next attempt — the secrets for at most
//! [`SECRETS_MAX_AGE_INTERVALS`] refresh intervals after they were last read: past that, nobody
//! passes (`secrets-stale`) until a refresh succeeds, so a revoked secret cannot outlive an
//! outage of the store by more than that. Each failed refresh is counted ([`RefreshFailure`]).
//!
//! ```
//! use cloudfront_event::{HeaderEdit, Outcome};
//! use ip_filter_core::kvs_viewer::ViewerData;
//! use ip_filter_core::origin_secret::secrets_value;
//! use ip_filter_core::Config;
//! let mut data = ViewerData::new(&Config::default(), "x-origin-secret").unwrap();
//! let secret = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
//! assert!(matches!(data.decide("104.16.0.1", &[secret]), Outcome::Respond(_)), "no secrets yet");
//! data.update(&[("origin-secrets".into(), secrets_value(&[secret]).unwrap())]);
//! let removed = Outcome::Forward(vec![
//!     HeaderEdit::Remove { name: "x-origin-secret".into() },
//!     HeaderEdit::Remove { name: "x-forwarded-host".into() }, // this request has no Host
//! ]);
//! assert_eq!(data.decide("104.16.0.1", &[secret]), removed);
//! ```

use std::convert::Infallible;

use cloudfront_event::{Decision, HeaderEdit, HeaderEntry, HeaderLookup, Headers, Outcome, Reason};
use ipnet::IpNet;

use crate::config::{Config, ConfigError};
use crate::forwarded_host;
use crate::kvs_layout::{LayoutError, ORIGIN_SECRETS_KEY, decode_ranges};
use crate::kvs_refresh::{Fetched, Progress, RefreshCycle};
use crate::matcher::RangeSet;
use crate::origin_secret::OriginSecrets;
use crate::viewer::forbidden;

pub use crate::kvs_refresh_log::RefreshFailure;

/// How long the last good secrets keep admitting while every refresh fails, in refresh
/// intervals (`refreshSeconds`): with the default 60 s, ten minutes after the last good read.
pub const SECRETS_MAX_AGE_INTERVALS: u64 = 10;

/// The data a viewer request is judged on, and the decision.
#[derive(Debug, Clone)]
pub struct ViewerData {
    extras: Vec<IpNet>,
    compiled: RangeSet,
    ranges: RangeSet,
    secrets: Option<OriginSecrets>,
    header: String,
}

/// What an update applied: each part is applied, or kept as it was for the reason given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateReport {
    /// The ranges: replaced, or why the compiled ones apply.
    pub ranges: Result<(), LayoutError>,
    /// The secrets: replaced, or why there are none now.
    pub secrets: Result<(), LayoutError>,
}

impl UpdateReport {
    /// Whether both the ranges and the secrets were replaced.
    pub fn all_applied(&self) -> bool {
        self.ranges.is_ok() && self.secrets.is_ok()
    }
}

impl ViewerData {
    /// The compiled ranges plus `config`'s extras, no secrets yet; `header` is the secret's
    /// header name (lowercase).
    pub fn new(config: &Config, header: &str) -> Result<Self, ConfigError> {
        let compiled = config.range_set()?;
        Ok(Self {
            extras: config.extra_nets()?,
            ranges: compiled.clone(),
            compiled,
            secrets: None,
            header: header.to_owned(),
        })
    }

    /// The header whose values [`ViewerData::decide`] takes.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// Applies what the store answered, `(key, value)` for every key it has, through
    /// [`crate::kvs_layout`]: refused or missing ranges mean the compiled ranges, refused or
    /// missing secrets mean none.
    pub fn update(&mut self, items: &[(String, String)]) -> UpdateReport {
        let get = |key: &str| items.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let ranges = match decode_ranges(get) {
            Ok(mut nets) => {
                nets.extend(self.extras.iter().copied());
                self.ranges = RangeSet::new(nets);
                Ok(())
            }
            Err(e) => {
                self.ranges = self.compiled.clone();
                Err(e)
            }
        };
        let secrets = get(ORIGIN_SECRETS_KEY)
            .ok_or_else(|| LayoutError::MissingKey(ORIGIN_SECRETS_KEY.to_owned()))
            .and_then(|value| OriginSecrets::from_kvs_value(&value));
        let secrets = match secrets {
            Ok(secrets) => {
                self.secrets = Some(secrets);
                Ok(())
            }
            Err(e) => {
                self.secrets = None;
                Err(e)
            }
        };
        UpdateReport { ranges, secrets }
    }

    /// The decision for the viewer address `client_ip` and every value of the secret header
    /// (one per entry, as the request carries them; no other header): forward with the header
    /// removed (and `x-forwarded-host` too, as there is no `Host`), or 403.
    pub fn decide(&self, client_ip: &str, secret_values: &[&str]) -> Outcome {
        self.decision(client_ip, secret_values).outcome
    }

    /// [`ViewerData::decide`] with the reason an adapter logs. Every rejection is the same 403;
    /// only the reason says which check failed (the address first, then the secret).
    pub fn decision(&self, client_ip: &str, secret_values: &[&str]) -> Decision {
        let mut headers = Headers::default();
        if !secret_values.is_empty() {
            let entries = secret_values
                .iter()
                .map(|v| HeaderEntry::new(&self.header, *v));
            headers.0.insert(self.header.clone(), entries.collect());
        }
        let read = |_: &[&str]| Ok::<_, Infallible>(headers);
        match self.judge(client_ip, true, read) {
            Ok(decision) => decision,
            Err(never) => match never {},
        }
    }

    /// The decision, reading the request's headers only once the address passed and the secrets
    /// are loaded and `secrets_fresh`: `read` gets the names wanted (the secret header's, then
    /// `host`) and returns the request's headers (an adapter reads them out of the event then,
    /// and its error, say a malformed event, is returned as is). The secret header is judged on
    /// its [`HeaderLookup::count`] first: its value is read only when it comes exactly once.
    pub fn judge<'a, H: HeaderLookup, E>(
        &'a self,
        client_ip: &str,
        secrets_fresh: bool,
        read: impl FnOnce(&[&'a str]) -> Result<H, E>,
    ) -> Result<Decision, E> {
        if !self.ranges.is_allowed(client_ip) {
            return Ok(forbidden(Reason::NotFromCloudflare));
        }
        let Some(secrets) = &self.secrets else {
            return Ok(forbidden(Reason::SecretsNotLoaded));
        };
        if !secrets_fresh {
            return Ok(forbidden(Reason::SecretsStale));
        }
        let headers = read(&[self.header.as_str(), forwarded_host::HOST])?;
        Ok(match headers.count(&self.header) {
            0 => forbidden(Reason::SecretMissing),
            1 => match headers.values(&self.header).first() {
                Some(value) if secrets.admits(value) => Decision::new(
                    Outcome::Forward(vec![
                        HeaderEdit::Remove {
                            name: self.header.clone(),
                        },
                        forwarded_host::edit(&headers),
                    ]),
                    Reason::FromCloudflareWithSecret,
                ),
                _ => forbidden(Reason::SecretWrong),
            },
            _ => forbidden(Reason::SecretRepeated),
        })
    }
}

/// [`ViewerData`] kept current by a [`RefreshCycle`]: the whole KVS-mode core of the bundle.
/// The adapter fetches the keys it is given and hands the answers back; the clock is the
/// adapter's (milliseconds since the epoch).
#[derive(Debug, Clone)]
pub struct KvsViewer {
    data: ViewerData,
    cycle: RefreshCycle,
    /// How long secrets read at one time admit: [`SECRETS_MAX_AGE_INTERVALS`] intervals.
    max_secrets_age_ms: u64,
    /// When the secrets were last read from the store (by a refresh whose secrets applied).
    secrets_read_ms: Option<u64>,
    /// Refreshes failed since the last one that fetched everything.
    consecutive_failures: u32,
    /// The last failed refresh, until the adapter takes it to log.
    failure: Option<RefreshFailure>,
}

impl KvsViewer {
    /// The filter for `config` (which must have `kvsArn`), before any fetch.
    pub fn new(config: &Config) -> Result<Self, ConfigError> {
        let kvs = config.kvs()?.ok_or(ConfigError::KvsUnsupported)?;
        let interval_ms = u64::from(kvs.refresh_seconds()) * 1_000;
        Ok(Self {
            data: ViewerData::new(config, kvs.secret_header())?,
            cycle: RefreshCycle::new(kvs.refresh_seconds()),
            max_secrets_age_ms: interval_ms * SECRETS_MAX_AGE_INTERVALS,
            secrets_read_ms: None,
            consecutive_failures: 0,
            failure: None,
        })
    }

    /// The keys to fetch before judging a request at `now_ms`, or `None` when the data is
    /// fresh enough.
    pub fn refresh_start(&mut self, now_ms: u64) -> Option<Vec<String>> {
        self.cycle.start(now_ms)
    }

    /// Takes the answers to the keys last asked for; returns further keys to fetch, or `None`
    /// once the refresh is over (its data applied as far as it is good).
    pub fn refresh_receive(&mut self, answers: Vec<Fetched>, now_ms: u64) -> Option<Vec<String>> {
        match self.cycle.receive(answers) {
            Progress::Fetch(keys) => Some(keys),
            // A failed fetch says nothing about the store: the last good data stays.
            Progress::Done { failed: true, .. } => {
                self.refresh_failed(now_ms);
                None
            }
            Progress::Done { items, .. } => {
                let report = self.data.update(&items);
                self.secrets_read_ms = report.secrets.is_ok().then_some(now_ms);
                self.consecutive_failures = 0;
                self.cycle.finish(now_ms, report.all_applied());
                None
            }
        }
    }

    /// Ends a refresh that could not go on (e.g. no credentials to sign with): the data stays,
    /// the next request after the back-off tries again.
    pub fn refresh_abandon(&mut self, now_ms: u64) {
        self.cycle.receive(Vec::new());
        self.refresh_failed(now_ms);
    }

    /// Counts a failed refresh at `now_ms` and keeps it for [`KvsViewer::take_refresh_failure`].
    fn refresh_failed(&mut self, now_ms: u64) {
        self.cycle.finish(now_ms, false);
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        self.failure = Some(RefreshFailure {
            consecutive: self.consecutive_failures,
            secrets_age_ms: self.secrets_read_ms.map(|t| now_ms.saturating_sub(t)),
            secrets_stale: !self.secrets_fresh_at(now_ms),
        });
    }

    /// The last failed refresh, once: what the adapter logs (one line per failed refresh).
    pub fn take_refresh_failure(&mut self) -> Option<RefreshFailure> {
        self.failure.take()
    }

    /// Whether secrets read from the store may still admit at `now_ms`: read, and less than
    /// [`SECRETS_MAX_AGE_INTERVALS`] refresh intervals ago.
    pub fn secrets_fresh_at(&self, now_ms: u64) -> bool {
        self.secrets_read_ms
            .is_some_and(|read| now_ms < read.saturating_add(self.max_secrets_age_ms))
    }

    /// The decision at `now_ms` (`None`: the adapter has no usable clock, so no secret is fresh
    /// and nobody passes), reading the headers only when needed: see [`ViewerData::judge`].
    pub fn decision<'a, H: HeaderLookup, E>(
        &'a self,
        now_ms: Option<u64>,
        client_ip: &str,
        read: impl FnOnce(&[&'a str]) -> Result<H, E>,
    ) -> Result<Decision, E> {
        let fresh = now_ms.is_some_and(|now| self.secrets_fresh_at(now));
        self.data.judge(client_ip, fresh, read)
    }

    /// The data requests are judged on.
    pub fn data(&self) -> &ViewerData {
        &self.data
    }
}

#[cfg(test)]
#[path = "kvs_viewer_bounds_tests.rs"]
mod bounds_tests;
#[cfg(test)]
#[path = "kvs_viewer_tests.rs"]
mod tests;
