use cloudflare_api::DnsRecord;

use super::*;

const OURS: &str = "oac-kit: proxied ref-1 (managed by CloudFormation)";
const DIST: &str = "d111111abcdef8.cloudfront.net";

fn want(name: &str) -> Wanted {
    Wanted {
        name: name.into(),
        content: DIST.into(),
        proxied: true,
    }
}

fn rec(
    id: &str,
    name: &str,
    kind: &str,
    content: &str,
    proxied: bool,
    comment: Option<&str>,
) -> DnsRecord {
    DnsRecord {
        id: id.into(),
        name: name.into(),
        r#type: kind.into(),
        content: content.into(),
        proxied,
        comment: comment.map(str::to_owned),
        ttl: TTL_AUTO,
    }
}

fn ours(id: &str, name: &str) -> DnsRecord {
    rec(id, name, "CNAME", DIST, true, Some(OURS))
}

#[test]
fn comment_names_the_purpose() {
    assert_eq!(comment("proxied ref-1"), OURS);
}

#[test]
fn nothing_there_creates_a_proxied_cname() {
    let actions = plan(&[want("a.example.com")], &[], &[], OURS, Policy::Exclusive).unwrap();
    let [Action::Create(r)] = actions.as_slice() else {
        panic!("{actions:?}")
    };
    assert_eq!(
        (r.name.as_str(), r.r#type.as_str(), r.content.as_str()),
        ("a.example.com", "CNAME", DIST)
    );
    assert!(r.proxied);
    assert_eq!(r.comment, OURS);
    assert_eq!(r.ttl, TTL_AUTO);
}

#[test]
fn our_record_as_wanted_changes_nothing() {
    let existing = [ours("1", "a.example.com")];
    assert_eq!(
        plan(
            &[want("a.example.com")],
            &[],
            &existing,
            OURS,
            Policy::Exclusive
        )
        .unwrap(),
        []
    );
}

#[test]
fn our_record_pointing_elsewhere_or_unproxied_is_updated_in_place() {
    for existing in [
        rec(
            "1",
            "a.example.com",
            "CNAME",
            "old.cloudfront.net",
            true,
            Some(OURS),
        ),
        rec("1", "a.example.com", "CNAME", DIST, false, Some(OURS)),
    ] {
        let actions = plan(
            &[want("a.example.com")],
            &[],
            &[existing],
            OURS,
            Policy::Exclusive,
        )
        .unwrap();
        assert!(
            matches!(actions.as_slice(), [Action::Update { id, record }] if id == "1" && record.proxied && record.content == DIST),
            "{actions:?}"
        );
    }
}

#[test]
fn a_duplicate_of_ours_is_deleted() {
    let existing = [ours("1", "a.example.com"), ours("2", "a.example.com")];
    let actions = plan(
        &[want("a.example.com")],
        &[],
        &existing,
        OURS,
        Policy::Exclusive,
    )
    .unwrap();
    assert_eq!(
        actions,
        [Action::Delete {
            id: "2".into(),
            name: "a.example.com".into()
        }]
    );
}

#[test]
fn a_record_someone_else_made_is_never_taken_over_and_is_named() {
    for other in [
        rec("9", "a.example.com", "A", "192.0.2.1", true, None),
        rec("9", "a.example.com", "CNAME", DIST, true, Some("mine")),
        rec(
            "9",
            "a.example.com",
            "CNAME",
            DIST,
            true,
            Some("oac-kit: proxied ref-2 (managed by CloudFormation)"),
        ),
    ] {
        let err = plan(
            &[want("b.example.com"), want("a.example.com")],
            &[],
            std::slice::from_ref(&other),
            OURS,
            Policy::Exclusive,
        )
        .unwrap_err();
        assert!(
            err.contains("a.example.com") && err.contains("id 9") && err.contains(&other.r#type),
            "{err}"
        );
    }
}

#[test]
fn a_refusal_plans_nothing_even_for_the_names_before_it() {
    let other = rec("9", "b.example.com", "A", "192.0.2.1", false, None);
    assert!(
        plan(
            &[want("a.example.com"), want("b.example.com")],
            &[],
            &[other],
            OURS,
            Policy::Exclusive
        )
        .is_err()
    );
}

#[test]
fn names_given_up_lose_only_our_records() {
    let existing = [
        ours("1", "a.example.com"),
        ours("2", "old.example.com"),
        rec("3", "old.example.com", "TXT", "v=spf1", false, None),
    ];
    let actions = plan(
        &[want("a.example.com")],
        &["old.example.com".into()],
        &existing,
        OURS,
        Policy::Exclusive,
    )
    .unwrap();
    assert_eq!(
        actions,
        [Action::Delete {
            id: "2".into(),
            name: "old.example.com".into()
        }]
    );
}

#[test]
fn a_name_both_wanted_and_given_up_is_kept() {
    let existing = [ours("1", "a.example.com")];
    assert_eq!(
        plan(
            &[want("a.example.com")],
            &["a.example.com".into()],
            &existing,
            OURS,
            Policy::Exclusive
        )
        .unwrap(),
        []
    );
}

#[test]
fn names_compare_without_case_or_trailing_dot() {
    let existing = [ours("1", "A.Example.com.")];
    assert_eq!(
        plan(
            &[want("a.example.com")],
            &[],
            &existing,
            OURS,
            Policy::Exclusive
        )
        .unwrap(),
        []
    );
}

const VAL: &str = "oac-kit: acm-validation cert-b (managed by CloudFormation)";
const PREFIX: &str = "oac-kit: acm-validation ";

fn validation() -> Wanted {
    Wanted {
        name: "_x1.a.example.com".into(),
        content: "_y1.acm-validations.aws".into(),
        proxied: false,
    }
}

#[test]
fn validation_records_are_dns_only() {
    let actions = plan(
        &[validation()],
        &[],
        &[],
        VAL,
        Policy::Validation {
            adopt_prefix: PREFIX,
        },
    )
    .unwrap();
    assert!(matches!(actions.as_slice(), [Action::Create(r)] if !r.proxied && r.comment == VAL));
}

#[test]
fn a_users_identical_validation_record_is_left_alone() {
    let theirs = rec(
        "7",
        "_x1.a.example.com",
        "CNAME",
        "_y1.acm-validations.aws.",
        false,
        None,
    );
    let policy = Policy::Validation {
        adopt_prefix: PREFIX,
    };
    assert_eq!(
        plan(
            &[validation()],
            &[],
            std::slice::from_ref(&theirs),
            VAL,
            policy
        )
        .unwrap(),
        []
    );
    // ... and never deleted as ours.
    assert_eq!(
        plan(&[], &["_x1.a.example.com".into()], &[theirs], VAL, policy).unwrap(),
        []
    );
}

#[test]
fn another_oac_kit_certificates_identical_record_is_adopted() {
    let sibling = rec(
        "7",
        "_x1.a.example.com",
        "CNAME",
        "_y1.acm-validations.aws",
        false,
        Some("oac-kit: acm-validation cert-a (managed by CloudFormation)"),
    );
    let actions = plan(
        &[validation()],
        &[],
        &[sibling],
        VAL,
        Policy::Validation {
            adopt_prefix: PREFIX,
        },
    )
    .unwrap();
    assert!(
        matches!(actions.as_slice(), [Action::Update { id, record }] if id == "7" && record.comment == VAL),
        "{actions:?}"
    );
}

#[test]
fn a_different_validation_record_not_ours_refuses() {
    let theirs = rec(
        "7",
        "_x1.a.example.com",
        "CNAME",
        "_other.acm-validations.aws",
        false,
        None,
    );
    let err = plan(
        &[validation()],
        &[],
        &[theirs],
        VAL,
        Policy::Validation {
            adopt_prefix: PREFIX,
        },
    )
    .unwrap_err();
    assert!(
        err.contains("_x1.a.example.com") && err.contains("id 7"),
        "{err}"
    );
}
