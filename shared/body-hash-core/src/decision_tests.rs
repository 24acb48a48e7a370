//! The reason [`decide_body`] gives for each scenario, and what its log line never holds.

use cloudfront_event::{EdgeFunction, Reason};

use super::*;
use crate::tests::headers;

const HELLO_B64: &str = "aGVsbG8=";
/// SHA-256 of "hello" (Python's hashlib).
const HELLO_SHA: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
const OTHER_SHA: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn body<'a>(data: &'a str, encoding: Option<&'static str>, input_truncated: bool) -> BodyInput<'a> {
    BodyInput::Present {
        data: data.as_bytes(),
        encoding,
        input_truncated,
    }
}

fn reason(body: BodyInput<'_>, pairs: &[(&str, &str)]) -> Reason {
    decide_body(&body, &headers(pairs), &Config::default()).reason
}

#[test]
fn a_complete_body_is_hashed() {
    assert_eq!(reason(body(HELLO_B64, None, false), &[]), Reason::Hashed);
}

#[test]
fn no_body_member_and_none_declared_is_no_body() {
    assert_eq!(reason(BodyInput::Absent, &[]), Reason::NoBody);
}

#[test]
fn a_truncated_body_with_a_viewer_hash_is_viewer_hash_trusted() {
    let pairs = [(CONTENT_SHA256, HELLO_SHA)];
    assert_eq!(
        reason(body(HELLO_B64, None, true), &pairs),
        Reason::ViewerHashTrusted
    );
}

#[test]
fn a_truncated_body_without_a_viewer_hash_is_body_truncated_no_hash() {
    assert_eq!(
        reason(body(HELLO_B64, None, true), &[]),
        Reason::BodyTruncatedNoHash
    );
}

#[test]
fn a_viewer_hash_that_differs_is_hash_mismatch() {
    let pairs = [(CONTENT_SHA256, OTHER_SHA)];
    assert_eq!(
        reason(body(HELLO_B64, None, false), &pairs),
        Reason::HashMismatch
    );
}

#[test]
fn bad_base64_is_invalid_body_encoding() {
    assert_eq!(
        reason(body("aGVsbG8", None, false), &[]),
        Reason::InvalidBodyEncoding
    );
}

#[test]
fn an_unknown_encoding_is_unsupported_body_encoding() {
    assert_eq!(
        reason(body(HELLO_B64, Some("gzip"), false), &[]),
        Reason::UnsupportedBodyEncoding
    );
}

#[test]
fn a_declared_body_without_a_member_is_include_body_disabled() {
    assert_eq!(
        reason(BodyInput::Absent, &[("content-length", "5")]),
        Reason::IncludeBodyDisabled
    );
}

#[test]
fn a_bad_content_length_is_invalid_content_length() {
    assert_eq!(
        reason(BodyInput::Absent, &[("content-length", "five")]),
        Reason::InvalidContentLength
    );
}

#[test]
fn the_body_size_is_the_decoded_length_and_the_cut_is_flagged() {
    let decision = decide_body(
        &body(HELLO_B64, None, true),
        &headers(&[(CONTENT_SHA256, HELLO_SHA)]),
        &Config::default(),
    );
    let line: serde_json::Value =
        serde_json::from_str(&decision.log_line(EdgeFunction::BodyHash, Some("r"))).unwrap();
    assert_eq!(line["bodyBytes"], 5);
    assert_eq!(line["bodyTruncated"], true);
}

#[test]
fn the_log_line_holds_no_body_header_value_or_hash() {
    // A text body and every header it reads carry values that must not reach the log, in every
    // scenario: hashed, mismatch (whose problem names both hashes), truncated without a hash.
    let secret_body = "body-SECRET-7f3a";
    let bearer = "Bearer token-SECRET-91c2";
    let config = Config::copying_authorization_to("x-viewer-authorization").unwrap();
    let cases: [(BodyInput<'_>, Vec<(&str, &str)>); 3] = [
        (
            body(secret_body, Some("text"), false),
            vec![("authorization", bearer)],
        ),
        (
            body(secret_body, Some("text"), false),
            vec![("authorization", bearer), (CONTENT_SHA256, OTHER_SHA)],
        ),
        (
            body(secret_body, Some("text"), true),
            vec![
                ("authorization", bearer),
                (CONTENT_SHA256, "UNSIGNED-SECRET"),
            ],
        ),
    ];
    for (body, pairs) in cases {
        let decision = decide_body(&body, &headers(&pairs), &config);
        let line = decision.log_line(EdgeFunction::BodyHash, Some("r"));
        for (_, value) in &pairs {
            assert!(!line.contains(value), "{value} in {line}");
        }
        assert!(!line.contains("SECRET"), "{line}");
        assert!(
            !line.contains(&sha256_hex(secret_body.as_bytes())),
            "{line}"
        );
    }
}
