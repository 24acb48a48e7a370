//! `GET /v1/audit-events/stream`: SSE framing, the settle rule, heartbeats, the close with
//! `retry:` (at `SSE_MAX_SECONDS` or before the invocation's deadline), resuming with
//! `Last-Event-ID` without loss or duplicates while writers append, and the refusals.

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use api::config::StreamSettings;
use api::model::AuditEvent;
use api::store::{AuditStore, SqliteStore};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::streaming::*;
use common::*;

const STREAM: &str = "/v1/audit-events/stream";

fn stream_request(last_event_id: Option<&str>) -> Request<Body> {
    let mut request = get(STREAM, Some(READER));
    if let Some(id) = last_event_id {
        request
            .headers_mut()
            .insert("last-event-id", id.parse().unwrap());
    }
    request
}

fn close_reason(frame: &str) -> &str {
    let mut lines = frame.lines();
    assert_eq!(lines.next(), Some("retry: 1000"), "{frame}");
    assert_eq!(lines.next(), Some("event: close"), "{frame}");
    let data = lines.next().and_then(|l| l.strip_prefix("data: ")).unwrap();
    assert_eq!(lines.next(), None);
    data.strip_prefix("{\"reason\":\"")
        .and_then(|d| d.strip_suffix("\"}"))
        .unwrap()
}

/// A new event as an append makes it (its ID minted now), not yet stored.
fn minted(i: usize) -> AuditEvent {
    let new: api::model::NewAuditEvent = serde_json::from_value(serde_json::json!({
        "action": "deploy.started", "resource": format!("r{i}"),
    }))
    .unwrap();
    new.into_event(WRITER_ARN, WRITER_SESSION_ARN)
}

