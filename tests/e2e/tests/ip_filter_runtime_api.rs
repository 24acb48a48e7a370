//! The real `ip-filter` binary driven through an emulated Lambda Runtime API: sample viewer
//! events in, what CloudFront gets back out.

use std::path::PathBuf;
use std::time::Duration;

use oac_dev::runtime_api::{FunctionProcess, InvokeError, RuntimeApi};
use serde_json::Value;
use test_support::cargo_bin::cargo_bin;

/// The function binary (built here: `CARGO_BIN_EXE_*` names only the crate under test's own).
fn binary() -> PathBuf {
    cargo_bin("ip-filter", "ip-filter")
}

const TIMEOUT: Duration = Duration::from_secs(10);

fn fixture(name: &str) -> Vec<u8> {
    let dir = test_support::repo_root().join("fixtures/cloudfront");
    std::fs::read(dir.join(name)).unwrap()
}

fn request_of(event: &[u8]) -> Value {
    serde_json::from_slice::<Value>(event).unwrap()["Records"][0]["cf"]["request"].clone()
}

/// The event's request as a passing one goes on: with its Host (every sample's is
/// `api.example.com`) in `x-forwarded-host`, added last.
fn forwarded_of(event: &[u8]) -> Value {
    let mut request = request_of(event);
    request["headers"]["x-forwarded-host"] =
        serde_json::json!([{"key": "X-Forwarded-Host", "value": "api.example.com"}]);
    request
}

async fn invoke(api: &RuntimeApi, event: Vec<u8>) -> Value {
    serde_json::from_slice(&api.invoke(event, TIMEOUT).await.unwrap()).unwrap()
}

#[tokio::test]
async fn cloudflare_requests_come_back_byte_for_byte_plus_the_forwarded_host() {
    let api = RuntimeApi::start().await.unwrap();
    let _function = FunctionProcess::spawn(binary(), "ip-filter", &api, &[]).unwrap();
    for name in [
        "viewer-request-cloudflare-v4.json",
        "viewer-request-cloudflare-v6.json",
    ] {
        let event = fixture(name);
        let answer = invoke(&api, event.clone()).await;
        assert_eq!(answer, forwarded_of(&event), "{name}");
        let names: Vec<_> = answer["headers"].as_object().unwrap().keys().collect();
        assert_eq!(names.last().unwrap().as_str(), "x-forwarded-host", "{name}");
    }
}

#[tokio::test]
async fn a_direct_request_gets_the_403_problem() {
    let api = RuntimeApi::start().await.unwrap();
    let _function = FunctionProcess::spawn(binary(), "ip-filter", &api, &[]).unwrap();
    let answer = invoke(&api, fixture("viewer-request-direct.json")).await;
    assert_eq!(answer["status"], "403");
    assert_eq!(answer["headers"]["cache-control"][0]["value"], "no-store");
    let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["type"], "urn:oac-kit:problem:not-from-cloudflare");
}

#[tokio::test]
async fn an_extra_cidr_from_the_environment_lets_the_direct_caller_in() {
    let api = RuntimeApi::start().await.unwrap();
    let _function = FunctionProcess::spawn(
        binary(),
        "ip-filter",
        &api,
        &[("IP_FILTER_CONFIG", r#"{"extraCidrs":["203.0.113.0/24"]}"#)],
    )
    .unwrap();
    let event = fixture("viewer-request-direct.json");
    assert_eq!(invoke(&api, event.clone()).await, forwarded_of(&event));
}

#[tokio::test]
async fn an_event_that_is_not_a_cloudfront_event_is_an_invocation_error() {
    let api = RuntimeApi::start().await.unwrap();
    let _function = FunctionProcess::spawn(binary(), "ip-filter", &api, &[]).unwrap();
    let err = api
        .invoke(br#"{"Records":[]}"#.to_vec(), TIMEOUT)
        .await
        .unwrap_err();
    assert!(matches!(err, InvokeError::Function { .. }), "{err:?}");
}

#[tokio::test]
async fn a_bad_configuration_stops_the_function_at_init() {
    let api = RuntimeApi::start().await.unwrap();
    let mut function = FunctionProcess::spawn(
        binary(),
        "ip-filter",
        &api,
        &[("IP_FILTER_CONFIG", r#"{"extraCidrs":["::/0"]}"#)],
    )
    .unwrap();
    let status = tokio::time::timeout(TIMEOUT, function.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(!status.success(), "init must fail on a refused extra CIDR");
    let err = api
        .invoke(
            fixture("viewer-request-direct.json"),
            Duration::from_millis(500),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err,
        InvokeError::Timeout(Duration::from_millis(500)),
        "nothing is let through"
    );
}
