//! Scenarios for the core. Expected digests were computed with Python's `hashlib`, not this crate.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cloudfront_event::{HeaderEdit, HeaderEntry, HeaderLookup, Headers};
use serde_json::Value;

use super::*;

/// Headers from `(name, value)` pairs, as CloudFront would send them.
pub(crate) fn headers(pairs: &[(&str, &str)]) -> Headers {
    let mut h = Headers::default();
    for (name, value) in pairs {
        h.0.entry(name.to_string())
            .or_default()
            .push(HeaderEntry::new(*name, *value));
    }
    h
}

fn present<'a>(data: &'a str, encoding: Option<&'static str>) -> BodyInput<'a> {
    BodyInput::Present {
        data: data.as_bytes(),
        encoding,
        input_truncated: false,
    }
}

pub(crate) fn forwarded_hash(outcome: Outcome) -> String {
    let Outcome::Forward(edits) = outcome else {
        panic!("expected Forward, got {outcome:?}")
    };
    match &edits[0] {
        HeaderEdit::Set { name, entries } if name == CONTENT_SHA256 => {
            assert_eq!(entries.len(), 1);
            assert_eq!(entries[0].0, CONTENT_SHA256);
            entries[0].1.clone()
        }
        other => panic!("first edit is not the hash: {other:?}"),
    }
}

/// The problem `type` slug and status of a generated response.
pub(crate) fn rejected(outcome: Outcome) -> (String, u16) {
    let Outcome::Respond(response) = outcome else {
        panic!("expected Respond, got {outcome:?}")
    };
    let body: Value = serde_json::from_str(response.body.as_deref().unwrap()).unwrap();
    let status: u16 = response.status.parse().unwrap();
    assert_eq!(body["status"], status);
    (
        body["type"]
            .as_str()
            .unwrap()
            .trim_start_matches(problem_details::TYPE_PREFIX)
            .to_owned(),
        status,
    )
}

pub(crate) const HELLO: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

#[test]
fn base64_body_is_hashed_after_decoding() {
    let out = hash_body(
        &present("aGVsbG8=", Some("base64")),
        &Headers::default(),
        &Config::default(),
    );
    assert_eq!(forwarded_hash(out), HELLO);
}

#[test]
fn missing_encoding_means_base64() {
    let out = hash_body(
        &present("aGVsbG8=", None),
        &Headers::default(),
        &Config::default(),
    );
    assert_eq!(forwarded_hash(out), HELLO);
}

#[test]
fn text_body_is_hashed_as_its_utf8_bytes() {
    let out = hash_body(
        &present("{\"name\":\"Zoë ✓\"}", Some("text")),
        &Headers::default(),
        &Config::default(),
    );
    assert_eq!(
        forwarded_hash(out),
        "c9fa943a498a5950caf8f8f5e4ac268afd412af00e99e3118b84eb442743bf3a"
    );
}

#[test]
fn binary_body_is_hashed_byte_exact() {
    // Every byte value 0..=255 (and past), as in the put-binary fixture.
    let bytes: Vec<u8> = (0..1026u32).map(|i| (i % 256) as u8).collect();
    let data = STANDARD.encode(&bytes);
    let out = hash_body(
        &present(&data, None),
        &Headers::default(),
        &Config::default(),
    );
    // hashlib.sha256(bytes(i % 256 for i in range(1026))).hexdigest()
    assert_eq!(
        forwarded_hash(out),
        "7d9e87a6b0191fd6e08ba2295e60a3287e27d54015514c24c38ff7865b660c66"
    );
}

#[test]
fn one_mebibyte_body_is_hashed_across_chunks() {
    let bytes: Vec<u8> = (0..1usize << 20).map(|i| (i % 251) as u8).collect();
    let data = STANDARD.encode(&bytes);
    let out = hash_body(
        &present(&data, None),
        &Headers::default(),
        &Config::default(),
    );
    // hashlib.sha256(bytes(i % 251 for i in range(1 << 20))).hexdigest()
    assert_eq!(
        forwarded_hash(out),
        "631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c9037e4f769"
    );
}

