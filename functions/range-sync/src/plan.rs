//! The pure core of a run: the store as read, Cloudflare's answer and the secret's SecretStrings
//! in; "nothing to do", one all-or-nothing batch of puts and deletes, and the failure of each part
//! out.
//!
//! The two parts are planned **independently**: the ranges ([`crate::plan_ranges`]: the guards
//! against the compiled snapshot and the last good list) and `origin-secrets` (the hashes of
//! AWSCURRENT's secrets and AWSPENDING's, [`crate::secret_string`]). A part that cannot be
//! planned (Cloudflare's list refused or unreachable, the secret malformed or unreadable) is left
//! as the store holds it and reported with its own reason; the other part is still written, so
//! revoking a secret never waits on Cloudflare's list. `origin-secrets` is rewritten only when
//! its value differs. Other keys of the store are never touched.

use std::collections::BTreeMap;
use std::fmt;

use cloudflare_ranges::ParseError;
use cloudflare_ranges::refresh::RefreshError;
use ip_filter_core::kvs_layout::{LayoutError, ORIGIN_SECRETS_KEY, RANGES_KEY_PREFIX};

use crate::plan_ranges::plan_ranges;
use crate::secret_string::{SecretStringError, SecretStrings};

/// The store's layout keys as read, and the ETag they were read under.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreState {
    /// The store's ETag (DescribeKeyValueStore) before the keys were listed.
    pub etag: String,
    /// `ranges:*` and `origin-secrets`, by key.
    pub items: BTreeMap<String, String>,
}

/// Whether a key belongs to the layout this Lambda writes.
pub fn is_layout_key(key: &str) -> bool {
    key.starts_with(RANGES_KEY_PREFIX) || key == ORIGIN_SECRETS_KEY
}

/// Cloudflare's answer as fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Cloudflare's answer to `GET /client/v4/ips`.
    pub answer: String,
    /// The URL it came from.
    pub source: String,
    /// When it was fetched (UTC, RFC 3339).
    pub fetched_at: String,
    /// Accept a list that breaks a size guard (never one that breaks a rule).
    pub force: bool,
}

/// What the run knows of the ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangesInput {
    /// Cloudflare answered: plan the ranges from it.
    Fetched(Fetched),
    /// The list could not be had (fetch failed): the ranges stay, the run fails with this.
    Unavailable(PartFailure),
    /// Not this writer's business (the rotation Lambda writes the secrets only).
    Untouched,
}

/// What one run was given besides the store.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The ranges' input.
    pub ranges: RangesInput,
    /// The secret's SecretStrings, or why they could not be read.
    pub secrets: Result<SecretStrings, PartFailure>,
}

/// Where the last good list came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastGood {
    /// The store's ranges decoded.
    Store,
    /// They did not (missing, parts of two updates, …): the compiled snapshot.
    Compiled,
}

/// The batch that brings the store up to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The ETag the batch must be applied to (`If-Match`).
    pub if_match: String,
    /// Keys and values to put.
    pub puts: Vec<(String, String)>,
    /// Keys to delete (stale ranges parts).
    pub deletes: Vec<String>,
}

/// Why one part (ranges or secrets) is not written: a named reason and its message (never a
/// secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartFailure {
    /// A short, stable name for logs and alarms.
    pub reason: &'static str,
    /// What went wrong.
    pub message: String,
    /// A refusal of the input (true) or a failed call (false).
    pub refused: bool,
}

impl PartFailure {
    /// A failed call (fetch, Secrets Manager).
    pub fn failed(reason: &'static str, message: String) -> Self {
        Self {
            reason,
            message,
            refused: false,
        }
    }

    /// The named reason.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for PartFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<Refusal> for PartFailure {
    fn from(refusal: Refusal) -> Self {
        Self {
            reason: refusal.reason(),
            message: refusal.to_string(),
            refused: true,
        }
    }
}

/// What a run should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// `None` when the store is already up to date (or no part could be planned).
    pub batch: Option<Batch>,
    /// Whether the ranges are (re)written.
    pub ranges_changed: bool,
    /// Whether `origin-secrets` is (re)written.
    pub secrets_changed: bool,
    /// Where the last good list came from, when the ranges were planned.
    pub last_good: Option<LastGood>,
    /// CIDRs in the list the store holds after the batch, when the ranges were planned.
    pub ranges: Option<usize>,
    /// Cloudflare's etag of the answer, if it sent one.
    pub cloudflare_etag: Option<String>,
    /// Why the ranges are not written, if they are not.
    pub ranges_failure: Option<PartFailure>,
    /// Why `origin-secrets` is not written, if it is not.
    pub secrets_failure: Option<PartFailure>,
}

