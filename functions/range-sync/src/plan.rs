//! The pure core of a run: the store as read, Cloudflare's answer and the SecretString in; "nothing
//! to do", one all-or-nothing batch of puts and deletes, or a refusal with a named reason out.
//!
//! - The **last good list** is the store's ranges when they decode ([`kvs_layout::decode_ranges`]),
//!   else the compiled snapshot. Cloudflare's answer is validated by
//!   [`cloudflare_ranges::refresh::plan`], as `cargo xtask cloudflare-ips` does: the range rules,
//!   and the size guards against the compiled snapshot (the reviewed list: a cumulative limit
//!   that runs cannot add up past) and against the last good list (unless the answer is nearer
//!   the compiled snapshot than that list is, so a poisoned store never locks the genuine list
//!   out); `force` lifts only the guards.
//! - The ranges are rewritten (`ranges:*` and `ranges:meta`) only when the list changed (order
//!   aside) or the store's ranges did not decode; `origin-secrets` only when its value differs.
//!   Parts `ranges:<i>` the new list does not use are deleted in the same batch. Other keys of
//!   the store are never touched.

use std::collections::BTreeMap;

use cloudflare_ranges::refresh::{self, RefreshError};
use cloudflare_ranges::{ParseError, Snapshot};
use ip_filter_core::kvs_layout::{
    self, LayoutError, MAX_VALUE_BYTES, ORIGIN_SECRETS_KEY, RANGES_KEY_PREFIX, RANGES_META_KEY,
};
use ipnet::IpNet;

use crate::secret_string::{SecretStringError, origin_secrets_value};

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

/// What one run was given besides the store.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// Cloudflare's answer to `GET /client/v4/ips`.
    pub answer: &'a str,
    /// The URL it came from.
    pub source: &'a str,
    /// When it was fetched (UTC, RFC 3339).
    pub fetched_at: &'a str,
    /// The Secrets Manager SecretString.
    pub secret_string: &'a str,
    /// Accept a list that breaks a size guard (never one that breaks a rule).
    pub force: bool,
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

/// What a run should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// `None` when the store is already up to date.
    pub batch: Option<Batch>,
    /// Whether the ranges are (re)written.
    pub ranges_changed: bool,
    /// Whether `origin-secrets` is (re)written.
    pub secrets_changed: bool,
    /// Where the last good list came from.
    pub last_good: LastGood,
    /// CIDRs in the list the store holds after the batch.
    pub ranges: usize,
    /// Cloudflare's etag of the answer, if it sent one.
    pub cloudflare_etag: Option<String>,
}

/// Why a run writes nothing.
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

/// Plans one run.
pub fn plan(store: &StoreState, inputs: Inputs<'_>) -> Result<Plan, Refusal> {
    let reviewed = Snapshot::bundled()
        .and_then(|s| s.nets())
        .map_err(Refusal::Snapshot)?;
    let stored = kvs_layout::decode_ranges(|key| store.items.get(key).cloned());
    let (last_good, old_nets) = match stored {
        Ok(nets) => (LastGood::Store, nets),
        Err(_) => (LastGood::Compiled, reviewed.clone()),
    };
    let old = snapshot_of(&old_nets);
    let date = inputs.fetched_at.get(..10).unwrap_or(inputs.fetched_at);
    let refreshed = refresh::plan(
        &snapshot_of(&reviewed),
        &old,
        inputs.answer,
        inputs.source,
        date,
        inputs.force,
    )?;
    let secrets_value = origin_secrets_value(inputs.secret_string)?;

    let ranges_changed = last_good == LastGood::Compiled || !refreshed.diff.is_empty();
    let nets = if ranges_changed {
        refreshed.snapshot.nets().map_err(RefreshError::from)?
    } else {
        old_nets
    };
    let mut wanted = kvs_layout::encode_ranges(&nets)?;
    if ranges_changed {
        let meta = meta_value(&refreshed.snapshot, inputs.fetched_at, nets.len());
        if meta.len() > MAX_VALUE_BYTES {
            return Err(Refusal::MetaTooLarge(meta.len()));
        }
        wanted.push((RANGES_META_KEY.to_owned(), meta));
    }
    wanted.push((ORIGIN_SECRETS_KEY.to_owned(), secrets_value));

    let puts: Vec<(String, String)> = wanted
        .iter()
        .filter(|(key, value)| store.items.get(key) != Some(value))
        .cloned()
        .collect();
    let deletes: Vec<String> = store
        .items
        .keys()
        .filter(|key| is_ranges_part(key) && !wanted.iter().any(|(k, _)| k == *key))
        .cloned()
        .collect();
    let secrets_changed = puts.iter().any(|(k, _)| k == ORIGIN_SECRETS_KEY);
    let ranges_written =
        !deletes.is_empty() || puts.iter().any(|(k, _)| k.starts_with(RANGES_KEY_PREFIX));
    let batch = (!puts.is_empty() || !deletes.is_empty()).then(|| Batch {
        if_match: store.etag.clone(),
        puts,
        deletes,
    });
    Ok(Plan {
        ranges_changed: ranges_written,
        secrets_changed,
        last_good,
        ranges: nets.len(),
        cloudflare_etag: refreshed.snapshot.etag.clone(),
        batch,
    })
}

/// `ranges:<digits>` (not `ranges:meta`).
fn is_ranges_part(key: &str) -> bool {
    key.strip_prefix(RANGES_KEY_PREFIX)
        .is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
}

/// The list as a snapshot, for the guards and the diff (only the lists are compared, as
/// canonical text: the compiled snapshot goes through here too, so both baselines spell a
/// network alike).
fn snapshot_of(nets: &[IpNet]) -> Snapshot {
    let of = |v4: bool| {
        nets.iter()
            .filter(|n| matches!(n, IpNet::V4(_)) == v4)
            .map(ToString::to_string)
            .collect()
    };
    Snapshot {
        source: "kvs".into(),
        date: String::new(),
        etag: None,
        note: None,
        ipv4_cidrs: of(true),
        ipv6_cidrs: of(false),
    }
}

/// `ranges:meta`: where the list came from, for operators.
fn meta_value(snapshot: &Snapshot, fetched_at: &str, count: usize) -> String {
    serde_json::json!({
        "source": snapshot.source,
        "etag": snapshot.etag,
        "fetched": fetched_at,
        "count": count,
    })
    .to_string()
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
