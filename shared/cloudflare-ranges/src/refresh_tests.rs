use super::*;

const SOURCE: &str = "https://api.cloudflare.com/client/v4/ips";

/// A refresh of `old` as `cargo xtask cloudflare-ips` does it: the file is both baselines.
fn plan_once(
    old: &Snapshot,
    body: &str,
    source: &str,
    date: &str,
    force: bool,
) -> Result<Refresh, RefreshError> {
    plan(old, old, body, source, date, force)
}

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
    let r = plan_once(&old(15, 7), &answer(15, 7), SOURCE, "2026-12-01", false).unwrap();
    assert!(r.diff.is_empty());
    assert_eq!(r.diff.to_string(), "no change in the ranges\n");
    assert_eq!(r.snapshot.etag.as_deref(), Some("e2"));
    assert_eq!(r.snapshot.date, "2026-12-01");
    assert_eq!(r.snapshot.note, None);
}

#[test]
fn growth_is_listed_in_the_diff() {
    let r = plan_once(&old(15, 7), &answer(16, 7), SOURCE, "d", false).unwrap();
    assert_eq!(r.diff.added_v4, ["45.15.0.0/16"]);
    assert_eq!(r.diff.to_string(), "+ 45.15.0.0/16\n");
}

#[test]
fn shrink_of_a_third_is_allowed_more_is_not() {
    // 12 → 8 is exactly a third: allowed. 12 → 7 is more: refused (before the five entries
    // lost trip the replacement guard).
    let r = plan_once(&old(12, 7), &answer(8, 7), SOURCE, "d", false).unwrap();
    assert_eq!(r.diff.removed_v4.len(), 4);
    assert_eq!(
        plan_once(&old(12, 7), &answer(7, 7), SOURCE, "d", false),
        Err(RefreshError::Shrink {
            family: "IPv4",
            baseline: Baseline::Reviewed,
            before: 12,
            after: 7
        })
    );
    // 6 → 4 is a third; 6 → 3 is more.
    assert!(plan_once(&old(15, 6), &answer(15, 4), SOURCE, "d", false).is_ok());
    assert!(matches!(
        plan_once(&old(15, 6), &answer(15, 3), SOURCE, "d", false),
        Err(RefreshError::Shrink { family: "IPv6", .. })
    ));
}

#[test]
fn force_accepts_a_big_shrink_but_not_an_invalid_answer() {
    assert!(plan_once(&old(15, 7), &answer(1, 1), SOURCE, "d", true).is_ok());
    assert!(matches!(
        plan_once(&old(15, 7), &answer(0, 1), SOURCE, "d", true),
        Err(RefreshError::Invalid(ParseError::Empty("IPv4")))
    ));
}

#[test]
fn ipv4_growth_to_double_is_allowed_more_is_not() {
    assert!(plan_once(&old(4, 7), &answer(8, 7), SOURCE, "d", false).is_ok());
    assert_eq!(
        plan_once(&old(4, 7), &answer(9, 7), SOURCE, "d", false),
        Err(RefreshError::Growth {
            family: "IPv4",
            baseline: Baseline::Reviewed,
            before: 4 << 16,
            after: 9 << 16
        })
    );
}

#[test]
fn ipv6_growth_beyond_double_is_refused() {
    assert!(matches!(
        plan_once(&old(15, 2), &answer(15, 5), SOURCE, "d", false),
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
        plan_once(&old(5, 7), &body, SOURCE, "d", false),
        Err(RefreshError::Growth { family: "IPv4", .. })
    ));
}

#[test]
fn force_accepts_a_big_growth() {
    assert!(plan_once(&old(4, 2), &answer(15, 7), SOURCE, "d", true).is_ok());
}

#[test]
fn force_does_not_override_the_range_rules() {
    let mut v4 = old(15, 7).ipv4_cidrs;
    v4.push("0.0.0.0/0".into());
    let body = answer_with(&v4, &old(15, 7).ipv6_cidrs, "e2");
    assert!(matches!(
        plan_once(&old(15, 7), &body, SOURCE, "d", true),
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
        plan_once(&s, &body, SOURCE, "d", true),
        Err(RefreshError::Provenance(
            ProvenanceError::NotPrintableAscii {
                field: "etag",
                found: '\u{2028}'
            }
        ))
    ));
}

/// `old(15, 7)` with its first `n` IPv4 entries swapped for /16s of the same size elsewhere
/// (46.0.0.0/8, ordinary unicast): the address counts and the entry counts stay the same.
fn swapped(n: usize) -> Snapshot {
    let mut s = old(15, 7);
    for (i, cidr) in s.ipv4_cidrs.iter_mut().take(n).enumerate() {
        *cidr = format!("46.{i}.0.0/16");
    }
    s
}

fn body_of(s: &Snapshot) -> String {
    answer_with(&s.ipv4_cidrs, &s.ipv6_cidrs, "e2")
}

#[test]
fn replacing_up_to_four_entries_is_allowed_more_is_not() {
    let reviewed = old(15, 7);
    let r = plan_once(
        &reviewed,
        &body_of(&swapped(MAX_REPLACED_ENTRIES)),
        SOURCE,
        "d",
        false,
    )
    .unwrap();
    assert_eq!(r.diff.added_v4.len(), MAX_REPLACED_ENTRIES);
    assert_eq!(
        plan_once(
            &reviewed,
            &body_of(&swapped(MAX_REPLACED_ENTRIES + 1)),
            SOURCE,
            "d",
            false
        )
        .map(|_| ()),
        Err(RefreshError::Replaced {
            baseline: Baseline::Reviewed,
            added: MAX_REPLACED_ENTRIES + 1,
            removed: MAX_REPLACED_ENTRIES + 1
        })
    );
}

