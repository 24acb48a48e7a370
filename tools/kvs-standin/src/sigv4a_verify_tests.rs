//! The SigV4a verifier against `aws-sigv4`'s SigV4a signer (the one the SDK and the ip-filter
//! addon sign the KVS data plane with): what it signs verifies, and nothing else does.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4a;

use super::*;
use crate::signature::{SERVICE, check_sigv4a};

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const HOST: &str = "123456789012.cloudfront-kvs.global.api.aws";
/// A KVS ARN as the SDK writes it in the path: one percent-encoded label.
const STORE: &str =
    "/key-value-stores/arn%3Aaws%3Acloudfront%3A%3A123456789012%3Akey-value-store%2Fk1";

#[test]
fn n_minus_2_ends_as_the_order_minus_two() {
    assert_eq!(N_MINUS_2[31], 0x4f);
    assert_eq!(plus_one([0xff; 32]), [0; 32]);
}

/// The headers of `method` `path_and_query` signed with SigV4a by `secret` (host included,
/// names lowercase, as the stand-in reads them).
fn signed_by(secret: &str, method: &str, path_and_query: &str) -> Vec<(String, String)> {
    let identity = Credentials::new(ACCESS_KEY, secret, None, None, "test").into();
    let params = v4a::SigningParams::builder()
        .identity(&identity)
        .region_set("*")
        .name(SERVICE)
        .time(SystemTime::UNIX_EPOCH + Duration::from_secs(1_772_366_400))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("https://{HOST}{path_and_query}");
    let signable =
        SignableRequest::new(method, &url, std::iter::empty(), SignableBody::Bytes(b"")).unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut headers = vec![("host".to_owned(), HOST.to_owned())];
    headers.extend(
        instructions
            .headers()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned())),
    );
    headers
}

/// What the verifier says of `headers` arriving as `method` `path` `?query`.
fn verdict(
    headers: &[(String, String)],
    method: &str,
    path: &str,
    query: &str,
) -> Result<(), String> {
    let signed = check_sigv4a(headers, b"")?;
    let arrived = Request {
        method,
        raw_path: path,
        raw_query: query,
        headers,
        body: b"",
    };
    verify(&signed, &arrived, &verifying_key(ACCESS_KEY, SECRET_KEY))
}

#[test]
fn a_get_key_signed_by_aws_sigv4_verifies() {
    let path = format!("{STORE}/keys/ranges%3A0");
    let headers = signed_by(SECRET_KEY, "GET", &path);
    assert_eq!(verdict(&headers, "GET", &path, ""), Ok(()));
}

#[test]
fn a_plus_in_the_query_is_signed_as_a_space() {
    // aws-sigv4 reads the query as a form, as oac-dev's verifier does: `+` is a space (%20).
    let path = format!("{STORE}/keys");
    let headers = signed_by(
        SECRET_KEY,
        "GET",
        &format!("{path}?MaxResults=50&NextToken=a+b"),
    );
    assert_eq!(
        verdict(&headers, "GET", &path, "MaxResults=50&NextToken=a+b"),
        Ok(())
    );
}

#[test]
fn a_request_signed_with_another_secret_is_refused() {
    let path = format!("{STORE}/keys/ranges%3A0");
    let headers = signed_by("another-secret-access-key", "GET", &path);
    let err = verdict(&headers, "GET", &path, "").unwrap_err();
    assert!(err.contains("SignatureDoesNotMatch"), "{err}");
}

#[test]
fn a_request_for_another_key_than_signed_is_refused() {
    let headers = signed_by(SECRET_KEY, "GET", &format!("{STORE}/keys/ranges%3A0"));
    let err = verdict(&headers, "GET", &format!("{STORE}/keys/ranges%3A1"), "").unwrap_err();
    assert!(err.contains("SignatureDoesNotMatch"), "{err}");
}
