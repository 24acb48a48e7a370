//! The viewer's `x-amz-content-sha256`: the way past CloudFront's 1 MB cut for a truncated body,
//! and a claim that must hold for a complete one.

use cloudfront_event::{HeaderEdit, HeaderLookup, Headers};
use serde_json::Value;

use super::tests::{HELLO, forwarded_hash, headers, rejected};
use super::*;

/// What a caller of a 2 MiB upload computes: the SHA-256 of the whole body (not of the 1 MiB
/// CloudFront hands the function). Any 64 lowercase hex digits do; the core cannot check them.
const WHOLE_BODY_HASH: &str = "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

/// The first MiB of a longer body, as CloudFront hands it over (`"AAAA"` is three zero bytes).
fn truncated() -> BodyInput<'static> {
    BodyInput::Present {
        data: b"AAAAAAAAAAAA",
        encoding: Some("base64"),
        input_truncated: true,
    }
}

fn hello() -> BodyInput<'static> {
    BodyInput::Present {
        data: b"aGVsbG8=",
        encoding: None,
        input_truncated: false,
    }
}

/// The `detail` of a generated problem response.
fn detail(outcome: &Outcome) -> String {
    let Outcome::Respond(response) = outcome else {
        panic!("expected Respond, got {outcome:?}")
    };
    let body: Value = serde_json::from_str(response.body.as_deref().unwrap()).unwrap();
    body["detail"].as_str().unwrap().to_owned()
}

fn assert_truncated_refusal(h: &Headers, why: &str) {
    let out = hash_body(&truncated(), h, &Config::default());
    let detail = detail(&out);
    assert_eq!(rejected(out), ("body-truncated".into(), 413));
    assert!(detail.contains(why), "{detail}");
    assert!(
        detail.contains("SHA-256 of the whole body") && detail.contains("x-amz-content-sha256"),
        "the detail tells how to send the header: {detail}"
    );
}

#[test]
fn truncated_body_with_one_well_formed_hash_is_forwarded_unchanged() {
    let h = headers(&[("x-amz-content-sha256", WHOLE_BODY_HASH)]);
    let out = hash_body(&truncated(), &h, &Config::default());
    assert_eq!(out, Outcome::forward_unchanged());
}

#[test]
fn truncated_body_with_a_hash_still_gets_authorization_copied() {
    let config = Config::copying_authorization_to("x-viewer-authorization").unwrap();
    let h = headers(&[
        ("x-amz-content-sha256", WHOLE_BODY_HASH),
        ("authorization", "Bearer t"),
    ]);
    let Outcome::Forward(edits) = hash_body(&truncated(), &h, &config) else {
        panic!("not forwarded")
    };
    let mut applied = h.clone();
    for e in &edits {
        applied.apply(e);
    }
    assert_eq!(applied.values("x-viewer-authorization"), ["Bearer t"]);
    assert_eq!(applied.values(CONTENT_SHA256), [WHOLE_BODY_HASH]);
}

#[test]
fn truncated_body_without_a_hash_is_refused_with_413_telling_how_to_send_one() {
    assert_truncated_refusal(
        &Headers::default(),
        "no x-amz-content-sha256 header was sent",
    );
}

#[test]
fn truncated_body_with_two_hashes_is_refused_with_413() {
    let h = headers(&[
        ("x-amz-content-sha256", WHOLE_BODY_HASH),
        ("x-amz-content-sha256", WHOLE_BODY_HASH),
    ]);
    assert_truncated_refusal(&h, "sent 2 times");
}

#[test]
fn truncated_body_with_an_uppercase_hash_is_refused_with_413() {
    let h = headers(&[("x-amz-content-sha256", &WHOLE_BODY_HASH.to_uppercase())]);
    assert_truncated_refusal(&h, "is not 64 lowercase hex digits");
}

#[test]
fn truncated_body_with_unsigned_payload_is_refused_with_413() {
    let h = headers(&[("x-amz-content-sha256", "UNSIGNED-PAYLOAD")]);
    assert_truncated_refusal(&h, "\"UNSIGNED-PAYLOAD\" is not 64 lowercase hex digits");
}

#[test]
fn truncated_body_with_a_hash_one_digit_short_is_refused_with_413() {
    let h = headers(&[("x-amz-content-sha256", &WHOLE_BODY_HASH[1..])]);
    assert_truncated_refusal(&h, "is not 64 lowercase hex digits");
}

#[test]
fn truncated_body_with_a_non_hex_hash_is_refused_with_413() {
    let h = headers(&[(
        "x-amz-content-sha256",
        &format!("g{}", &WHOLE_BODY_HASH[1..]),
    )]);
    assert_truncated_refusal(&h, "is not 64 lowercase hex digits");
}

#[test]
fn complete_body_with_the_matching_hash_is_forwarded_with_it() {
    let h = headers(&[("x-amz-content-sha256", HELLO)]);
    assert_eq!(
        forwarded_hash(hash_body(&hello(), &h, &Config::default())),
        HELLO
    );
}

#[test]
fn complete_body_with_a_mismatching_hash_is_refused_with_400_naming_the_header() {
    let h = headers(&[("x-amz-content-sha256", WHOLE_BODY_HASH)]);
    let out = hash_body(&hello(), &h, &Config::default());
    let detail = detail(&out);
    assert_eq!(rejected(out), ("content-sha256-mismatch".into(), 400));
    assert!(
        detail.contains(WHOLE_BODY_HASH) && detail.contains(HELLO),
        "{detail}"
    );
}

#[test]
fn complete_body_with_an_uppercase_hash_gets_the_computed_one() {
    // Not a claim (Lambda would refuse uppercase hex): replaced, as a missing header would be.
    let h = headers(&[("x-amz-content-sha256", &HELLO.to_uppercase())]);
    assert_eq!(
        forwarded_hash(hash_body(&hello(), &h, &Config::default())),
        HELLO
    );
}

#[test]
fn complete_body_with_two_hashes_gets_the_computed_one() {
    let h = headers(&[
        ("x-amz-content-sha256", WHOLE_BODY_HASH),
        ("x-amz-content-sha256", HELLO),
    ]);
    let Outcome::Forward(edits) = hash_body(&hello(), &h, &Config::default()) else {
        panic!("not forwarded")
    };
    let mut applied = h.clone();
    for e in &edits {
        applied.apply(e);
    }
    assert_eq!(
        applied.values(CONTENT_SHA256),
        [HELLO],
        "one value, computed"
    );
    assert!(matches!(&edits[0], HeaderEdit::Set { .. }));
}

#[test]
fn only_64_lowercase_hex_digits_are_a_sha256() {
    assert!(is_sha256_hex(WHOLE_BODY_HASH));
    assert!(is_sha256_hex(EMPTY_SHA256));
    for bad in [
        "",
        "UNSIGNED-PAYLOAD",
        &WHOLE_BODY_HASH[1..],
        &format!("{WHOLE_BODY_HASH}0"),
        &WHOLE_BODY_HASH.to_uppercase(),
        &format!(" {}", &WHOLE_BODY_HASH[1..]),
    ] {
        assert!(!is_sha256_hex(bad), "{bad:?}");
    }
}
