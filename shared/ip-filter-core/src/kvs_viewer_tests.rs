use cloudfront_event::Response;

use super::*;
use crate::kvs_layout::{encode_ranges, ranges_key};
use crate::origin_secret::secrets_value;
use crate::viewer::forbidden_problem;
use cloudflare_ranges::parse_cidr;

const CURRENT: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
const NEXT: &str = "Zp4s9TqX2mVb7nK1cR8wL3yH6gF0dJ5e";
const HEADER: &str = "x-origin-secret";
/// A Cloudflare address of the compiled snapshot.
const CLOUDFLARE: &str = "104.16.0.1";
/// An address no list below contains, except as a KVS range.
const KVS_ONLY: &str = "9.9.9.9";
const ARN: &str = "arn:aws:cloudfront::123456789012:key-value-store/abc";

fn secrets(list: &[&str]) -> (String, String) {
    (ORIGIN_SECRETS_KEY.to_owned(), secrets_value(list).unwrap())
}

fn ranges(cidrs: &[&str]) -> (String, String) {
    let nets: Vec<_> = cidrs.iter().map(|c| parse_cidr(c).unwrap()).collect();
    encode_ranges(&nets).unwrap().remove(0)
}

fn data() -> ViewerData {
    ViewerData::new(&Config::default(), HEADER).unwrap()
}

fn with_current() -> ViewerData {
    let mut d = data();
    assert!(d.update(&[secrets(&[CURRENT])]).secrets.is_ok());
    d
}

fn forwarded(outcome: &Outcome) -> bool {
    match outcome {
        Outcome::Forward(edits) => {
            // These requests carry no Host: x-forwarded-host is removed, never left to the viewer.
            assert_eq!(
                edits,
                &[
                    HeaderEdit::Remove {
                        name: HEADER.into()
                    },
                    HeaderEdit::Remove {
                        name: "x-forwarded-host".into()
                    }
                ]
            );
            true
        }
        Outcome::Respond(r) => {
            assert_eq!(r, &Response::problem(&forbidden_problem()));
            false
        }
    }
}

#[test]
fn before_any_secrets_are_read_nobody_passes() {
    assert!(!forwarded(&data().decide(CLOUDFLARE, &[CURRENT])));
}

#[test]
fn a_request_without_the_secret_header_is_refused() {
    assert!(!forwarded(&with_current().decide(CLOUDFLARE, &[])));
}

#[test]
fn a_wrong_secret_is_refused() {
    assert!(!forwarded(&with_current().decide(CLOUDFLARE, &[NEXT])));
}

#[test]
fn the_secret_header_twice_is_refused() {
    assert!(!forwarded(
        &with_current().decide(CLOUDFLARE, &[CURRENT, CURRENT])
    ));
}

#[test]
fn the_right_secret_from_a_wrong_address_is_refused() {
    assert!(!forwarded(
        &with_current().decide("203.0.113.9", &[CURRENT])
    ));
}

#[test]
fn either_of_two_secrets_passes_with_the_header_removed() {
    let mut d = data();
    d.update(&[secrets(&[CURRENT, NEXT])]);
    assert!(forwarded(&d.decide(CLOUDFLARE, &[CURRENT])));
    assert!(forwarded(&d.decide(CLOUDFLARE, &[NEXT])));
}

#[test]
fn kvs_ranges_replace_the_compiled_ranges() {
    let mut d = with_current();
    let report = d.update(&[ranges(&["9.9.9.0/24"]), secrets(&[CURRENT])]);
    assert!(report.all_applied());
    assert!(forwarded(&d.decide(KVS_ONLY, &[CURRENT])));
    assert!(!forwarded(&d.decide(CLOUDFLARE, &[CURRENT])));
}

#[test]
fn extra_cidrs_are_added_on_top_of_kvs_ranges() {
    let config = Config::with_extra_cidrs(["203.0.113.0/24"]).unwrap();
    let mut d = ViewerData::new(&config, HEADER).unwrap();
    d.update(&[ranges(&["9.9.9.0/24"]), secrets(&[CURRENT])]);
    assert!(forwarded(&d.decide("203.0.113.9", &[CURRENT])));
}

#[test]
fn bad_kvs_ranges_keep_the_compiled_ranges() {
    let mut d = with_current();
    let (key, good) = ranges(&["9.9.9.0/24"]);
    let tampered = good.replace("9.9.9.0/24", "9.9.10.0/24");
    let report = d.update(&[(key, tampered), secrets(&[CURRENT])]);
    assert_eq!(report.ranges, Err(LayoutError::DigestMismatch));
    assert!(forwarded(&d.decide(CLOUDFLARE, &[CURRENT])));
    assert!(!forwarded(&d.decide(KVS_ONLY, &[CURRENT])));
}

