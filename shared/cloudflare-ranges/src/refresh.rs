//! Refreshing a range list from Cloudflare's API: validation ([`crate::rules`], provenance), the
//! size guards ([`crate::guards`]) against the reviewed snapshot and the last list, and the diff.
//! Pure: the fetch and the write live in `cargo xtask cloudflare-ips` and the range-sync Lambda.

use std::fmt;

pub use crate::guards::{Baseline, MAX_GROWTH_FACTOR, MAX_REPLACED_ENTRIES};
use crate::guards::{check, distance};
use crate::parse::{ApiRanges, ParseError, parse_api_response};
use crate::provenance::{ProvenanceError, check_field};
use crate::snapshot::Snapshot;

/// A refresh that must not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefreshError {
    /// The answer is not a valid, successful `/client/v4/ips` response.
    #[error(transparent)]
    Invalid(#[from] ParseError),
    /// A list lost more than a third of its entries against `baseline`: more likely a broken
    /// answer than Cloudflare giving up address space; `--force` writes it anyway.
    #[error(
        "the {family} list would shrink from {before} to {after} entries (more than a third) \
         against {baseline}; check the answer and rerun with --force if it is right"
    )]
    Shrink {
        /// `IPv4` or `IPv6`.
        family: &'static str,
        /// What the answer was compared with.
        baseline: Baseline,
        /// Entries in the baseline.
        before: usize,
        /// Entries in the answer.
        after: usize,
    },
    /// A family would cover more than [`MAX_GROWTH_FACTOR`] times the addresses of `baseline`:
    /// more likely a poisoned answer than Cloudflare doubling its network; `--force` writes it.
    #[error(
        "the {family} ranges would grow from {before} to {after} addresses (more than \
         {MAX_GROWTH_FACTOR} times) against {baseline}; check the answer and rerun with --force \
         if it is right"
    )]
    Growth {
        /// `IPv4` or `IPv6`.
        family: &'static str,
        /// What the answer was compared with.
        baseline: Baseline,
        /// Addresses in the baseline.
        before: u128,
        /// Addresses in the answer.
        after: u128,
    },
    /// The answer gains or loses more than [`MAX_REPLACED_ENTRIES`] entries against `baseline`
    /// (a list whose ranges were swapped for other blocks, or padded with small ones);
    /// `--force` writes it.
    #[error(
        "the lists would gain {added} and lose {removed} entries against {baseline} (more than \
         {MAX_REPLACED_ENTRIES} either way); check the answer and rerun with --force if it is right"
    )]
    Replaced {
        /// What the answer was compared with.
        baseline: Baseline,
        /// Entries in the answer only.
        added: usize,
        /// Entries in the baseline only.
        removed: usize,
    },
    /// The etag or source is not fit to be written into generated code.
    #[error(transparent)]
    Provenance(#[from] ProvenanceError),
}

/// What changed between two snapshots, per family.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// IPv4 CIDRs in the new list only.
    pub added_v4: Vec<String>,
    /// IPv4 CIDRs in the old list only.
    pub removed_v4: Vec<String>,
    /// IPv6 CIDRs in the new list only.
    pub added_v6: Vec<String>,
    /// IPv6 CIDRs in the old list only.
    pub removed_v6: Vec<String>,
}

impl Diff {
    /// The difference from `old` to `new`.
    pub fn between(old: &Snapshot, new: &Snapshot) -> Self {
        let only = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|c| !b.contains(c)).cloned().collect()
        };
        Self {
            added_v4: only(&new.ipv4_cidrs, &old.ipv4_cidrs),
            removed_v4: only(&old.ipv4_cidrs, &new.ipv4_cidrs),
            added_v6: only(&new.ipv6_cidrs, &old.ipv6_cidrs),
            removed_v6: only(&old.ipv6_cidrs, &new.ipv6_cidrs),
        }
    }

    /// Whether the range lists are the same (order aside).
    pub fn is_empty(&self) -> bool {
        self.added_v4.is_empty()
            && self.removed_v4.is_empty()
            && self.added_v6.is_empty()
            && self.removed_v6.is_empty()
    }
}

impl fmt::Display for Diff {
    /// One line per change, `+ cidr` or `- cidr`; `no change` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "no change in the ranges");
        }
        for c in self.removed_v4.iter().chain(&self.removed_v6) {
            writeln!(f, "- {c}")?;
        }
        for c in self.added_v4.iter().chain(&self.added_v6) {
            writeln!(f, "+ {c}")?;
        }
        Ok(())
    }
}

/// A validated refresh, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refresh {
    /// The new snapshot.
    pub snapshot: Snapshot,
    /// What changed.
    pub diff: Diff,
}

/// Checks an API answer and builds the new snapshot (dated `date`, sourced from `source`).
///
/// Fails on an invalid answer (including one that breaks [`crate::rules`] or carries an etag
/// that is not printable ASCII). Unless `force`, or unless the answer's lists equal `last`'s
/// (order aside: nothing changes, whatever force accepted before), it also fails when a size
/// guard ([`crate::guards::check`]) refuses the answer
///
/// - against `reviewed`, the snapshot compiled into the build: a cumulative limit, so runs that
///   each move a little cannot add up to a large move from what a human last read; and
/// - against `last`, the list in place before this run, unless the answer is nearer `reviewed`
///   than `last` is (in entries gained plus lost): a step back towards the reviewed list is never
///   refused because the last list went astray (a poisoned store must not lock out the genuine
///   list).
///
/// `cargo xtask cloudflare-ips` passes the file it refreshes as both.
///
/// ```
/// use cloudflare_ranges::{Snapshot, refresh::plan};
/// let old = Snapshot::bundled().unwrap();
/// let body = r#"{"result":{"ipv4_cidrs":["173.245.48.0/20"],"ipv6_cidrs":["2400:cb00::/32"],
///   "etag":"e1"},"success":true,"errors":[],"messages":[]}"#;
/// let source = "https://api.cloudflare.com/client/v4/ips";
/// assert!(plan(&old, &old, body, source, "2026-12-01", false).is_err());
/// let r = plan(&old, &old, body, source, "2026-12-01", true).unwrap();
/// assert_eq!(r.snapshot.etag.as_deref(), Some("e1"));
/// ```
pub fn plan(
    reviewed: &Snapshot,
    last: &Snapshot,
    body: &str,
    source: &str,
    date: &str,
    force: bool,
) -> Result<Refresh, RefreshError> {
    let ApiRanges {
        ipv4_cidrs,
        ipv6_cidrs,
        etag,
    } = parse_api_response(body)?;
    check_field("source", source)?;
    check_field("date", date)?;
    if let Some(etag) = &etag {
        check_field("etag", etag)?;
    }
    let snapshot = Snapshot {
        source: source.to_owned(),
        date: date.to_owned(),
        etag,
        note: None,
        ipv4_cidrs,
        ipv6_cidrs,
    };
    // The same rules the generator and the filters apply to the snapshot they embed.
    snapshot.nets()?;
    let diff = Diff::between(last, &snapshot);
    if !force && !diff.is_empty() {
        check(Baseline::Reviewed, reviewed, &snapshot)?;
        if distance(reviewed, &snapshot) >= distance(reviewed, last) {
            check(Baseline::Last, last, &snapshot)?;
        }
    }
    Ok(Refresh { snapshot, diff })
}

#[cfg(test)]
#[path = "refresh_tests.rs"]
mod tests;
