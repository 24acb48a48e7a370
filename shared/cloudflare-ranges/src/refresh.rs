//! Refreshing the snapshot from Cloudflare's API: validation, the shrink guard and the diff.
//! Pure: the fetch and the file write live in `cargo xtask cloudflare-ips`.

use std::fmt;

use crate::parse::{ApiRanges, ParseError, parse_api_response};
use crate::snapshot::Snapshot;

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
/// sourced from `source`). Fails on an invalid answer, or on a shrink of more than a third of
/// either list unless `force`.
///
/// ```
/// use cloudflare_ranges::{Snapshot, refresh::plan};
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
    if !force {
        for (family, before, after) in [
            ("IPv4", old.ipv4_cidrs.len(), ipv4_cidrs.len()),
            ("IPv6", old.ipv6_cidrs.len(), ipv6_cidrs.len()),
        ] {
            if after * 3 < before * 2 {
                return Err(RefreshError::Shrink {
                    family,
                    before,
                    after,
                });
            }
        }
    }
    let snapshot = Snapshot {
        source: source.to_owned(),
        date: date.to_owned(),
        etag,
        note: None,
        ipv4_cidrs,
        ipv6_cidrs,
    };
    let diff = Diff::between(old, &snapshot);
    Ok(Refresh { snapshot, diff })
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
            ipv4_cidrs: (0..v4).map(|i| format!("10.{i}.0.0/16")).collect(),
            ipv6_cidrs: (0..v6).map(|i| format!("2001:db8:{i:x}::/48")).collect(),
        }
    }

    fn answer(v4: usize, v6: usize) -> String {
        let s = old(v4, v6);
        serde_json::json!({
            "result": {"ipv4_cidrs": s.ipv4_cidrs, "ipv6_cidrs": s.ipv6_cidrs, "etag": "e2"},
            "success": true, "errors": [], "messages": []
        })
        .to_string()
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
        assert_eq!(r.diff.added_v4, ["10.15.0.0/16"]);
        assert_eq!(r.diff.to_string(), "+ 10.15.0.0/16\n");
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
}