#[test]
fn streaming_matches_whole_buffer_hashing_at_every_chunk_edge() {
    for len in [
        0,
        1,
        2,
        3,
        12 * 1024 - 1,
        12 * 1024,
        12 * 1024 + 1,
        24 * 1024 + 2,
    ] {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
        let expected = sha256_hex(&bytes);
        assert_eq!(
            sha256_base64(STANDARD.encode(&bytes).as_bytes()).unwrap(),
            expected,
            "len {len}"
        );
    }
}

#[test]
fn empty_body_gets_the_empty_hash() {
    let out = hash_body(
        &present("", Some("base64")),
        &Headers::default(),
        &Config::default(),
    );
    assert_eq!(forwarded_hash(out), EMPTY_SHA256);
}

#[test]
fn absent_body_without_declared_body_gets_the_empty_hash() {
    for h in [
        Headers::default(),
        headers(&[("content-length", "0")]),
        headers(&[("content-length", "0"), ("content-length", "0")]),
    ] {
        let out = hash_body(&BodyInput::Absent, &h, &Config::default());
        assert_eq!(forwarded_hash(out), EMPTY_SHA256);
    }
}

#[test]
fn viewer_supplied_hash_is_replaced() {
    let h = headers(&[("x-amz-content-sha256", "UNSIGNED-PAYLOAD")]);
    let out = hash_body(&present("aGVsbG8=", None), &h, &Config::default());
    let Outcome::Forward(edits) = out else {
        panic!()
    };
    let mut applied = h.clone();
    for e in &edits {
        applied.apply(e);
    }
    assert_eq!(applied.values(CONTENT_SHA256), [HELLO]);
}

#[test]
fn truncated_body_is_refused_with_413() {
    let body = BodyInput::Present {
        data: b"aGVsbG8=",
        encoding: None,
        input_truncated: true,
    };
    let out = hash_body(&body, &Headers::default(), &Config::default());
    assert_eq!(rejected(out), ("body-truncated".into(), 413));
}

#[test]
fn invalid_base64_alphabet_is_refused_with_400() {
    let out = hash_body(
        &present("aGV*bG8=", None),
        &Headers::default(),
        &Config::default(),
    );
    assert_eq!(rejected(out), ("invalid-body-encoding".into(), 400));
}

#[test]
fn base64_with_bad_length_is_refused() {
    assert!(sha256_base64("aGVsbG8".as_bytes()).is_err());
}

#[test]
fn base64_with_whitespace_is_refused() {
    assert!(sha256_base64("aGVs\nbG8=".as_bytes()).is_err());
}

#[test]
fn base64_with_non_canonical_trailing_bits_is_refused() {
    // "aGVsbG9=" decodes to "hello" only if trailing bits are ignored.
    assert!(sha256_base64("aGVsbG9=".as_bytes()).is_err());
}

#[test]
fn base64_padding_at_a_chunk_edge_is_refused() {
    // A padded quad that ends the first decoding chunk, followed by more data.
    let mut data = "A".repeat(CHUNK_FOR_TESTS - 4);
    data.push_str("QQ==");
    data.push_str("QUFB");
    assert!(sha256_base64(data.as_bytes()).is_err());
}
const CHUNK_FOR_TESTS: usize = 16 * 1024;

#[test]
fn unknown_encoding_is_refused_with_500() {
    let out = hash_body(
        &present("x", Some("gzip")),
        &Headers::default(),
        &Config::default(),
    );
    assert_eq!(rejected(out), ("unsupported-body-encoding".into(), 500));
}

#[test]
fn absent_body_with_content_length_means_include_body_is_off() {
    let out = hash_body(
        &BodyInput::Absent,
        &headers(&[("content-length", "12")]),
        &Config::default(),
    );
    assert_eq!(rejected(out), ("include-body-disabled".into(), 500));
}

