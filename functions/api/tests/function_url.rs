//! Function URL events (payload format 2.0, text and base64 bodies) through `lambda_http`'s
//! request parsing and through the adapter `main` runs on Lambda, including the guard that keeps
//! bodies `lambda_http` would panic on away from it.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;
use lambda_http::request::LambdaRequest;
use lambda_http::{Context, LambdaEvent};
use serde_json::{Value, json};

/// A Function URL event as Lambda delivers it (CloudFront in front, so `x-amz-cf-id` is set).
fn event(method: &str, path: &str, query: &str, body: Option<(&str, bool)>) -> Value {
    let headers = json!({
        "host": "abcdefghij.lambda-url.eu-west-1.on.aws",
        "content-type": "application/json",
        "x-fluid-identity": WRITER,
        "x-amz-cf-id": "cfid-Fn_URL-1==",
        "x-forwarded-proto": "https",
    });
    test_support::function_url_event::event(method, path, query, headers, body)
}

async fn through_lambda_http_parsing(e: &Value) -> Answer {
    let request = lambda_http::request::from_str(&e.to_string()).expect("a 2.0 event");
    send(&app(), request.map(axum::body::Body::new)).await
}

async fn through_the_adapter(e: Value) -> Value {
    let payload: LambdaRequest = serde_json::from_value(e).expect("a 2.0 event");
    api::lambda::handle_event(app(), LambdaEvent::new(payload, Context::default())).await
}

fn problem_slug(answer: &Value) -> String {
    assert_eq!(
        answer["headers"]["content-type"],
        "application/problem+json"
    );
    let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["status"], answer["statusCode"]);
    body["type"]
        .as_str()
        .unwrap()
        .trim_start_matches("urn:oac-kit:problem:")
        .to_owned()
}

#[tokio::test]
async fn a_text_body_is_parsed_into_the_request() {
    let a =
        through_lambda_http_parsing(&event("POST", "/v1/audit-events", "", Some((EVENT, false))))
            .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["action"], "deploy.started");
    assert_eq!(a.headers["x-request-id"], "cfid-Fn_URL-1==");
}

#[tokio::test]
async fn a_base64_body_is_decoded_into_the_request() {
    let encoded = STANDARD.encode(EVENT);
    let a = through_lambda_http_parsing(&event(
        "POST",
        "/v1/audit-events",
        "",
        Some((&encoded, true)),
    ))
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["detail"], json!({"commit": "abc123"}));
}

#[tokio::test]
async fn the_raw_query_string_reaches_the_route() {
    let a = through_lambda_http_parsing(&event("GET", "/v1/audit-events", "limit=abc", None)).await;
    assert_eq!(a.status, 400);
    assert_eq!(a.problem(), "invalid-query");
}

#[tokio::test]
async fn the_adapter_answers_in_payload_2_0_format() {
    let answer = through_the_adapter(event("GET", "/health", "", None)).await;
    assert_eq!(answer["statusCode"], 200);
    assert_eq!(answer["headers"]["x-request-id"], "cfid-Fn_URL-1==");
    assert_eq!(answer["isBase64Encoded"], false);
    let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, json!({"status": "ok"}));
}

#[tokio::test]
async fn the_adapter_serves_base64_posts() {
    let encoded = STANDARD.encode(EVENT);
    let answer = through_the_adapter(event(
        "POST",
        "/v1/audit-events",
        "",
        Some((&encoded, true)),
    ))
    .await;
    assert_eq!(answer["statusCode"], 201, "{answer}");
    assert!(
        answer["headers"]["location"]
            .as_str()
            .unwrap()
            .starts_with("/v1/audit-events/")
    );
}

#[tokio::test]
async fn the_adapter_passes_problems_through() {
    let answer = through_the_adapter(event(
        "POST",
        "/v1/audit-events",
        "",
        Some(("{oops", false)),
    ))
    .await;
    assert_eq!(answer["statusCode"], 400);
    assert_eq!(problem_slug(&answer), "malformed-json");
}

#[tokio::test]
async fn invalid_base64_is_a_400_problem_not_a_panic() {
    let bad = event("POST", "/v1/audit-events", "", Some(("not base64!!", true)));
    // Without the guard this input panics lambda_http.
    let unguarded = std::panic::catch_unwind(|| lambda_http::request::from_str(&bad.to_string()));
    assert!(unguarded.is_err(), "lambda_http no longer panics here");

    let answer = through_the_adapter(bad).await;
    assert_eq!(answer["statusCode"], 400);
    assert_eq!(problem_slug(&answer), "invalid-body-encoding");
    assert_eq!(answer["headers"]["x-request-id"], "cfid-Fn_URL-1==");
}

#[tokio::test]
async fn non_canonical_base64_padding_is_refused_too() {
    // Missing padding: lambda_http's engine requires it.
    let answer =
        through_the_adapter(event("POST", "/v1/audit-events", "", Some(("e30", true)))).await;
    assert_eq!(answer["statusCode"], 400);
    assert_eq!(problem_slug(&answer), "invalid-body-encoding");
}

#[tokio::test]
async fn an_event_lambda_http_cannot_convert_is_a_400_problem() {
    let mut bad = event("GET", "/health", "", None);
    bad["headers"]["host"] = json!("exa mple");
    let unguarded = std::panic::catch_unwind(|| lambda_http::request::from_str(&bad.to_string()));
    assert!(unguarded.is_err(), "lambda_http no longer panics here");

    let answer = through_the_adapter(bad).await;
    assert_eq!(answer["statusCode"], 400);
    assert_eq!(problem_slug(&answer), "invalid-request");
}
