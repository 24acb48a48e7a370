//! `GET /v1/audit-events/export`: NDJSON framing, the whole log page by page exactly as the list
//! pages it, the end line, a store failure part way, resuming with `after`, and the refusals.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use api::store::SqliteStore;
use axum::http::StatusCode;
use common::streaming::*;
use common::*;
use futures_util::StreamExt;
use serde_json::{Value, json};

const EXPORT: &str = "/v1/audit-events/export";

/// Every item of the list, page by page through `next_cursor`.
async fn listed(app: &axum::Router) -> Vec<Value> {
    let mut items = Vec::new();
    let mut path = "/v1/audit-events?limit=2".to_owned();
    loop {
        let page = send(app, get(&path, Some(READER))).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        items.extend(page.body["events"].as_array().unwrap().iter().cloned());
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/audit-events?limit=2&cursor={cursor}"),
            None => return items,
        }
    }
}

/// The lines of an NDJSON body, each parsed.
fn lines(body: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(body).unwrap();
    assert!(
        text.ends_with('\n'),
        "the last line is terminated: {text:?}"
    );
    text.split_terminator('\n')
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}")))
        .collect()
}

#[tokio::test]
async fn the_export_is_every_item_of_the_list_in_order_then_the_end_line() {
    let (app, store) = streaming_app(quick(Duration::from_secs(1)));
    seed(store.as_ref(), 8).await;
    let response = open(&app, get(EXPORT, Some(READER))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(!response.headers().contains_key("content-length"));
    let chunks = chunks(response).await;
    // Page size 3: 8 events are pages of 3, 3, 2, then the end line — one chunk each.
    assert_eq!(chunks.len(), 4, "{chunks:?}");
    let body: Vec<u8> = chunks.concat();
    let mut lines = lines(&body);
    assert_eq!(lines.pop(), Some(json!({"end": true, "count": 8})));
    assert_eq!(lines, listed(&app).await);
}

#[tokio::test]
async fn every_event_is_one_line_even_with_newlines_in_its_detail() {
    let (app, store) = streaming_app(quick(Duration::from_secs(1)));
    let seeded = seed(store.as_ref(), 2).await;
    let body = chunks(open(&app, get(EXPORT, Some(READER))).await)
        .await
        .concat();
    let text = String::from_utf8(body).unwrap();
    assert_eq!(text.matches('\n').count(), 3, "{text}");
    let first: api::model::AuditEvent = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first, seeded[0]);
}

#[tokio::test]
async fn an_empty_log_is_just_the_end_line() {
    let (app, _) = streaming_app(quick(Duration::from_secs(1)));
    let body = chunks(open(&app, get(EXPORT, Some(READER))).await)
        .await
        .concat();
    assert_eq!(body, b"{\"end\":true,\"count\":0}\n");
}

#[tokio::test]
async fn after_resumes_strictly_after_the_event() {
    let (app, store) = streaming_app(quick(Duration::from_secs(1)));
    let seeded = seed(store.as_ref(), 5).await;
    let path = format!("{EXPORT}?after={}", seeded[1].id);
    let mut lines = lines(
        &chunks(open(&app, get(&path, Some(READER))).await)
            .await
            .concat(),
    );
    assert_eq!(lines.pop(), Some(json!({"end": true, "count": 3})));
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    let expected: Vec<&str> = seeded[2..].iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn a_store_failure_part_way_ends_with_the_error_line_and_no_end_line() {
    let inner = SqliteStore::in_memory().unwrap();
    seed(&inner, 7).await;
    // The first two pages are read; the third read fails.
    let store = Arc::new(FailingStore::new(inner, 2));
    let app = streaming_app_on(store, quick(Duration::from_secs(1)));
    let response = open(&app, get(EXPORT, Some(READER))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut lines = lines(&chunks(response).await.concat());
    let last = lines.pop().unwrap();
    assert_eq!(
        last["error"]["type"],
        "urn:oac-kit:problem:storage-unavailable"
    );
    assert_eq!(last["error"]["status"], 503);
    assert_eq!(lines.len(), 6, "two pages of three before the failure");
    assert!(lines.iter().all(|l| l.get("end").is_none()));
}

#[tokio::test]
async fn a_store_down_before_the_first_page_is_a_503_problem() {
    let store = Arc::new(FailingStore::new(SqliteStore::in_memory().unwrap(), 0));
    let app = streaming_app_on(store, quick(Duration::from_secs(1)));
    let a = send(&app, get(EXPORT, Some(READER))).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(a.problem(), "storage-unavailable");
}

#[tokio::test]
async fn a_bad_after_is_a_400_invalid_query() {
    let (app, _) = streaming_app(quick(Duration::from_secs(1)));
    for after in [
        "",
        "x",
        "0190A000-0000-7000-8000-000000000001",
        "0190a0000000700080000000000000001",
        "{0190a000-0000-7000-8000-000000000001}",
        "%FF",
    ] {
        let a = send(&app, get(&format!("{EXPORT}?after={after}"), Some(READER))).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{after:?}");
        assert_eq!(a.problem(), "invalid-query", "{after:?}");
    }
}

#[tokio::test]
async fn an_unknown_parameter_is_a_400_invalid_query() {
    let (app, _) = streaming_app(quick(Duration::from_secs(1)));
    let a = send(&app, get(&format!("{EXPORT}?limit=5"), Some(READER))).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.problem(), "invalid-query");
}

#[tokio::test]
async fn the_export_needs_an_allowlisted_identity() {
    let (app, _) = streaming_app(quick(Duration::from_secs(1)));
    let missing = send(&app, get(EXPORT, None)).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    missing.problem();
    let stranger = send(&app, get(EXPORT, Some(STRANGER))).await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    stranger.problem();
}

#[tokio::test]
async fn a_buffered_deployment_answers_501_streaming_unavailable() {
    let a = send(&app(), get(EXPORT, Some(READER))).await;
    assert_eq!(a.status, StatusCode::NOT_IMPLEMENTED);
    assert_eq!(a.problem(), "streaming-unavailable");
}

#[tokio::test]
async fn a_buffered_deployment_refuses_a_bad_after_first() {
    let a = send(&app(), get(&format!("{EXPORT}?after=x"), Some(READER))).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.problem(), "invalid-query");
}

#[tokio::test]
async fn pages_are_read_only_as_the_client_reads_them() {
    // Bounded memory: the export holds one page; the next is read when the client has taken the
    // previous chunk, never ahead of it.
    let inner = SqliteStore::in_memory().unwrap();
    seed(&inner, 7).await;
    let store = Arc::new(FailingStore::new(inner, usize::MAX));
    let app = streaming_app_on(store.clone(), quick(Duration::from_secs(1)));
    let response = open(&app, get(EXPORT, Some(READER))).await;
    assert_eq!(
        store.lists.load(Ordering::SeqCst),
        1,
        "the first page, before the headers"
    );
    let mut body = response.into_body().into_data_stream();
    let first = body.next().await.unwrap().unwrap();
    assert_eq!(first.iter().filter(|b| **b == b'\n').count(), 3);
    assert_eq!(store.lists.load(Ordering::SeqCst), 1);
    body.next().await.unwrap().unwrap();
    assert_eq!(store.lists.load(Ordering::SeqCst), 2);
    let rest: Vec<_> = body.map(|chunk| chunk.unwrap()).collect().await;
    assert_eq!(
        rest.last().unwrap().as_ref(),
        b"{\"end\":true,\"count\":7}\n"
    );
    assert_eq!(store.lists.load(Ordering::SeqCst), 3);
}
