//! The ranges part of a plan (pure): the keys `ranges:*` and `ranges:meta` should hold.
//!
//! - The **last good list** is the store's ranges when they decode ([`kvs_layout::decode_ranges`]),
//!   else the compiled snapshot. Cloudflare's answer is validated by
//!   [`cloudflare_ranges::refresh::plan`], as `cargo xtask cloudflare-ips` does: the range rules,
//!   and the size guards against the compiled snapshot (the reviewed list: a cumulative limit
//!   that runs cannot add up past) and against the last good list (unless the answer is nearer
//!   the compiled snapshot than that list is, so a poisoned store never locks the genuine list
//!   out); `force` lifts only the guards.
//! - The ranges are rewritten (`ranges:*` and `ranges:meta`) only when the list changed (order
//!   aside) or the store's ranges did not decode. Parts `ranges:<i>` the new list does not use
//!   are deleted in the same batch ([`crate::plan`]).

use cloudflare_ranges::Snapshot;
use cloudflare_ranges::refresh::{self, RefreshError};
use ip_filter_core::kvs_layout::{self, MAX_VALUE_BYTES, RANGES_META_KEY};
use ipnet::IpNet;

use crate::plan::{Fetched, LastGood, Refusal, StoreState};

/// The ranges' wanted keys and what they say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangesPart {
    /// `ranges:<i>` (and `ranges:meta` when the list is rewritten) with their values.
    pub wanted: Vec<(String, String)>,
    /// Where the last good list came from.
    pub last_good: LastGood,
    /// CIDRs in the list.
    pub count: usize,
    /// Cloudflare's etag of the answer, if it sent one.
    pub cloudflare_etag: Option<String>,
}

/// Plans the ranges from Cloudflare's answer.
pub fn plan_ranges(store: &StoreState, fetched: &Fetched) -> Result<RangesPart, Refusal> {
    let reviewed = Snapshot::bundled()
        .and_then(|s| s.nets())
        .map_err(Refusal::Snapshot)?;
    let stored = kvs_layout::decode_ranges(|key| store.items.get(key).cloned());
    let (last_good, old_nets) = match stored {
        Ok(nets) => (LastGood::Store, nets),
        Err(_) => (LastGood::Compiled, reviewed.clone()),
    };
    let old = snapshot_of(&old_nets);
    let date = fetched.fetched_at.get(..10).unwrap_or(&fetched.fetched_at);
    let refreshed = refresh::plan(
        &snapshot_of(&reviewed),
        &old,
        &fetched.answer,
        &fetched.source,
        date,
        fetched.force,
    )?;

    let rewrite = last_good == LastGood::Compiled || !refreshed.diff.is_empty();
    let nets = if rewrite {
        refreshed.snapshot.nets().map_err(RefreshError::from)?
    } else {
        old_nets
    };
    let mut wanted = kvs_layout::encode_ranges(&nets)?;
    if rewrite {
        let meta = meta_value(&refreshed.snapshot, &fetched.fetched_at, nets.len());
        if meta.len() > MAX_VALUE_BYTES {
            return Err(Refusal::MetaTooLarge(meta.len()));
        }
        wanted.push((RANGES_META_KEY.to_owned(), meta));
    }
    Ok(RangesPart {
        wanted,
        last_good,
        count: nets.len(),
        cloudflare_etag: refreshed.snapshot.etag.clone(),
    })
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
