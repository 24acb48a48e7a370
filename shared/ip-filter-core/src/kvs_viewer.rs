//! The viewer filter of the Lambda@Edge bundle in KVS mode: the address (in the ranges last read
//! from the store, or the compiled ones, plus the build-time extras) **and** the origin secret.
//!
//! Both checks must pass; any failure is the very 403 a wrong address gets
//! ([`crate::forbidden_problem`]), so a rejection says nothing about which check failed. The
//! secret header must come exactly once and be admitted by [`OriginSecrets::admits`]; it is then
//! removed, so the origin never sees it. Until the store's `origin-secrets` has been read once,
//! nobody passes.
//!
//! What the store answers is authoritative, as it is for the CloudFront Function, which reads it
//! on every request: ranges that [`crate::kvs_layout`] refuses (or that are missing) mean the
//! compiled ranges; missing or malformed `origin-secrets` mean no valid secret, so an operator
//! revokes every secret by deleting the key. Only a fetch that *fails* (network, signing,
//! throttling) keeps the last good data until the next attempt.
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
//! let removed = Outcome::Forward(vec![HeaderEdit::Remove { name: "x-origin-secret".into() }]);
//! assert_eq!(data.decide("104.16.0.1", &[secret]), removed);
//! ```

use cloudfront_event::{Decision, HeaderEdit, Outcome, Reason};
use ipnet::IpNet;

use crate::config::{Config, ConfigError};
use crate::kvs_layout::{LayoutError, ORIGIN_SECRETS_KEY, decode_ranges};
use crate::kvs_refresh::{Fetched, Progress, RefreshCycle};
use crate::matcher::RangeSet;
use crate::origin_secret::OriginSecrets;
use crate::viewer::forbidden;

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
    /// (one per entry, as the request carries them): forward with the header removed, or 403.
    pub fn decide(&self, client_ip: &str, secret_values: &[&str]) -> Outcome {
        self.decision(client_ip, secret_values).outcome
    }

    /// [`ViewerData::decide`] with the reason an adapter logs. Every rejection is the same 403;
    /// only the reason says which check failed (the address first, then the secret).
    pub fn decision(&self, client_ip: &str, secret_values: &[&str]) -> Decision {
        if !self.ranges.is_allowed(client_ip) {
            return forbidden(Reason::NotFromCloudflare);
        }
        let Some(secrets) = &self.secrets else {
            return forbidden(Reason::SecretsNotLoaded);
        };
        match secret_values {
            [] => forbidden(Reason::SecretMissing),
            [value] if secrets.admits(value) => Decision::new(
                Outcome::Forward(vec![HeaderEdit::Remove {
                    name: self.header.clone(),
                }]),
                Reason::FromCloudflareWithSecret,
            ),
            [_] => forbidden(Reason::SecretWrong),
            _ => forbidden(Reason::SecretRepeated),
        }
    }
}

/// [`ViewerData`] kept current by a [`RefreshCycle`]: the whole KVS-mode core of the bundle.
/// The adapter fetches the keys it is given and hands the answers back; the clock is the
/// adapter's (milliseconds since the epoch).
#[derive(Debug, Clone)]
pub struct KvsViewer {
    data: ViewerData,
    cycle: RefreshCycle,
}

impl KvsViewer {
    /// The filter for `config` (which must have `kvsArn`), before any fetch.
    pub fn new(config: &Config) -> Result<Self, ConfigError> {
        let kvs = config.kvs()?.ok_or(ConfigError::KvsUnsupported)?;
        Ok(Self {
            data: ViewerData::new(config, kvs.secret_header())?,
            cycle: RefreshCycle::new(kvs.refresh_seconds()),
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
                self.cycle.finish(now_ms, false);
                None
            }
            Progress::Done { items, .. } => {
                let report = self.data.update(&items);
                self.cycle.finish(now_ms, report.all_applied());
                None
            }
        }
    }

    /// Ends a refresh that could not go on (e.g. no credentials to sign with): the data stays,
    /// the next request after the back-off tries again.
    pub fn refresh_abandon(&mut self, now_ms: u64) {
        self.cycle.receive(Vec::new());
        self.cycle.finish(now_ms, false);
    }

    /// The data requests are judged on.
    pub fn data(&self) -> &ViewerData {
        &self.data
    }
}

#[cfg(test)]
#[path = "kvs_viewer_tests.rs"]
mod tests;