#[test]
fn bad_kvs_ranges_later_mean_the_compiled_ranges_again() {
    let mut d = with_current();
    d.update(&[ranges(&["9.9.9.0/24"]), secrets(&[CURRENT])]);
    let report = d.update(&[(ranges_key(0), "garbage".into()), secrets(&[CURRENT])]);
    assert_eq!(report.ranges, Err(LayoutError::BadHeader));
    assert!(!forwarded(&d.decide(KVS_ONLY, &[CURRENT])));
    assert!(forwarded(&d.decide(CLOUDFLARE, &[CURRENT])));
}

#[test]
fn malformed_secrets_admit_nobody() {
    let mut d = with_current();
    let report = d.update(&[(ORIGIN_SECRETS_KEY.into(), "oac-secrets/1 nope".into())]);
    assert_eq!(report.secrets, Err(LayoutError::BadSecrets));
    assert!(!forwarded(&d.decide(CLOUDFLARE, &[CURRENT])));
}

#[test]
fn deleted_secrets_admit_nobody() {
    let mut d = with_current();
    let report = d.update(&[]);
    assert!(matches!(report.secrets, Err(LayoutError::MissingKey(_))));
    assert!(!forwarded(&d.decide(CLOUDFLARE, &[CURRENT])));
}

fn viewer() -> KvsViewer {
    KvsViewer::new(&Config::default().with_kvs(ARN, None).unwrap()).unwrap()
}

#[test]
fn a_refresh_applies_what_it_fetched() {
    let mut v = viewer();
    let keys = v.refresh_start(0).unwrap();
    assert_eq!(keys, [ranges_key(0), ORIGIN_SECRETS_KEY.to_owned()]);
    let answers = vec![
        Fetched::Value(ranges(&["9.9.9.0/24"]).1),
        Fetched::Value(secrets(&[CURRENT]).1),
    ];
    assert_eq!(v.refresh_receive(answers, 0), None);
    assert!(forwarded(&v.data().decide(KVS_ONLY, &[CURRENT])));
    assert!(v.refresh_start(59_999).is_none(), "fresh for 60 s");
}

#[test]
fn a_refresh_whose_secrets_are_refused_is_retried_after_the_back_off() {
    let mut v = viewer();
    v.refresh_start(0).unwrap();
    v.refresh_receive(vec![Fetched::Missing, Fetched::Missing], 0);
    assert!(
        v.refresh_start(crate::kvs_refresh::RETRY_BACKOFF_MS)
            .is_some()
    );
}

#[test]
fn a_failed_fetch_keeps_the_last_good_data_and_backs_off() {
    let mut v = viewer();
    v.refresh_start(0).unwrap();
    let answers = vec![
        Fetched::Value(ranges(&["9.9.9.0/24"]).1),
        Fetched::Value(secrets(&[CURRENT]).1),
    ];
    v.refresh_receive(answers, 0);
    v.refresh_start(60_000).unwrap();
    v.refresh_receive(vec![Fetched::Failed, Fetched::Missing], 60_000);
    assert!(forwarded(&v.data().decide(KVS_ONLY, &[CURRENT])));
    assert!(v.refresh_start(60_001).is_none());
    assert!(
        v.refresh_start(60_000 + crate::kvs_refresh::RETRY_BACKOFF_MS)
            .is_some()
    );
}

#[test]
fn an_abandoned_refresh_keeps_the_data_and_backs_off() {
    let mut v = viewer();
    v.refresh_start(0).unwrap();
    v.refresh_abandon(0);
    assert!(!forwarded(&v.data().decide(CLOUDFLARE, &[CURRENT])));
    assert!(v.refresh_start(1).is_none());
}

#[test]
fn the_kvs_viewer_needs_a_kvs_arn() {
    assert!(matches!(
        KvsViewer::new(&Config::default()),
        Err(ConfigError::KvsUnsupported)
    ));
}

#[test]
fn a_passing_request_carries_the_viewers_host_and_a_refused_one_is_unchanged() {
    let mut headers = Headers::default();
    for (name, key, value) in [
        (HEADER, "X-Origin-Secret", CURRENT),
        ("host", "Host", "API.example.com:8443"),
        ("x-forwarded-host", "X-FORWARDED-HOST", "evil.example"),
    ] {
        let entry = HeaderEntry::new(key, value);
        headers.0.entry(name.into()).or_default().push(entry);
    }
    headers
        .0
        .get_mut("x-forwarded-host")
        .unwrap()
        .push(HeaderEntry::new("x-forwarded-host", "evil2.example"));
    let read = |_: &[&str]| Ok::<_, Infallible>(&headers);
    let passed = with_current().judge("104.16.0.1", true, read).unwrap();
    let set = HeaderEdit::Set {
        name: "x-forwarded-host".into(),
        entries: vec![("X-Forwarded-Host".into(), "API.example.com:8443".into())],
    };
    let removed = HeaderEdit::Remove {
        name: HEADER.into(),
    };
    assert_eq!(passed.outcome, Outcome::Forward(vec![removed, set]));
    let refused = with_current().judge("203.0.113.9", true, read).unwrap();
    assert!(matches!(refused.outcome, Outcome::Respond(_)));
}
