//! The streamed routes in the OpenAPI document, exactly as strict as the code: their media types,
//! every problem they answer, and `after` and `Last-Event-ID` admitted by the document if and only
//! if the server takes them.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::contract::*;
use common::streaming::*;
use common::*;
use serde_json::{Value, json};

const EXPORT: &str = "/v1/audit-events/export";
const STREAM: &str = "/v1/audit-events/stream";

/// The content types of each documented status of `GET path`.
fn documented(doc: &Value, path: &str) -> Vec<(String, String)> {
    let responses = doc["paths"][path]["get"]["responses"]
        .as_object()
        .unwrap_or_else(|| panic!("GET {path} is not documented"));
    let mut out = Vec::new();
    for (status, response) in responses {
        for content_type in response["content"].as_object().unwrap().keys() {
            out.push((status.clone(), content_type.clone()));
        }
    }
    out
}

#[tokio::test]
async fn both_routes_document_their_media_type_and_every_problem() {
    let doc = openapi().await;
    let problem = "application/problem+json";
    for (path, media, bad_input) in [
        (EXPORT, "application/x-ndjson", "400"),
        (STREAM, "text/event-stream", "400"),
    ] {
        let mut expected: Vec<(String, String)> = vec![("200".into(), media.into())];
        for status in [bad_input, "401", "403", "501", "503"] {
            expected.push((status.into(), problem.into()));
        }
        assert_eq!(documented(&doc, path), expected, "{path}");
        let operation = &doc["paths"][path]["get"];
        assert_eq!(
            operation["security"],
            json!([{"fluid_identity": []}]),
            "{path}"
        );
    }
}

/// The values both parameters are held to: event IDs and near misses.
fn event_id_candidates() -> Vec<String> {
    [
        "0190a000-0000-7000-8000-000000000001",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "00000000-0000-0000-0000-000000000000",
        "0190A000-0000-7000-8000-000000000001",
        "0190a000000070008000000000000001",
        "{0190a000-0000-7000-8000-000000000001}",
        "urn:uuid:0190a000-0000-7000-8000-000000000001",
        "0190a000-0000-7000-8000-00000000000g",
        "0190a000-0000-7000-8000-0000000000011",
        "0190a000_0000_7000_8000_000000000001",
        " 0190a000-0000-7000-8000-000000000001",
        "",
        "x",
        "caf\u{e9}",
    ]
    .iter()
    .map(|v| (*v).to_owned())
    .collect()
}

#[tokio::test]
async fn after_is_documented_as_the_event_ids_the_export_takes() {
    let schema = parameter_schema(&openapi().await, EXPORT, "get", "after");
    let (app, _) = streaming_app(quick(Duration::from_secs(1)));
    agree(
        "after",
        &event_id_candidates(),
        |v| string_schema_admits(&schema, v),
        async |v| {
            let path = format!("{EXPORT}?after={}", encoded(v));
            let a = send(&app, get(&path, Some(READER))).await;
            accepted(&a, StatusCode::OK, "invalid-query", v)
        },
    )
    .await;
}

#[tokio::test]
async fn last_event_id_is_documented_as_the_ids_the_stream_takes() {
    let schema = parameter_schema(&openapi().await, STREAM, "get", "Last-Event-ID");
    let (app, _) = streaming_app(quick(Duration::from_secs(1)));
    let candidates: Vec<String> = event_id_candidates()
        .into_iter()
        .filter(|v| http::HeaderValue::from_str(v).is_ok())
        .collect();
    agree(
        "Last-Event-ID",
        &candidates,
        |v| string_schema_admits(&schema, v),
        async |v| {
            let mut request = get(STREAM, Some(READER));
            request
                .headers_mut()
                .insert("last-event-id", v.parse().unwrap());
            // Only the status: a taken value opens a stream, which is dropped unread.
            let response = open(&app, request).await;
            if response.status() == StatusCode::OK {
                return true;
            }
            let body = chunks(response).await.concat();
            let body: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(
                body["type"], "urn:oac-kit:problem:invalid-last-event-id",
                "{v:?}"
            );
            false
        },
    )
    .await;
}
