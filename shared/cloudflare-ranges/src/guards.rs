//! The size guards of a refresh: how far a new range list may move from a baseline without
//! `force` (`--force` for `cargo xtask cloudflare-ips`, `FORCE_LARGE_CHANGE` for the range-sync
//! Lambda). Unlike the range rules ([`crate::rules`]), which no flag overrides, these catch a list
//! that meets every rule but is more likely broken or poisoned than Cloudflare's.
//!
//! Every guard compares the new list with one [`Baseline`]: the **reviewed** snapshot (the
//! `ranges.json` compiled into the build, read by a human in its diff) and the **last** list (what
//! the store or the file held before this run). [`crate::refresh::plan`] decides which baselines
//! apply; this module only measures.

use std::fmt;

use crate::refresh::{Diff, RefreshError};
use crate::rules::AddressSpace;
use crate::snapshot::Snapshot;

/// How many times the addresses of a family may multiply without `force`, against each baseline.
/// Cloudflare's largest blocks (an IPv4 /13 is a third of today's IPv4 space, an IPv6 /29 eight
/// fourteenths of today's IPv6 space) fit; against the reviewed snapshot it is a cumulative limit:
/// runs that each double the space stop at twice what a human last read, however many there are.
pub const MAX_GROWTH_FACTOR: u128 = 2;

/// How many entries (both families together) a list may gain, or lose, against a baseline
/// without `force`. A realistic change of Cloudflare's (the recorded `good-changed.json`: one IPv4
/// range swapped, one IPv6 range added) gains two and loses one; four leaves room for two such
/// changes between refreshes of the reviewed snapshot. A list that swaps its ranges for other
/// blocks of the same sizes, or adds many small blocks (which the address count barely sees, and
/// one of which an attacker's own /24 can be), needs a human.
pub const MAX_REPLACED_ENTRIES: usize = 4;

/// What a new list is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// The snapshot compiled into the build (`ranges.json`, reviewed in its diff).
    Reviewed,
    /// The list in place before this run (the store's, or the file being refreshed).
    Last,
}

impl fmt::Display for Baseline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Reviewed => "the reviewed snapshot",
            Self::Last => "the last list",
        })
    }
}

/// Checks `new` against `old` taken as `baseline`: no list losing more than a third of its
/// entries, no family's address count more than [`MAX_GROWTH_FACTOR`] times, no more than
/// [`MAX_REPLACED_ENTRIES`] entries gained or lost. Both snapshots must meet the range rules.
pub fn check(baseline: Baseline, old: &Snapshot, new: &Snapshot) -> Result<(), RefreshError> {
    check_shrink(baseline, old, new)?;
    check_growth(
        baseline,
        &AddressSpace::of(&old.nets()?),
        &AddressSpace::of(&new.nets()?),
    )?;
    check_replaced(baseline, &Diff::between(old, new))
}

/// How far `new` is from `old`: the entries in one list only (both families).
pub fn distance(old: &Snapshot, new: &Snapshot) -> usize {
    let diff = Diff::between(old, new);
    diff.added_v4.len() + diff.removed_v4.len() + diff.added_v6.len() + diff.removed_v6.len()
}

fn check_shrink(baseline: Baseline, old: &Snapshot, new: &Snapshot) -> Result<(), RefreshError> {
    for (family, before, after) in [
        ("IPv4", old.ipv4_cidrs.len(), new.ipv4_cidrs.len()),
        ("IPv6", old.ipv6_cidrs.len(), new.ipv6_cidrs.len()),
    ] {
        if after * 3 < before * 2 {
            return Err(RefreshError::Shrink {
                family,
                baseline,
                before,
                after,
            });
        }
    }
    Ok(())
}

fn check_growth(
    baseline: Baseline,
    old: &AddressSpace,
    new: &AddressSpace,
) -> Result<(), RefreshError> {
    for (family, before, after) in [("IPv4", old.v4, new.v4), ("IPv6", old.v6, new.v6)] {
        if after > before.saturating_mul(MAX_GROWTH_FACTOR) {
            return Err(RefreshError::Growth {
                family,
                baseline,
                before,
                after,
            });
        }
    }
    Ok(())
}

fn check_replaced(baseline: Baseline, diff: &Diff) -> Result<(), RefreshError> {
    let added = diff.added_v4.len() + diff.added_v6.len();
    let removed = diff.removed_v4.len() + diff.removed_v6.len();
    if added > MAX_REPLACED_ENTRIES || removed > MAX_REPLACED_ENTRIES {
        return Err(RefreshError::Replaced {
            baseline,
            added,
            removed,
        });
    }
    Ok(())
}
