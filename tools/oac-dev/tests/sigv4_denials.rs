//! The Function URL's refusals, one reason each, on requests CloudFront (the chain's
//! `aws-sigv4` signer) signed: each answers as Lambda does, with the cause in the diagnosis.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use oac_dev::cloudfront::sigv4_sign::sign_origin_request;
use oac_dev::function_url::Denial;
use oac_dev::model::Grants;
use oac_dev::sigv4_fixtures::{AKID, HOST, SECRET, cloudfront_signed, function_url, h, received};
use serde_json::Value;

#[test]
fn a_body_without_its_hash_header_is_refused_like_lambda() {
    let now = SystemTime::now();
    let auth = function_url();
    let (headers, body) = cloudfront_signed(vec![h("host", HOST)], b"{\"a\":1}", now);
    let denial = auth
        .check(&received("POST", "/v1/x", "", &headers, &body), now)
        .unwrap_err();
    assert!(matches!(denial, Denial::InvalidSignature(_)), "{denial:?}");
    assert!(
        denial.diagnosis().contains("body-hash"),
        "{}",
        denial.diagnosis()
    );
    assert_eq!(denial.error_type(), "InvalidSignatureException");
    let body: Value = serde_json::from_str(&denial.body()).unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("The request signature we calculated")
    );
}

