use super::*;
use std::time::{Duration, UNIX_EPOCH};

use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, VerifyingKey};
use sha2::{Digest, Sha256};

const ARN: &str = "arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c-4b5a";
/// The AWS signing test suite's credentials: the suite publishes the SigV4a public key they
/// derive (`v4a/*/public-key.json`), so a signature can be checked against a key this code did
/// not compute.
const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const PUBLIC_X: &str = "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1";
const PUBLIC_Y: &str = "865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518";
const TOKEN: &str = "session-token-example";
/// 2026-01-01T00:00:00Z.
const TIME: u64 = 1_767_225_600;

fn kvs(endpoint: Option<&str>) -> KvsConfig {
    KvsConfig::new(ARN, None, None, endpoint).unwrap()
}

fn signed() -> SignedGet {
    let credentials = Credentials::new(ACCESS_KEY, SECRET_KEY, Some(TOKEN.into()), None, "test");
    let time = UNIX_EPOCH + Duration::from_secs(TIME);
    sign_get_key(
        &kvs(Some("http://127.0.0.1:9000")),
        "ranges:0",
        &credentials,
        time,
    )
    .unwrap()
}

fn header<'a>(signed: &'a SignedGet, name: &str) -> &'a str {
    let values: Vec<&str> = signed
        .headers
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(values.len(), 1, "{name}: {values:?}");
    values[0]
}

/// The canonical request and string to sign of SigV4a, written out here from the spec.
fn string_to_sign() -> String {
    let canonical = [
        "GET",
        // The path as sent, percent-encoded once more (every service but S3).
        "/key-value-stores/arn%253Aaws%253Acloudfront%253A%253A123456789012%253Akey-value-store%252F0f1e2d3c-4b5a/keys/ranges%253A0",
        "",
        "host:127.0.0.1:9000",
        "x-amz-date:20260101T000000Z",
        "x-amz-region-set:*",
        &format!("x-amz-security-token:{TOKEN}"),
        "",
        "host;x-amz-date;x-amz-region-set;x-amz-security-token",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ]
    .join("\n");
    format!(
        "AWS4-ECDSA-P256-SHA256\n20260101T000000Z\n20260101/cloudfront-keyvaluestore/aws4_request\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    )
}

#[test]
fn the_url_encodes_the_arn_and_the_key_as_uri_labels() {
    assert_eq!(
        get_key_url(&kvs(None), "origin-secrets"),
        "https://123456789012.cloudfront-kvs.global.api.aws/key-value-stores/\
         arn%3Aaws%3Acloudfront%3A%3A123456789012%3Akey-value-store%2F0f1e2d3c-4b5a/keys/origin-secrets"
    );
    assert!(get_key_url(&kvs(None), "ranges:0").ends_with("/keys/ranges%3A0"));
}

#[test]
fn the_request_carries_the_sigv4a_headers_and_nothing_else() {
    let s = signed();
    let mut names: Vec<&str> = s.headers.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "authorization",
            "x-amz-date",
            "x-amz-region-set",
            "x-amz-security-token"
        ]
    );
    assert_eq!(header(&s, "x-amz-region-set"), "*");
    assert_eq!(header(&s, "x-amz-date"), "20260101T000000Z");
    assert_eq!(header(&s, "x-amz-security-token"), TOKEN);
}

#[test]
fn the_authorization_names_the_algorithm_the_scope_and_the_signed_headers() {
    let s = signed();
    let authorization = header(&s, "authorization");
    let prefix = "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20260101/cloudfront-keyvaluestore/aws4_request, \
         SignedHeaders=host;x-amz-date;x-amz-region-set;x-amz-security-token, Signature=";
    assert!(authorization.starts_with(prefix), "{authorization}");
}

#[test]
fn the_signature_verifies_against_the_published_key_over_the_spec_string_to_sign() {
    let s = signed();
    let signature = header(&s, "authorization")
        .rsplit_once("Signature=")
        .unwrap()
        .1;
    let signature = DerSignature::from_bytes(&hex::decode(signature).unwrap()).unwrap();
    let point = [
        vec![0x04],
        hex::decode(PUBLIC_X).unwrap(),
        hex::decode(PUBLIC_Y).unwrap(),
    ]
    .concat();
    let key = VerifyingKey::from_sec1_bytes(&point).unwrap();
    key.verify(string_to_sign().as_bytes(), &signature)
        .expect("the signature is valid for the string to sign written from the spec");
    // The same signature over another request does not verify.
    let other = string_to_sign().replace("20260101T000000Z", "20260101T000001Z");
    assert!(key.verify(other.as_bytes(), &signature).is_err());
}

#[test]
fn a_200_answer_of_the_key_asked_gives_its_value() {
    let body = r#"{"Key":"ranges:0","Value":"v","ItemCount":3,"TotalSizeInBytes":120}"#;
    assert_eq!(
        read_get_key("ranges:0", 200, body),
        Fetched::Value("v".into())
    );
}

#[test]
fn a_404_is_a_missing_key() {
    let body = r#"{"__type":"ResourceNotFoundException","Message":"Key not found"}"#;
    assert_eq!(read_get_key("ranges:0", 404, body), Fetched::Missing);
}

#[test]
fn an_answer_for_another_key_fails() {
    let body = r#"{"Key":"ranges:1","Value":"v","ItemCount":3,"TotalSizeInBytes":120}"#;
    assert_eq!(read_get_key("ranges:0", 200, body), Fetched::Failed);
}

#[test]
fn a_value_over_the_kvs_limit_fails() {
    let body = format!(
        r#"{{"Key":"k","Value":"{}","ItemCount":1,"TotalSizeInBytes":1}}"#,
        "a".repeat(MAX_VALUE_BYTES + 1)
    );
    assert_eq!(read_get_key("k", 200, &body), Fetched::Failed);
}

#[test]
fn a_body_that_is_not_the_documented_json_fails() {
    for body in ["", "not json", r#"{"Key":"k"}"#, r#"{"Key":"k","Value":1}"#] {
        assert_eq!(read_get_key("k", 200, body), Fetched::Failed, "{body}");
    }
}

#[test]
fn another_status_fails() {
    for status in [403, 409, 500, 503] {
        assert_eq!(read_get_key("k", status, "{}"), Fetched::Failed);
    }
}
