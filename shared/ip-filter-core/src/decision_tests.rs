//! The reason each viewer decision gives, that every rejection is still the same 403, and that
//! the log line holds neither the secret nor the viewer address.

use cloudfront_event::{EdgeFunction, Headers, Outcome, Reason};

use crate::Config;
use crate::IpFilter;
use crate::kvs_layout::ORIGIN_SECRETS_KEY;
use crate::kvs_viewer::ViewerData;
use crate::origin_secret::secrets_value;

const SECRET: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
const WRONG: &str = "Zp4s9TqX2mVb7nK1cR8wL3yH6gF0dJ5e";
const CLOUDFLARE: &str = "104.16.0.1";
const DIRECT: &str = "203.0.113.9";

fn loaded() -> ViewerData {
    let mut data = ViewerData::new(&Config::default(), "x-origin-secret").unwrap();
    let value = secrets_value(&[SECRET]).unwrap();
    assert!(
        data.update(&[(ORIGIN_SECRETS_KEY.into(), value)])
            .secrets
            .is_ok()
    );
    data
}

#[test]
fn a_cloudflare_address_is_from_cloudflare() {
    let filter = IpFilter::from_config_json("{}").unwrap();
    assert_eq!(
        filter.decision(CLOUDFLARE, &Headers::default()).reason,
        Reason::FromCloudflare
    );
}

#[test]
fn another_address_is_not_from_cloudflare() {
    let filter = IpFilter::from_config_json("{}").unwrap();
    assert_eq!(
        filter.decision(DIRECT, &Headers::default()).reason,
        Reason::NotFromCloudflare
    );
}

#[test]
fn the_address_and_a_valid_secret_pass_with_the_secret() {
    let decision = loaded().decision(CLOUDFLARE, &[SECRET]);
    assert!(matches!(decision.outcome, Outcome::Forward(_)));
    assert_eq!(decision.reason, Reason::FromCloudflareWithSecret);
}

#[test]
fn kvs_mode_from_another_address_is_not_from_cloudflare() {
    let reason = loaded().decision(DIRECT, &[SECRET]).reason;
    assert_eq!(reason, Reason::NotFromCloudflare);
}

#[test]
fn no_secret_header_is_secret_missing() {
    assert_eq!(
        loaded().decision(CLOUDFLARE, &[]).reason,
        Reason::SecretMissing
    );
}

#[test]
fn a_wrong_secret_is_secret_wrong() {
    assert_eq!(
        loaded().decision(CLOUDFLARE, &[WRONG]).reason,
        Reason::SecretWrong
    );
}

#[test]
fn the_secret_header_twice_is_secret_repeated() {
    assert_eq!(
        loaded().decision(CLOUDFLARE, &[SECRET, SECRET]).reason,
        Reason::SecretRepeated
    );
}

#[test]
fn before_the_secrets_are_read_it_is_secrets_not_loaded() {
    let data = ViewerData::new(&Config::default(), "x-origin-secret").unwrap();
    assert_eq!(
        data.decision(CLOUDFLARE, &[SECRET]).reason,
        Reason::SecretsNotLoaded
    );
}

#[test]
fn a_wrong_secret_and_a_wrong_address_get_the_same_response() {
    let data = loaded();
    let wrong_secret = data.decision(CLOUDFLARE, &[WRONG]);
    let wrong_address = data.decision(DIRECT, &[SECRET]);
    assert_ne!(
        wrong_secret.reason, wrong_address.reason,
        "the log says which"
    );
    assert_eq!(
        wrong_secret.outcome, wrong_address.outcome,
        "the response does not"
    );
}

#[test]
fn the_log_line_holds_neither_the_secret_nor_the_address() {
    let data = loaded();
    for (ip, values) in [
        (CLOUDFLARE, vec![SECRET]),
        (CLOUDFLARE, vec![WRONG]),
        (DIRECT, vec![SECRET]),
    ] {
        let line = data
            .decision(ip, &values)
            .log_line(EdgeFunction::IpFilter, Some("r"));
        for secret in [SECRET, WRONG] {
            assert!(!line.contains(secret), "{line}");
        }
        assert!(!line.contains(ip), "{line}");
        // Not even a prefix of the address (no /24 truncation either).
        assert!(!line.contains(&ip[..ip.rfind('.').unwrap()]), "{line}");
    }
}