#[test]
fn absent_body_with_transfer_encoding_means_include_body_is_off() {
    let out = hash_body(
        &BodyInput::Absent,
        &headers(&[("transfer-encoding", "chunked")]),
        &Config::default(),
    );
    assert_eq!(rejected(out), ("include-body-disabled".into(), 500));
}

#[test]
fn unparsable_content_length_is_refused_with_400() {
    for value in ["abc", "-1", "+5", "", "1e3"] {
        let out = hash_body(
            &BodyInput::Absent,
            &headers(&[("content-length", value)]),
            &Config::default(),
        );
        assert_eq!(
            rejected(out),
            ("invalid-content-length".into(), 400),
            "{value:?}"
        );
    }
}

#[test]
fn conflicting_content_lengths_are_refused_with_400() {
    let h = headers(&[("content-length", "0"), ("content-length", "5")]);
    let out = hash_body(&BodyInput::Absent, &h, &Config::default());
    assert_eq!(rejected(out), ("invalid-content-length".into(), 400));
}

#[test]
fn authorization_is_not_copied_by_default() {
    let h = headers(&[("authorization", "Bearer abc")]);
    let Outcome::Forward(edits) = hash_body(&present("", None), &h, &Config::default()) else {
        panic!()
    };
    assert_eq!(edits.len(), 1);
}

#[test]
fn authorization_is_copied_when_configured() {
    let config = Config::copying_authorization_to("x-viewer-authorization").unwrap();
    let h = headers(&[
        ("authorization", "Bearer abc"),
        ("x-viewer-authorization", "spoofed"),
    ]);
    let Outcome::Forward(edits) = hash_body(&present("", None), &h, &config) else {
        panic!()
    };
    let mut applied = h.clone();
    for e in &edits {
        applied.apply(e);
    }
    assert_eq!(applied.values("x-viewer-authorization"), ["Bearer abc"]);
    assert_eq!(
        applied.values("authorization"),
        ["Bearer abc"],
        "original left for OAC to overwrite"
    );
}

#[test]
fn copy_target_sent_by_the_viewer_without_authorization_is_dropped() {
    let config = Config::copying_authorization_to("x-viewer-authorization").unwrap();
    let h = headers(&[("x-viewer-authorization", "spoofed")]);
    let Outcome::Forward(edits) = hash_body(&present("", None), &h, &config) else {
        panic!()
    };
    let mut applied = h.clone();
    for e in &edits {
        applied.apply(e);
    }
    assert!(!applied.contains("x-viewer-authorization"));
}

#[test]
fn config_rejects_reserved_and_malformed_targets() {
    for bad in [
        "via",
        "x-amz-cf-id",
        "X-Upper",
        "",
        "has space",
        "authorization",
        "x-edge-foo",
    ] {
        assert!(Config::copying_authorization_to(bad).is_err(), "{bad:?}");
    }
    assert!(
        Config::from_json(r#"{"copyAuthorisationTo":"x"}"#).is_err(),
        "typo'd key"
    );
    assert!(Config::from_json("not json").is_err());
    assert_eq!(Config::from_json("{}").unwrap(), Config::default());
}

/// A lookup that owns its values, like the N-API adapter's.
struct OwnedLookup(Vec<(String, String)>);
impl HeaderLookup for OwnedLookup {
    fn values(&self, name: &str) -> Vec<Cow<'_, str>> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| Cow::Owned(v.clone()))
            .collect()
    }
}

#[test]
fn any_header_lookup_gives_the_same_decision() {
    let owned = OwnedLookup(vec![("content-length".into(), "7".into())]);
    let out = hash_body(&BodyInput::Absent, &owned, &Config::default());
    assert_eq!(rejected(out), ("include-body-disabled".into(), 500));
}
