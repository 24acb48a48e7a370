//! The Function URL's payload 2.0 events (`fixtures/function-url/*.json`, shaped like AWS's
//! documented Function URL events): each round-trips through `aws_lambda_events`' typed
//! `ApiGatewayV2httpRequest`, and the emulator builds exactly that event for the request it
//! describes.

use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

use axum::http::Method;
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use oac_dev::FUNCTION_HOST;
use oac_dev::function_url::payload::{self, Invocation};
use oac_dev::function_url::sigv4::Caller;
use oac_dev::http::HttpRequest;
use serde_json::Value;
use sha2::{Digest, Sha256};

const FIXTURES: [&str; 3] = [
    "get.json",
    "post-base64-body.json",
    "cookies-and-repeated-query.json",
];
const REQUEST_ID: &str = "QxWx1SfbOmTsOTWPkyjgPIdgCkdSoOvD2vKgD6bfP0KHlx1aJ3s9Pg==";
const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=AKIAOACDEVCLOUDFRONT/20261123/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
use cloudfront_event::EMPTY_SHA256;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/function-url")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn typed(name: &str) -> ApiGatewayV2httpRequest {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// CloudFront's OAC identity, as the Function URL verified it.
fn cloudfront() -> Caller {
    Caller {
        access_key_id: "AKIAOACDEVCLOUDFRONT".into(),
        principal_arn:
            "arn:aws:sts::000000000000:assumed-role/oac-dev-cloudfront/origin-access-control".into(),
        account_id: "000000000000".into(),
    }
}

/// The request as CloudFront sends it to the Function URL, with `extra` headers after its own.
fn signed(
    method: Method,
    path: &str,
    query: &str,
    sha: &str,
    ua: &str,
    extra: &[(&str, &str)],
) -> HttpRequest {
    let headers: Vec<(String, String)> = [
        ("host", FUNCTION_HOST),
        ("user-agent", ua),
        ("x-forwarded-for", "173.245.48.1"),
        ("via", "2.0 0acdev0local.cloudfront.net (CloudFront)"),
        ("x-amz-cf-id", REQUEST_ID),
        ("x-amz-content-sha256", sha),
        ("x-amz-date", "20261123T120000Z"),
        ("authorization", AUTHORIZATION),
    ]
    .iter()
    .chain(extra)
    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
    .collect();
    HttpRequest {
        method,
        raw_path: path.into(),
        raw_query: query.into(),
        headers,
    }
}

fn built(request: &HttpRequest, body: &[u8]) -> ApiGatewayV2httpRequest {
    let caller = cloudfront();
    let invocation = Invocation {
        host: FUNCTION_HOST,
        source_ip: "127.0.0.1",
        caller: &caller,
        request_id: REQUEST_ID,
        time: UNIX_EPOCH + Duration::from_millis(1_795_435_200_123),
    };
    payload::event(request, body, &invocation)
}

#[test]
fn every_fixture_round_trips_through_the_typed_event() {
    for name in FIXTURES {
        let parsed = typed(name);
        let output = serde_json::to_string(&parsed).unwrap();
        let reparsed: ApiGatewayV2httpRequest = serde_json::from_str(&output).unwrap();
        assert_eq!(parsed, reparsed, "{name}");
    }
}

#[test]
fn every_fixture_carries_the_iam_authorizer_of_an_aws_iam_url() {
    for name in FIXTURES {
        let iam = typed(name).request_context.authorizer.and_then(|a| a.iam);
        let arn = iam.and_then(|iam| iam.user_arn);
        assert_eq!(
            arn.as_deref(),
            Some("arn:aws:sts::000000000000:assumed-role/oac-dev-cloudfront/origin-access-control"),
            "{name}"
        );
    }
}

#[test]
fn a_get_is_built_as_the_get_fixture() {
    let request = signed(
        Method::GET,
        "/health",
        "",
        EMPTY_SHA256,
        "curl/8.5.0",
        &[("accept", "*/*")],
    );
    assert_eq!(built(&request, b""), typed("get.json"));
}

#[test]
fn a_binary_post_body_is_built_as_base64() {
    let body = [0u8, 1, 2, 0xff, 0xfe];
    let sha = hex::encode(Sha256::digest(body));
    let request = signed(
        Method::POST,
        "/v1/blobs",
        "",
        &sha,
        "python-requests/2.32",
        &[
            ("content-type", "application/octet-stream"),
            ("content-length", "5"),
        ],
    );
    assert_eq!(built(&request, &body), typed("post-base64-body.json"));
}

#[test]
fn cookies_and_a_repeated_query_key_are_built_as_the_fixture() {
    let request = signed(
        Method::GET,
        "/v1/audit-events",
        "limit=10&tag=a&tag=b%2Bc",
        EMPTY_SHA256,
        "Mozilla/5.0",
        &[
            ("cookie", "session=abc123; theme=dark"),
            ("accept", "application/json"),
            ("accept", "text/html"),
        ],
    );
    assert_eq!(
        built(&request, b""),
        typed("cookies-and-repeated-query.json")
    );
}

#[test]
fn the_event_on_the_wire_has_no_custom_authorizer_members() {
    let request = signed(Method::POST, "/", "", EMPTY_SHA256, "curl/8.5.0", &[]);
    let wire: Value = serde_json::from_slice(&payload::to_json(&built(&request, b""))).unwrap();
    for member in [
        "httpMethod",
        "type",
        "methodArn",
        "identitySource",
        "authorizationToken",
        "resource",
    ] {
        assert!(
            wire.get(member).is_none(),
            "{member} is not part of a Function URL event"
        );
    }
    assert_eq!(wire["requestContext"]["http"]["method"], "POST");
}
