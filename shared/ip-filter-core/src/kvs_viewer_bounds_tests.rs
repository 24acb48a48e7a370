//! The bounds of the KVS-mode viewer: how long the last good secrets admit while `GetKey` fails
//! (and that each failed refresh is counted), and a secret header repeated past any real request
//! (257 and 10,000 entries), judged on its count after the address, never read whole.

use cloudfront_event::testing::CountOnly;
use cloudfront_event::{HeaderEntry, Response};

use super::*;
use crate::kvs_layout::encode_ranges;
use crate::origin_secret::secrets_value;
use crate::viewer::forbidden_problem;
use cloudflare_ranges::parse_cidr;

const CURRENT: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
const HEADER: &str = "x-origin-secret";
const CLOUDFLARE: &str = "104.16.0.1";
const DIRECT: &str = "203.0.113.9";
const ARN: &str = "arn:aws:cloudfront::123456789012:key-value-store/abc";
/// The default `refreshSeconds` (60 s), in milliseconds.
const INTERVAL_MS: u64 = 60_000;
/// When the secrets read at 0 stop admitting.
const BOUND_MS: u64 = SECRETS_MAX_AGE_INTERVALS * INTERVAL_MS;

fn good_answers() -> Vec<Fetched> {
    let nets = vec![parse_cidr("104.16.0.0/13").unwrap()];
    vec![
        Fetched::Value(encode_ranges(&nets).unwrap().remove(0).1),
        Fetched::Value(secrets_value(&[CURRENT]).unwrap()),
    ]
}

/// A viewer whose refresh at 0 read the secrets.
fn refreshed_at_zero() -> KvsViewer {
    let mut v = KvsViewer::new(&Config::default().with_kvs(ARN, None).unwrap()).unwrap();
    v.refresh_start(0).unwrap();
    assert_eq!(v.refresh_receive(good_answers(), 0), None);
    assert_eq!(v.take_refresh_failure(), None);
    v
}

fn with_secret(values: &[&str]) -> Headers {
    let mut headers = Headers::default();
    let entries = values
        .iter()
        .map(|v| HeaderEntry::new(HEADER, *v))
        .collect();
    headers.0.insert(HEADER.to_owned(), entries);
    headers
}

fn reason_at(v: &KvsViewer, now_ms: u64) -> Reason {
    let read = |_: &[&str]| Ok::<_, Infallible>(with_secret(&[CURRENT]));
    let decision = v.decision(Some(now_ms), CLOUDFLARE, read).unwrap();
    if decision.reason != Reason::FromCloudflareWithSecret {
        assert_eq!(
            decision.outcome,
            Outcome::Respond(Response::problem(&forbidden_problem()))
        );
    }
    decision.reason
}

/// Every refresh from `from` to `to` (inclusive) fails, one per back-off; returns the failures.
fn failing_refreshes(v: &mut KvsViewer, from: u64, to: u64) -> Vec<RefreshFailure> {
    let mut failures = Vec::new();
    let mut now = from;
    while now <= to {
        if v.refresh_start(now).is_some() {
            v.refresh_receive(vec![Fetched::Failed, Fetched::Failed], now);
            failures.extend(v.take_refresh_failure());
        }
        now += 1_000;
    }
    failures
}

#[test]
fn while_getkey_fails_the_last_secrets_admit_until_the_bound_then_nobody() {
    let mut v = refreshed_at_zero();
    let failures = failing_refreshes(&mut v, INTERVAL_MS, BOUND_MS - 1);
    assert!(!failures.is_empty());
    assert_eq!(
        reason_at(&v, BOUND_MS - 1),
        Reason::FromCloudflareWithSecret
    );
    assert_eq!(reason_at(&v, BOUND_MS), Reason::SecretsStale);
    assert_eq!(reason_at(&v, BOUND_MS * 5), Reason::SecretsStale);
}

