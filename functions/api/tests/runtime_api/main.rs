//! The real `api` binary against a minimal fake of the Lambda Runtime API: with
//! `API_INVOKE_MODE=response_stream` every answer is posted in the streaming protocol (the
//! response-mode header, the HTTP integration content type, a prelude JSON, eight NUL bytes, the
//! body); with the default, a buffered payload 2.0 answer, and the streamed routes' 501.

mod fake;

use fake::*;
use serde_json::{Value, json};

/// The prelude and the body of a streamed answer.
fn split_streamed(posted: &Posted) -> (Value, &[u8]) {
    assert_eq!(posted.outcome, "response", "{posted:?}");
    assert_eq!(
        posted.headers["lambda-runtime-function-response-mode"],
        "streaming"
    );
    assert_eq!(
        posted.headers["content-type"],
        "application/vnd.awslambda.http-integration-response"
    );
    let trailers: Vec<&str> = posted
        .headers
        .get_all("trailer")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(
        trailers,
        [
            "Lambda-Runtime-Function-Error-Type",
            "Lambda-Runtime-Function-Error-Body"
        ]
    );
    let body = &posted.body[..];
    let at = body
        .windows(8)
        .position(|w| w == [0u8; 8])
        .expect("the 8 NUL delimiter");
    (
        serde_json::from_slice(&body[..at]).unwrap(),
        &body[at + 8..],
    )
}

#[tokio::test]
async fn response_stream_mode_answers_every_route_in_the_streaming_protocol() {
    let dir = tempfile::tempdir().unwrap();
    let (address, received) = start_fake(invocations()).await;
    let _function = start_function(
        address,
        &[("API_INVOKE_MODE", "response_stream")],
        dir.path(),
    );
    let answers = answers(received, 3).await;
    let ids: Vec<&str> = answers.iter().map(|a| a.request_id.as_str()).collect();
    assert_eq!(ids, ["health", "export", "base64"]);

    let (prelude, body) = split_streamed(&answers[0]);
    assert_eq!(prelude["statusCode"], 200);
    assert_eq!(prelude["headers"]["content-type"], "application/json");
    assert_eq!(prelude["headers"]["x-request-id"], "cf-health");
    assert!(
        prelude["headers"].get("content-encoding").is_none(),
        "{prelude}"
    );
    assert_eq!(body, b"{\"status\":\"ok\"}");

    let (prelude, body) = split_streamed(&answers[1]);
    assert_eq!(prelude["statusCode"], 401, "identity-gated");
    assert_eq!(
        prelude["headers"]["content-type"],
        "application/problem+json"
    );
    let problem: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(problem["status"], 401);

    let (prelude, body) = split_streamed(&answers[2]);
    assert_eq!(prelude["statusCode"], 400);
    let problem: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(problem["type"], "urn:oac-kit:problem:invalid-body-encoding");
}

#[tokio::test]
async fn buffered_mode_answers_one_payload_per_invocation() {
    let dir = tempfile::tempdir().unwrap();
    let mut events = invocations();
    events.push(event_as(
        Some(&identity()),
        "export-buffered",
        "GET",
        "/v1/audit-events/export",
        None,
    ));
    let (address, received) = start_fake(events).await;
    let _function = start_function(address, &[], dir.path());
    let answers = answers(received, 4).await;
    for posted in &answers {
        assert_eq!(posted.outcome, "response");
        assert!(
            !posted
                .headers
                .contains_key("lambda-runtime-function-response-mode")
        );
    }
    let health: Value = serde_json::from_slice(&answers[0].body).unwrap();
    assert_eq!(health["statusCode"], 200);
    assert_eq!(health["body"], "{\"status\":\"ok\"}");
    let export: Value = serde_json::from_slice(&answers[1].body).unwrap();
    assert_eq!(export["statusCode"], 401, "the identity gate comes first");
    let export: Value = serde_json::from_slice(&answers[3].body).unwrap();
    assert_eq!(export["statusCode"], 501, "{export}");
    let problem: Value = serde_json::from_str(export["body"].as_str().unwrap()).unwrap();
    assert_eq!(problem["type"], "urn:oac-kit:problem:streaming-unavailable");
}

#[tokio::test]
async fn the_streamed_routes_stream_from_the_real_binary() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = {
        let store = api::store::SqliteStore::open(&dir.path().join("api.sqlite3")).unwrap();
        let mut seeded = Vec::new();
        for i in 0..5 {
            let new: api::model::NewAuditEvent = serde_json::from_value(
                json!({"action": "deploy.started", "resource": format!("r{i}")}),
            )
            .unwrap();
            let event = new.into_event("arn:aws:iam::111122223333:role/deployer", "s");
            api::store::AuditStore::append(&store, event.clone(), None)
                .await
                .unwrap();
            seeded.push(event);
        }
        seeded
    };
    let caller = identity();
    let events = vec![
        event_as(
            Some(&caller),
            "export",
            "GET",
            "/v1/audit-events/export",
            None,
        ),
        event_as(
            Some(&caller),
            "stream",
            "GET",
            "/v1/audit-events/stream",
            None,
        ),
    ];
    let (address, received) = start_fake(events).await;
    let _function = start_function(
        address,
        &[
            ("API_INVOKE_MODE", "response_stream"),
            ("EXPORT_PAGE_SIZE", "2"),
            ("SSE_MAX_SECONDS", "1"),
            ("SSE_POLL_MS", "50"),
        ],
        dir.path(),
    );
    let answers = answers(received, 2).await;

    let (prelude, body) = split_streamed(&answers[0]);
    assert_eq!(
        prelude["statusCode"],
        200,
        "{}",
        String::from_utf8_lossy(body)
    );
    assert_eq!(prelude["headers"]["content-type"], "application/x-ndjson");
    assert!(prelude["headers"].get("content-encoding").is_none());
    let mut expected = Vec::new();
    for event in &seeded {
        serde_json::to_writer(&mut expected, event).unwrap();
        expected.push(b'\n');
    }
    expected.extend_from_slice(b"{\"end\":true,\"count\":5}\n");
    assert_eq!(body, expected);

    let (prelude, body) = split_streamed(&answers[1]);
    assert_eq!(prelude["statusCode"], 200);
    assert_eq!(prelude["headers"]["content-type"], "text/event-stream");
    let text = std::str::from_utf8(body).unwrap();
    assert!(text.starts_with(": stream open\n\n"), "{text}");
    assert!(
        text.ends_with("retry: 1000\nevent: close\ndata: {\"reason\":\"max-duration\"}\n\n"),
        "{text}"
    );
}
