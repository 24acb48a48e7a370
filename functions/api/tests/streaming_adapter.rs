//! The streaming adapter `main` runs with `API_INVOKE_MODE=response_stream`
//! (`api::lambda::stream_event`): every route answers as a prelude and a body stream, the guard
//! against `lambda_http`'s panicking conversion still answers problems, and the streamed routes
//! stream through it.

mod common;

use std::time::Duration;

use api::lambda::{AnswerStream, stream_event};
use axum::body::Bytes;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::streaming::*;
use common::*;
use futures_util::StreamExt;
use lambda_http::lambda_runtime::{MetadataPrelude, StreamResponse};
use lambda_http::request::LambdaRequest;
use lambda_http::{Context, LambdaEvent};
use serde_json::{Value, json};

fn event(method: &str, path: &str, body: Option<(&str, bool)>) -> Value {
    let headers = json!({
        "host": "abcdefghij.lambda-url.eu-west-1.on.aws",
        "content-type": "application/json",
        "x-fluid-identity": READER,
        "x-amz-cf-id": "cfid-Stream-1==",
        "x-forwarded-proto": "https",
        "accept-encoding": "gzip, br",
    });
    test_support::function_url_event::event(method, path, "", headers, body)
}

/// The prelude and every body chunk of the streamed answer to `e`.
async fn streamed(app: axum::Router, e: Value) -> (MetadataPrelude, Vec<Bytes>) {
    let payload: LambdaRequest = serde_json::from_value(e).expect("a 2.0 event");
    let StreamResponse {
        metadata_prelude,
        stream,
    } = stream_event(app, LambdaEvent::new(payload, Context::default())).await;
    let stream: AnswerStream = stream;
    let chunks: Vec<Bytes> = stream.map(|chunk| chunk.unwrap()).collect().await;
    (metadata_prelude, chunks)
}

fn problem_slug(prelude: &MetadataPrelude, chunks: &[Bytes]) -> String {
    let headers = &prelude.headers;
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(headers["x-request-id"], "cfid-Stream-1==");
    let body: Value = serde_json::from_slice(&chunks.concat()).unwrap();
    assert_eq!(body["status"], prelude.status_code.as_u16());
    body["type"]
        .as_str()
        .unwrap()
        .trim_start_matches("urn:oac-kit:problem:")
        .to_owned()
}

#[tokio::test]
async fn a_buffered_route_is_a_stream_of_one_chunk() {
    let (app, _) = streaming_app(quick(Duration::from_secs(1)));
    let (prelude, chunks) = streamed(app, event("GET", "/health", None)).await;
    assert_eq!(prelude.status_code, 200);
    assert_eq!(prelude.headers["content-type"], "application/json");
    assert_eq!(prelude.headers["x-request-id"], "cfid-Stream-1==");
    assert_eq!(chunks, [Bytes::from_static(b"{\"status\":\"ok\"}")]);
}

#[tokio::test]
async fn the_export_streams_page_by_page_through_the_adapter() {
    let (app, store) = streaming_app(quick(Duration::from_secs(1)));
    let seeded = seed(store.as_ref(), 4).await;
    let (prelude, chunks) = streamed(app, event("GET", "/v1/audit-events/export", None)).await;
    assert_eq!(prelude.status_code, 200);
    let headers = &prelude.headers;
    assert_eq!(headers["content-type"], "application/x-ndjson");
    assert!(!headers.contains_key("content-encoding"), "{headers:?}");
    // Pages of 3: two chunks of events, then the end line.
    assert_eq!(chunks.len(), 3);
    let mut expected = Vec::new();
    for event in &seeded {
        serde_json::to_writer(&mut expected, event).unwrap();
        expected.push(b'\n');
    }
    expected.extend_from_slice(b"{\"end\":true,\"count\":4}\n");
    assert_eq!(chunks.concat(), expected);
}

#[tokio::test]
async fn the_event_stream_ends_with_the_close_through_the_adapter() {
    let (app, _) = streaming_app(quick(Duration::from_millis(200)));
    let (prelude, chunks) = streamed(app, event("GET", "/v1/audit-events/stream", None)).await;
    assert_eq!(prelude.headers["content-type"], "text/event-stream");
    assert!(chunks.iter().all(|c| !c.is_empty()));
    let text = String::from_utf8(chunks.concat().to_vec()).unwrap();
    assert!(text.starts_with(": stream open\n\n"), "{text}");
    assert!(
        text.ends_with("retry: 1000\nevent: close\ndata: {\"reason\":\"max-duration\"}\n\n"),
        "{text}"
    );
}

#[tokio::test]
async fn invalid_base64_is_a_streamed_400_problem_not_a_panic() {
    let (app, _) = streaming_app(quick(Duration::from_secs(1)));
    let bad = event("POST", "/v1/audit-events", Some(("not base64!!", true)));
    let (prelude, chunks) = streamed(app, bad).await;
    assert_eq!(prelude.status_code, 400);
    assert_eq!(problem_slug(&prelude, &chunks), "invalid-body-encoding");
    assert_eq!(chunks.len(), 1);
}

#[tokio::test]
async fn an_event_lambda_http_cannot_convert_is_a_streamed_400_problem() {
    let (app, _) = streaming_app(quick(Duration::from_secs(1)));
    let mut bad = event("GET", "/health", None);
    bad["headers"]["host"] = json!("exa mple");
    let (prelude, chunks) = streamed(app, bad).await;
    assert_eq!(prelude.status_code, 400);
    assert_eq!(problem_slug(&prelude, &chunks), "invalid-request");
}

#[tokio::test]
async fn a_base64_post_is_decoded_and_answered_through_the_stream() {
    let (app, _) = streaming_app(quick(Duration::from_secs(1)));
    let mut post = event(
        "POST",
        "/v1/audit-events",
        Some((&STANDARD.encode(EVENT), true)),
    );
    post["headers"]["x-fluid-identity"] = json!(WRITER);
    let (prelude, chunks) = streamed(app, post).await;
    assert_eq!(prelude.status_code, 201);
    let body: Value = serde_json::from_slice(&chunks.concat()).unwrap();
    assert_eq!(body["action"], "deploy.started");
}

#[tokio::test]
async fn the_buffered_adapter_answers_the_streamed_routes_501() {
    let payload: LambdaRequest =
        serde_json::from_value(event("GET", "/v1/audit-events/export", None)).unwrap();
    let answer =
        api::lambda::handle_event(app(), LambdaEvent::new(payload, Context::default())).await;
    assert_eq!(answer["statusCode"], 501);
    let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["type"], "urn:oac-kit:problem:streaming-unavailable");
}