#[test]
fn each_failed_refresh_is_counted_with_the_age_of_the_secrets() {
    let mut v = refreshed_at_zero();
    let failures = failing_refreshes(&mut v, INTERVAL_MS, BOUND_MS + 10_000);
    let counts: Vec<u32> = failures.iter().map(|f| f.consecutive).collect();
    let expected: Vec<u32> = (1..=failures.len() as u32).collect();
    assert_eq!(counts, expected, "one count per failed refresh, in a row");
    let first = failures[0];
    assert_eq!(first.secrets_age_ms, Some(INTERVAL_MS));
    assert!(!first.secrets_stale);
    let last = failures.last().unwrap();
    assert!(last.secrets_stale, "{last:?}");
    assert!(last.secrets_age_ms.unwrap() >= BOUND_MS);
}

#[test]
fn a_successful_refresh_restores_the_secrets_and_the_count() {
    let mut v = refreshed_at_zero();
    failing_refreshes(&mut v, INTERVAL_MS, BOUND_MS + 10_000);
    assert_eq!(reason_at(&v, BOUND_MS + 10_000), Reason::SecretsStale);
    let now = BOUND_MS + 20_000;
    v.refresh_start(now).unwrap();
    v.refresh_receive(good_answers(), now);
    assert_eq!(reason_at(&v, now), Reason::FromCloudflareWithSecret);
    let failures = failing_refreshes(&mut v, now + INTERVAL_MS, now + INTERVAL_MS);
    assert_eq!(
        failures[0].consecutive, 1,
        "counted afresh after the success"
    );
}

#[test]
fn an_abandoned_refresh_is_counted_too() {
    let mut v = refreshed_at_zero();
    v.refresh_start(INTERVAL_MS).unwrap();
    v.refresh_abandon(INTERVAL_MS);
    assert_eq!(v.take_refresh_failure().unwrap().consecutive, 1);
    assert_eq!(v.take_refresh_failure(), None, "taken once");
}

#[test]
fn without_a_clock_no_secret_is_fresh() {
    let v = refreshed_at_zero();
    let read = |_: &[&str]| Ok::<_, Infallible>(with_secret(&[CURRENT]));
    let decision = v.decision(None, CLOUDFLARE, read).unwrap();
    assert_eq!(decision.reason, Reason::SecretsStale);
}

#[test]
fn a_secret_header_repeated_257_or_10000_times_is_the_uniform_403() {
    let v = refreshed_at_zero();
    let wrong_address = v
        .decision(Some(0), DIRECT, |_| {
            Ok::<_, Infallible>(with_secret(&[CURRENT]))
        })
        .unwrap();
    for count in [257, 10_000] {
        // Every entry the right secret: the count alone refuses it.
        let headers = with_secret(&vec![CURRENT; count]);
        let decision = v
            .decision(Some(0), CLOUDFLARE, |_| Ok::<_, Infallible>(headers))
            .unwrap();
        assert_eq!(decision.reason, Reason::SecretRepeated);
        assert_eq!(decision.outcome, wrong_address.outcome, "the same 403");
        let lookup = CountOnly::new(HEADER, count);
        let decision = v
            .decision(Some(0), CLOUDFLARE, |_| Ok::<_, Infallible>(lookup))
            .unwrap();
        assert_eq!(decision.reason, Reason::SecretRepeated);
    }
}

#[test]
fn the_repeated_header_is_judged_without_reading_a_value() {
    let v = refreshed_at_zero();
    let lookup = CountOnly::new(HEADER, 10_000);
    let decision = v
        .data()
        .judge(CLOUDFLARE, true, |_| Ok::<_, Infallible>(&lookup));
    assert_eq!(decision.unwrap().reason, Reason::SecretRepeated);
    assert_eq!(lookup.value_reads(), 0);
}

#[test]
fn a_wrong_address_is_refused_before_any_header_is_read() {
    let v = refreshed_at_zero();
    let decision = v.decision(Some(0), DIRECT, |_| Err::<Headers, _>("read the headers"));
    assert_eq!(decision.unwrap().reason, Reason::NotFromCloudflare);
    let stale = v.decision(Some(BOUND_MS), CLOUDFLARE, |_| {
        Err::<Headers, _>("read the headers")
    });
    assert_eq!(stale.unwrap().reason, Reason::SecretsStale);
}
