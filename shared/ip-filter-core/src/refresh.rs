//! Refreshing the snapshot from Cloudflare's API: validation ([`crate::rules`], provenance), the
//! shrink and growth guards and the diff. Pure: the fetch and the file write live in
//! `cargo xtask cloudflare-ips`.

use std::fmt;

use crate::parse::{ApiRanges, ParseError, parse_api_response};
use crate::provenance::{ProvenanceError, check_field};
use crate::rules::AddressSpace;
use crate::snapshot::Snapshot;

/// How many times the addresses of a family may multiply in one refresh without `force`.
/// Cloudflare's largest blocks (an IPv4 /13 is a third of today's IPv4 space, an IPv6 /29 eight
/// fourteenths of today's IPv6 space) fit; a poisoned answer that passes every other rule can at
/// most double what the filter lets through before someone looks and passes `--force`.
pub const MAX_GROWTH_FACTOR: u128 = 2;

/// A refresh that must not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefreshError {
    /// The answer is not a valid, successful `/client/v4/ips` response.
    #[error(transparent)]
    Invalid(#[from] ParseError),
    /// A list lost more than a third of its entries: more likely a broken answer than Cloudflare
    /// giving up address space; `--force` writes it anyway.
    #[error(
        "the {family} list would shrink from {before} to {after} entries (more than a third); \
         check the answer and rerun with --force if it is right"
    )]
    Shrink {
        /// `IPv4` or `IPv6`.
        family: &'static str,
        /// Entries in the snapshot.
        before: usize,
        /// Entries in the answer.
        after: usize,
    },
    /// A family would cover more than [`MAX_GROWTH_FACTOR`] times the addresses it covers now:
    /// more likely a poisoned answer than Cloudflare doubling its network; `--force` writes it.
    #[error(
        "the {family} ranges would grow from {before} to {after} addresses (more than \
         {MAX_GROWTH_FACTOR} times); check the answer and rerun with --force if it is right"
    )]
    Growth {
        /// `IPv4` or `IPv6`.
        family: &'static str,
        /// Addresses in the snapshot.
        before: u128,
        /// Addresses in the answer.
        after: u128,
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

/// Checks an API answer against the current snapshot and builds the new one (dated `date`,
/// sourced from `source`). Fails on an invalid answer (including one that breaks
/// [`crate::rules`] or carries an etag that is not printable ASCII), or, unless `force`, on a
/// shrink of more than a third of either list or a growth of either family's address space by
/// more than [`MAX_GROWTH_FACTOR`].
///
/// ```
/// use ip_filter_core::{Snapshot, refresh::plan};
/// let old = Snapshot::bundled().unwrap();
/// let body = r#"{"result":{"ipv4_cidrs":["173.245.48.0/20"],"ipv6_cidrs":["2400:cb00::/32"],
///   "etag":"e1"},"success":true,"errors":[],"messages":[]}"#;
/// assert!(plan(&old, body, "https://api.cloudflare.com/client/v4/ips", "2026-12-01", false).is_err());
/// let r = plan(&old, body, "https://api.cloudflare.com/client/v4/ips", "2026-12-01", true).unwrap();
/// assert_eq!(r.snapshot.etag.as_deref(), Some("e1"));
/// ```
pub fn plan(
    old: &Snapshot,
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
    let new_nets = snapshot.nets()?;
    if !force {
        check_shrink(old, &snapshot)?;
        check_growth(
            &AddressSpace::of(&old.nets()?),
            &AddressSpace::of(&new_nets),
        )?;
    }
    let diff = Diff::between(old, &snapshot);
    Ok(Refresh { snapshot, diff })
}

fn check_shrink(old: &Snapshot, new: &Snapshot) -> Result<(), RefreshError> {
    for (family, before, after) in [
        ("IPv4", old.ipv4_cidrs.len(), new.ipv4_cidrs.len()),
        ("IPv6", old.ipv6_cidrs.len(), new.ipv6_cidrs.len()),
    ] {
        if after * 3 < before * 2 {
            return Err(RefreshError::Shrink {
                family,
                before,
                after,
            });
        }
    }
    Ok(())
}

fn check_growth(old: &AddressSpace, new: &AddressSpace) -> Result<(), RefreshError> {
    for (family, before, after) in [("IPv4", old.v4, new.v4), ("IPv6", old.v6, new.v6)] {
        if after > before.saturating_mul(MAX_GROWTH_FACTOR) {
            return Err(RefreshError::Growth {
                family,
                before,
                after,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "https://api.cloudflare.com/client/v4/ips";

    fn old(v4: usize, v6: usize) -> Snapshot {
        Snapshot {
            source: SOURCE.into(),
            date: "2026-01-01".into(),
            etag: None,
            note: Some("n".into()),
            // Ordinary unicast space (RIPE), one /16 or /32 an entry.
            ipv4_cidrs: (0..v4).map(|i| format!("45.{i}.0.0/16")).collect(),
            ipv6_cidrs: (0..v6).map(|i| format!("2a01:{i:x}::/32")).collect(),
        }
    }

    fn answer_with(ipv4: &[String], ipv6: &[String], etag: &str) -> String {
        serde_json::json!({
            "result": {"ipv4_cidrs": ipv4, "ipv6_cidrs": ipv6, "etag": etag},
            "success": true, "errors": [], "messages": []
        })
        .to_string()
    }

    fn answer(v4: usize, v6: usize) -> String {
        let s = old(v4, v6);
        answer_with(&s.ipv4_cidrs, &s.ipv6_cidrs, "e2")
    }

    #[test]
    fn same_lists_no_change_new_etag_and_date() {
        let r = plan(&old(15, 7), &answer(15, 7), SOURCE, "2026-12-01", false).unwrap();
        assert!(r.diff.is_empty());
        assert_eq!(r.diff.to_string(), "no change in the ranges\n");
        assert_eq!(r.snapshot.etag.as_deref(), Some("e2"));
        assert_eq!(r.snapshot.date, "2026-12-01");
        assert_eq!(r.snapshot.note, None);
    }

    #[test]
    fn growth_is_listed_in_the_diff() {
        let r = plan(&old(15, 7), &answer(16, 7), SOURCE, "d", false).unwrap();
        assert_eq!(r.diff.added_v4, ["45.15.0.0/16"]);
        assert_eq!(r.diff.to_string(), "+ 45.15.0.0/16\n");
    }

    #[test]
    fn shrink_of_a_third_is_allowed_more_is_not() {
        // 15 → 10 is exactly a third: allowed. 15 → 9 is more: refused.
        let r = plan(&old(15, 7), &answer(10, 7), SOURCE, "d", false).unwrap();
        assert_eq!(r.diff.removed_v4.len(), 5);
        assert_eq!(
            plan(&old(15, 7), &answer(9, 7), SOURCE, "d", false),
            Err(RefreshError::Shrink {
                family: "IPv4",
                before: 15,
                after: 9
            })
        );
        // 6 → 4 is a third; 6 → 3 is more.
        assert!(plan(&old(15, 6), &answer(15, 4), SOURCE, "d", false).is_ok());
        assert!(matches!(
            plan(&old(15, 6), &answer(15, 3), SOURCE, "d", false),
            Err(RefreshError::Shrink { family: "IPv6", .. })
        ));
    }

    #[test]
    fn force_accepts_a_big_shrink_but_not_an_invalid_answer() {
        assert!(plan(&old(15, 7), &answer(1, 1), SOURCE, "d", true).is_ok());
        assert!(matches!(
            plan(&old(15, 7), &answer(0, 1), SOURCE, "d", true),
            Err(RefreshError::Invalid(ParseError::Empty("IPv4")))
        ));
    }

    #[test]
    fn ipv4_growth_to_double_is_allowed_more_is_not() {
        assert!(plan(&old(4, 7), &answer(8, 7), SOURCE, "d", false).is_ok());
        assert_eq!(
            plan(&old(4, 7), &answer(9, 7), SOURCE, "d", false),
            Err(RefreshError::Growth {
                family: "IPv4",
                before: 4 << 16,
                after: 9 << 16
            })
        );
    }

    #[test]
    fn ipv6_growth_beyond_double_is_refused() {
        assert!(matches!(
            plan(&old(15, 2), &answer(15, 5), SOURCE, "d", false),
            Err(RefreshError::Growth { family: "IPv6", .. })
        ));
    }

    #[test]
    fn growth_counts_addresses_not_entries() {
        // Same number of entries, but one /16 became a /12: 16 times the addresses.
        let mut v4 = old(5, 7).ipv4_cidrs;
        v4[0] = "46.16.0.0/12".into();
        let body = answer_with(&v4, &old(5, 7).ipv6_cidrs, "e2");
        assert!(matches!(
            plan(&old(5, 7), &body, SOURCE, "d", false),
            Err(RefreshError::Growth { family: "IPv4", .. })
        ));
    }

    #[test]
    fn force_accepts_a_big_growth() {
        assert!(plan(&old(4, 2), &answer(15, 7), SOURCE, "d", true).is_ok());
    }

    #[test]
    fn force_does_not_override_the_range_rules() {
        let mut v4 = old(15, 7).ipv4_cidrs;
        v4.push("0.0.0.0/0".into());
        let body = answer_with(&v4, &old(15, 7).ipv6_cidrs, "e2");
        assert!(matches!(
            plan(&old(15, 7), &body, SOURCE, "d", true),
            Err(RefreshError::Invalid(ParseError::Rule(
                crate::rules::RuleError::PrefixTooShort { .. }
            )))
        ));
    }

    #[test]
    fn etag_with_a_line_separator_is_refused() {
        let s = old(15, 7);
        let body = answer_with(
            &s.ipv4_cidrs,
            &s.ipv6_cidrs,
            "e\u{2028}var V4 = [0, 4294967295];",
        );
        assert!(matches!(
            plan(&s, &body, SOURCE, "d", true),
            Err(RefreshError::Provenance(
                ProvenanceError::NotPrintableAscii {
                    field: "etag",
                    found: '\u{2028}'
                }
            ))
        ));
    }
}