#[test]
fn an_unsigned_payload_is_refused() {
    let now = SystemTime::now();
    let auth = function_url();
    let (headers, body) = cloudfront_signed(
        vec![
            h("host", HOST),
            h("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ],
        b"x",
        now,
    );
    let denial = auth
        .check(&received("POST", "/v1/x", "", &headers, &body), now)
        .unwrap_err();
    assert!(
        denial.diagnosis().contains("unsigned payloads"),
        "{}",
        denial.diagnosis()
    );
}

#[test]
fn a_forwarded_viewer_host_is_forbidden() {
    let now = SystemTime::now();
    let auth = function_url();
    let (headers, body) = cloudfront_signed(vec![h("host", "api.example.com")], b"", now);
    let denial = auth
        .check(&received("POST", "/v1/x", "", &headers, &body), now)
        .unwrap_err();
    assert!(matches!(denial, Denial::Forbidden(_)), "{denial:?}");
    let body: Value = serde_json::from_str(&denial.body()).unwrap();
    assert!(body["Message"].as_str().unwrap().starts_with("Forbidden."));
}

#[test]
fn a_stale_signature_is_expired() {
    let now = SystemTime::now();
    let auth = function_url();
    let (headers, body) =
        cloudfront_signed(vec![h("host", HOST)], b"", now - Duration::from_secs(301));
    let denial = auth
        .check(&received("POST", "/v1/x", "", &headers, &body), now)
        .unwrap_err();
    assert!(matches!(denial, Denial::SignatureExpired(_)), "{denial:?}");
    assert!(denial.body().contains("Signature expired"));
}

#[test]
fn a_signature_from_the_future_is_expired_too() {
    let now = SystemTime::now();
    let auth = function_url();
    let (headers, body) =
        cloudfront_signed(vec![h("host", HOST)], b"", now + Duration::from_secs(301));
    assert!(matches!(
        auth.check(&received("POST", "/v1/x", "", &headers, &body), now),
        Err(Denial::SignatureExpired(_))
    ));
}

#[test]
fn an_unknown_access_key_is_unrecognized() {
    let now = SystemTime::now();
    let auth = function_url();
    let mut headers = vec![h("host", HOST)];
    let creds = Credentials::new("AKIDSOMEONEELSE00001", SECRET, None, None, "test");
    sign_origin_request(
        "GET",
        &format!("https://{HOST}/"),
        &mut headers,
        &creds,
        "us-east-1",
        now,
    )
    .unwrap();
    let denial = auth
        .check(&received("GET", "/", "", &headers, b""), now)
        .unwrap_err();
    assert_eq!(denial.error_type(), "UnrecognizedClientException");
}

#[test]
fn no_authorization_is_forbidden() {
    let now = SystemTime::now();
    let auth = function_url();
    let headers = vec![h("host", HOST)];
    assert!(matches!(
        auth.check(&received("GET", "/", "", &headers, b""), now),
        Err(Denial::Forbidden(_))
    ));
}

#[test]
fn a_missing_invoke_function_grant_is_forbidden_after_a_valid_signature() {
    let now = SystemTime::now();
    let mut auth = function_url();
    auth.grants = Grants {
        invoke_function_url: true,
        invoke_function: false,
    };
    let (headers, body) = cloudfront_signed(vec![h("host", HOST)], b"", now);
    let denial = auth
        .check(&received("POST", "/v1/x", "", &headers, &body), now)
        .unwrap_err();
    assert!(
        denial.diagnosis().contains("lambda:InvokeFunction "),
        "{}",
        denial.diagnosis()
    );
    auth.grants = Grants {
        invoke_function_url: false,
        invoke_function: true,
    };
    let denial = auth
        .check(&received("POST", "/v1/x", "", &headers, &body), now)
        .unwrap_err();
    assert!(
        denial.diagnosis().contains("lambda:InvokeFunctionUrl"),
        "{}",
        denial.diagnosis()
    );
}

#[test]
fn a_wrong_region_scope_is_refused() {
    let now = SystemTime::now();
    let auth = function_url();
    let mut headers = vec![h("host", HOST)];
    let creds = Credentials::new(AKID, SECRET, None, None, "test");
    sign_origin_request(
        "GET",
        &format!("https://{HOST}/"),
        &mut headers,
        &creds,
        "eu-west-1",
        now,
    )
    .unwrap();
    let denial = auth
        .check(&received("GET", "/", "", &headers, b""), now)
        .unwrap_err();
    assert!(
        denial.diagnosis().contains("credential scope"),
        "{}",
        denial.diagnosis()
    );
}

/// A request CloudFront signed, with its `Authorization` rewritten by `edit`.
fn with_authorization(edit: impl Fn(&str) -> String) -> (Vec<(String, String)>, SystemTime) {
    let now = SystemTime::now();
    let (mut headers, _) = cloudfront_signed(vec![h("host", HOST)], b"", now);
    let auth = headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .unwrap();
    auth.1 = edit(&auth.1);
    (headers, now)
}

#[test]
fn a_signature_in_uppercase_hex_is_refused() {
    let (headers, now) = with_authorization(|a| {
        let (head, signature) = a.split_once("Signature=").unwrap();
        format!("{head}Signature={}", signature.to_uppercase())
    });
    let denial = function_url()
        .check(&received("POST", "/v1/x", "", &headers, b""), now)
        .unwrap_err();
    assert!(
        denial.diagnosis().contains("not 64 lowercase hex digits"),
        "{}",
        denial.diagnosis()
    );
}

#[test]
fn an_uppercase_signed_header_name_is_refused() {
    let (headers, now) =
        with_authorization(|a| a.replace("SignedHeaders=host;", "SignedHeaders=Host;"));
    let denial = function_url()
        .check(&received("POST", "/v1/x", "", &headers, b""), now)
        .unwrap_err();
    assert!(
        denial.diagnosis().contains("is not lowercase"),
        "{}",
        denial.diagnosis()
    );
}

#[test]
fn the_thirtieth_of_february_is_refused() {
    // Signed on 2 March 2026, presented as 30 February (which naive day arithmetic equates).
    let at = UNIX_EPOCH + Duration::from_secs(1_772_452_800); // 2026-03-02T12:00:00Z
    let (mut headers, _) = cloudfront_signed(vec![h("host", HOST)], b"", at);
    let date = headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-amz-date"))
        .unwrap();
    assert_eq!(date.1, "20260302T120000Z");
    date.1 = "20260230T120000Z".to_owned();
    let denial = function_url()
        .check(&received("POST", "/v1/x", "", &headers, b""), at)
        .unwrap_err();
    assert!(
        denial.diagnosis().contains("bad x-amz-date"),
        "{}",
        denial.diagnosis()
    );
}