#[test]
fn a_list_with_every_range_swapped_needs_force() {
    // Same sizes, same counts: only the replacement guard sees it.
    let reviewed = old(15, 7);
    let all = body_of(&swapped(15));
    let e = plan_once(&reviewed, &all, SOURCE, "d", false).unwrap_err();
    assert_eq!(
        e,
        RefreshError::Replaced {
            baseline: Baseline::Reviewed,
            added: 15,
            removed: 15
        }
    );
    assert!(
        e.to_string()
            .contains("gain 15 and lose 15 entries against the reviewed snapshot")
    );
    let forced = plan_once(&reviewed, &all, SOURCE, "d", true).unwrap();
    assert_eq!(forced.diff.removed_v4.len(), 15);
}

#[test]
fn many_small_added_blocks_need_force_though_the_addresses_barely_grow() {
    let reviewed = old(15, 7);
    let mut padded = reviewed.clone();
    padded
        .ipv4_cidrs
        .extend((0..5).map(|i| format!("46.0.{i}.0/24")));
    assert!(matches!(
        plan_once(&reviewed, &body_of(&padded), SOURCE, "d", false),
        Err(RefreshError::Replaced {
            added: 5,
            removed: 0,
            ..
        })
    ));
}

/// The reviewed snapshot of the run-over-run scenarios: four /16s, so one /14 doubles it.
fn four_16s() -> Snapshot {
    old(4, 7)
}

fn with_v4(base: &Snapshot, extra: &[&str]) -> Snapshot {
    let mut s = base.clone();
    s.ipv4_cidrs.extend(extra.iter().map(|c| (*c).to_owned()));
    s
}

#[test]
fn nine_doubling_runs_stop_at_the_cumulative_limit() {
    // Each run answers the last accepted list with as many addresses again in one block: each
    // step doubles, which the run-over-run guard alone lets through every time.
    let reviewed = four_16s();
    let mut last = reviewed.clone();
    let mut accepted = 0;
    for run in 1..=9 {
        let block = if last == reviewed {
            "46.0.0.0/14"
        } else {
            "46.8.0.0/13"
        };
        let answer = with_v4(&last, &[block]);
        assert_eq!(
            check(Baseline::Last, &last, &answer),
            Ok(()),
            "run {run} only doubles the last list"
        );
        match plan(&reviewed, &last, &body_of(&answer), SOURCE, "d", false) {
            Ok(r) => {
                accepted += 1;
                last = r.snapshot;
            }
            Err(e) => assert_eq!(
                e,
                RefreshError::Growth {
                    family: "IPv4",
                    baseline: Baseline::Reviewed,
                    before: 4 << 16,
                    after: 16 << 16
                },
                "run {run}"
            ),
        }
    }
    // Run 1 reaches MAX_GROWTH_FACTOR times the reviewed space; every later run would cross it.
    assert_eq!(accepted, 1);
    let space = crate::rules::AddressSpace::of(&last.nets().unwrap());
    assert_eq!(space.v4, MAX_GROWTH_FACTOR * (4 << 16));
}

#[test]
fn the_genuine_list_after_a_forced_bad_run_is_accepted() {
    // A bad list forced into place (every range swapped, twice the entries); the next run gets
    // the genuine list back. Against the last list it shrinks by half and swaps everything.
    let reviewed = old(15, 7);
    let mut bad = swapped(15);
    bad.ipv4_cidrs
        .extend((0..15).map(|i| format!("47.{i}.0.0/16")));
    let genuine = body_of(&reviewed);
    assert!(matches!(
        check(Baseline::Last, &bad, &reviewed),
        Err(RefreshError::Shrink { .. })
    ));
    let r = plan(&reviewed, &bad, &genuine, SOURCE, "d", false).unwrap();
    assert_eq!(r.snapshot.ipv4_cidrs, reviewed.ipv4_cidrs);
    // Nearer the reviewed list than the bad one, though not the same: accepted too.
    let near = body_of(&swapped(1));
    assert!(plan(&reviewed, &bad, &near, SOURCE, "d", false).is_ok());
}

#[test]
fn an_unchanged_list_is_not_judged_again() {
    // What force put in place stays without force, as long as the answer is the same.
    let reviewed = old(15, 7);
    let forced = swapped(15);
    let r = plan(&reviewed, &forced, &body_of(&forced), SOURCE, "d", false).unwrap();
    assert!(r.diff.is_empty());
}

#[test]
fn a_step_away_from_the_reviewed_list_is_still_held_to_the_last_one() {
    // Reviewed: fifteen /16s. Last: four of them gone (within every limit). Answer: those four
    // still gone and three /14s added: within the limits of the reviewed list (23 /16s' worth,
    // under twice 15; three gained, four lost) but more than twice the last list's 11.
    let reviewed = old(15, 7);
    let mut last = reviewed.clone();
    last.ipv4_cidrs.truncate(11);
    let answer = with_v4(&last, &["46.0.0.0/14", "46.4.0.0/14", "46.8.0.0/14"]);
    assert_eq!(check(Baseline::Reviewed, &reviewed, &answer), Ok(()));
    assert_eq!(
        plan(&reviewed, &last, &body_of(&answer), SOURCE, "d", false).map(|_| ()),
        Err(RefreshError::Growth {
            family: "IPv4",
            baseline: Baseline::Last,
            before: 11 << 16,
            after: 23 << 16
        })
    );
}