#[tokio::test]
async fn appended_events_arrive_as_framed_messages_then_the_close() {
    let (app, store) = streaming_app(StreamSettings {
        settle: Duration::ZERO,
        ..quick(Duration::from_millis(600))
    });
    let response = open(&app, stream_request(None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(!response.headers().contains_key("content-length"));
    let mut frames = Frames::of(response);
    assert_eq!(frames.next().await.unwrap(), ": stream open");
    let appended = seed(store.as_ref(), 2).await;
    let rest = frames.rest().await;
    let events: Vec<AuditEvent> = rest.iter().filter_map(|f| frame_event(f)).collect();
    assert_eq!(events, appended, "{rest:#?}");
    assert_eq!(
        frame_id(&rest[0]),
        Some(appended[0].id.as_str()),
        "id: is the event ID"
    );
    assert_eq!(close_reason(rest.last().unwrap()), "max-duration");
}

#[tokio::test]
async fn without_last_event_id_the_stream_starts_now() {
    let (app, store) = streaming_app(StreamSettings {
        settle: Duration::ZERO,
        ..quick(Duration::from_millis(300))
    });
    seed(store.as_ref(), 3).await;
    // "Now" is a millisecond: the events of the current one would still be sent.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let frames = Frames::of(open(&app, stream_request(None)).await)
        .rest()
        .await;
    assert!(frames.iter().all(|f| frame_id(f).is_none()), "{frames:#?}");
}

#[tokio::test]
async fn last_event_id_resumes_strictly_after_that_event() {
    let (app, store) = streaming_app(quick(Duration::from_millis(500)));
    let seeded = seed(store.as_ref(), 4).await;
    tokio::time::sleep(Duration::from_millis(250)).await; // older than the settle time
    let frames = Frames::of(open(&app, stream_request(Some(&seeded[1].id))).await)
        .rest()
        .await;
    let events: Vec<AuditEvent> = frames.iter().filter_map(|f| frame_event(f)).collect();
    assert_eq!(events, seeded[2..]);
}

#[tokio::test]
async fn an_event_that_commits_after_a_later_one_is_still_sent_first() {
    // The hazard the settle rule exists for: `early` takes its ID, `late` takes a later one and
    // commits first, then `early` commits. Sending only settled IDs sends both, in ID order.
    let (app, store) = streaming_app(StreamSettings {
        // The default: the two appends below finish well within it, even on a loaded machine.
        settle: Duration::from_millis(2_000),
        ..quick(Duration::from_secs(10))
    });
    let mut frames = Frames::of(open(&app, stream_request(None)).await);
    assert_eq!(frames.next().await.unwrap(), ": stream open");
    let early = minted(1);
    tokio::time::sleep(Duration::from_millis(5)).await;
    let late = minted(2);
    assert!(early.id < late.id);
    store.append(late.clone(), None).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await; // the stream polls meanwhile
    store.append(early.clone(), None).await.unwrap();
    let mut received = Vec::new();
    while received.len() < 2 {
        let frame = frames.next().await.expect("the stream ended early");
        received.extend(frame_event(&frame));
    }
    assert_eq!(received, [early, late]);
}

#[tokio::test]
async fn without_a_settle_time_a_late_commit_is_lost() {
    // The control of the test above: with SSE_SETTLE_MS=0 the stream passes `late` before
    // `early` is stored and never goes back.
    let (app, store) = streaming_app(StreamSettings {
        settle: Duration::ZERO,
        ..quick(Duration::from_millis(800))
    });
    let mut frames = Frames::of(open(&app, stream_request(None)).await);
    assert_eq!(frames.next().await.unwrap(), ": stream open");
    let early = minted(1);
    tokio::time::sleep(Duration::from_millis(5)).await;
    let late = minted(2);
    store.append(late.clone(), None).await.unwrap();
    let frame = frames.next().await.unwrap();
    assert_eq!(frame_event(&frame), Some(late));
    store.append(early, None).await.unwrap();
    let rest = frames.rest().await;
    assert!(rest.iter().all(|f| frame_id(f).is_none()), "{rest:#?}");
}

#[tokio::test]
async fn a_quiet_stream_sends_heartbeat_comments_then_closes() {
    let (app, _) = streaming_app(StreamSettings {
        heartbeat: Duration::from_millis(100),
        ..quick(Duration::from_millis(700))
    });
    let frames = Frames::of(open(&app, stream_request(None)).await)
        .rest()
        .await;
    let heartbeats = frames.iter().filter(|f| *f == ": heartbeat").count();
    assert!(heartbeats >= 2, "{frames:#?}");
    assert_eq!(frames[0], ": stream open");
    assert_eq!(close_reason(frames.last().unwrap()), "max-duration");
}

#[tokio::test]
async fn the_stream_closes_before_the_invocations_deadline() {
    let (app, _) = streaming_app(quick(Duration::from_secs(600)));
    let deadline_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
        + 1_200;
    let mut context = lambda_http::Context::default();
    context.deadline = deadline_ms;
    let mut request = stream_request(None);
    request.extensions_mut().insert(context);
    let frames = Frames::of(open(&app, request).await).rest().await;
    let ended_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    assert_eq!(close_reason(frames.last().unwrap()), "deadline");
    assert!(
        ended_ms < deadline_ms,
        "ended at {ended_ms}, deadline {deadline_ms}"
    );
}

#[tokio::test]
async fn a_store_failure_sends_an_error_event_then_closes() {
    let store = Arc::new(FailingStore::new(SqliteStore::in_memory().unwrap(), 1));
    let app = streaming_app_on(store, quick(Duration::from_secs(5)));
    let frames = Frames::of(open(&app, stream_request(None)).await)
        .rest()
        .await;
    let error = &frames[frames.len() - 2];
    assert!(error.starts_with("event: error\ndata: {"), "{frames:#?}");
    assert!(error.contains("urn:oac-kit:problem:storage-unavailable"));
    assert_eq!(close_reason(frames.last().unwrap()), "storage-unavailable");
}

#[tokio::test]
async fn a_store_down_at_the_start_is_a_503_problem() {
    let store = Arc::new(FailingStore::new(SqliteStore::in_memory().unwrap(), 0));
    let app = streaming_app_on(store, quick(Duration::from_secs(5)));
    let a = send(&app, stream_request(None)).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(a.problem(), "storage-unavailable");
}

#[tokio::test]
async fn reconnecting_with_last_event_id_loses_and_repeats_nothing_while_writers_append() {
    let (app, store) = streaming_app(StreamSettings {
        settle: Duration::from_millis(150),
        ..quick(Duration::from_millis(400))
    });
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let app = app.clone();
            tokio::spawn(async move {
                for _ in 0..12 {
                    let a = send(&app, post_json(Some(WRITER), None, EVENT)).await;
                    assert_eq!(a.status, StatusCode::CREATED);
                    tokio::time::sleep(Duration::from_millis(20 + 7 * w)).await;
                }
            })
        })
        .collect();
    let mut received: Vec<String> = Vec::new();
    let mut last: Option<String> = None;
    for _ in 0..30 {
        let frames = Frames::of(open(&app, stream_request(last.as_deref())).await)
            .rest()
            .await;
        assert!(close_reason(frames.last().unwrap()) == "max-duration");
        received.extend(frames.iter().filter_map(|f| frame_id(f).map(str::to_owned)));
        last = received.last().cloned();
        if received.len() >= 36 {
            break;
        }
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let stored: Vec<String> = store
        .list(None, 1000)
        .await
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(stored.len(), 36);
    let unique: HashSet<&String> = received.iter().collect();
    assert_eq!(unique.len(), received.len(), "duplicates: {received:#?}");
    assert_eq!(received, stored);
}

#[tokio::test]
async fn a_bad_last_event_id_is_a_400_problem() {
    let (app, _) = streaming_app(quick(Duration::from_secs(1)));
    for value in [
        "",
        "42",
        "0190A000-0000-7000-8000-000000000001",
        "0190a0000000700080000000000000001",
        "urn:uuid:0190a000-0000-7000-8000-000000000001",
    ] {
        let a = send(&app, stream_request(Some(value))).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{value:?}");
        assert_eq!(a.problem(), "invalid-last-event-id", "{value:?}");
    }
    let mut twice = stream_request(Some("0190a000-0000-7000-8000-000000000001"));
    twice.headers_mut().append(
        "last-event-id",
        "0190a000-0000-7000-8000-000000000002".parse().unwrap(),
    );
    let a = send(&app, twice).await;
    assert_eq!(a.problem(), "invalid-last-event-id");
}

#[tokio::test]
async fn the_stream_needs_an_allowlisted_identity() {
    let (app, _) = streaming_app(quick(Duration::from_secs(1)));
    let missing = send(&app, get(STREAM, None)).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    missing.problem();
    let stranger = send(&app, get(STREAM, Some(STRANGER))).await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    stranger.problem();
}

#[tokio::test]
async fn a_buffered_deployment_answers_501_streaming_unavailable() {
    let a = send(&app(), get(STREAM, Some(READER))).await;
    assert_eq!(a.status, StatusCode::NOT_IMPLEMENTED);
    assert_eq!(a.problem(), "streaming-unavailable");
}

#[tokio::test]
async fn a_buffered_deployment_refuses_a_bad_last_event_id_first() {
    let mut request = get(STREAM, Some(READER));
    request
        .headers_mut()
        .insert("last-event-id", "42".parse().unwrap());
    let a = send(&app(), request).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.problem(), "invalid-last-event-id");
}