/// Why a part is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Cloudflare's answer fails validation or a guard.
    #[error("Cloudflare's answer is refused: {0}")]
    Ranges(#[from] RefreshError),
    /// The SecretString is malformed.
    #[error("the origin secret is refused: {0}")]
    Secret(#[from] SecretStringError),
    /// The list does not fit the layout.
    #[error("the ranges do not fit the KVS layout: {0}")]
    Layout(#[from] LayoutError),
    /// `ranges:meta` would not fit one value (an absurdly long source or etag).
    #[error("ranges:meta would be {0} bytes, over the value limit")]
    MetaTooLarge(usize),
    /// The compiled snapshot itself does not validate (a broken build).
    #[error("the compiled snapshot is invalid: {0}")]
    Snapshot(ParseError),
}

impl Refusal {
    /// A short, stable name for logs and alarms.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Ranges(RefreshError::Invalid(_)) => "invalid-answer",
            Self::Ranges(RefreshError::Shrink { .. }) => "shrink-guard",
            Self::Ranges(RefreshError::Growth { .. }) => "growth-guard",
            Self::Ranges(RefreshError::Replaced { .. }) => "replacement-guard",
            Self::Ranges(RefreshError::Provenance(_)) => "invalid-provenance",
            Self::Secret(_) => "malformed-secret",
            Self::Layout(_) | Self::MetaTooLarge(_) => "layout",
            Self::Snapshot(_) => "compiled-snapshot",
        }
    }
}

/// Plans one run: each part on its own, one batch of what could be planned.
pub fn plan(store: &StoreState, inputs: &Inputs) -> Plan {
    let mut wanted: Vec<(String, String)> = Vec::new();
    let mut deletes: Vec<String> = Vec::new();
    let mut out = Plan {
        batch: None,
        ranges_changed: false,
        secrets_changed: false,
        last_good: None,
        ranges: None,
        cloudflare_etag: None,
        ranges_failure: None,
        secrets_failure: None,
    };
    match &inputs.ranges {
        RangesInput::Untouched => {}
        RangesInput::Unavailable(failure) => out.ranges_failure = Some(failure.clone()),
        RangesInput::Fetched(fetched) => match plan_ranges(store, fetched) {
            Ok(ranges) => {
                deletes = store
                    .items
                    .keys()
                    .filter(|key| {
                        is_ranges_part(key) && !ranges.wanted.iter().any(|(k, _)| k == *key)
                    })
                    .cloned()
                    .collect();
                wanted = ranges.wanted;
                out.last_good = Some(ranges.last_good);
                out.ranges = Some(ranges.count);
                out.cloudflare_etag = ranges.cloudflare_etag;
            }
            Err(refusal) => out.ranges_failure = Some(refusal.into()),
        },
    }
    match &inputs.secrets {
        Err(failure) => out.secrets_failure = Some(failure.clone()),
        Ok(secrets) => match secrets.origin_secrets_value() {
            Ok(value) => wanted.push((ORIGIN_SECRETS_KEY.to_owned(), value)),
            Err(e) => out.secrets_failure = Some(Refusal::from(e).into()),
        },
    }

    let puts: Vec<(String, String)> = wanted
        .into_iter()
        .filter(|(key, value)| store.items.get(key) != Some(value))
        .collect();
    out.secrets_changed = puts.iter().any(|(k, _)| k == ORIGIN_SECRETS_KEY);
    out.ranges_changed =
        !deletes.is_empty() || puts.iter().any(|(k, _)| k.starts_with(RANGES_KEY_PREFIX));
    out.batch = (!puts.is_empty() || !deletes.is_empty()).then(|| Batch {
        if_match: store.etag.clone(),
        puts,
        deletes,
    });
    out
}

/// `ranges:<digits>` (not `ranges:meta`).
pub(crate) fn is_ranges_part(key: &str) -> bool {
    key.strip_prefix(RANGES_KEY_PREFIX)
        .is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "plan_parts_tests.rs"]
mod parts_tests;
