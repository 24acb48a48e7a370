//! The access log: JSON lines carrying the request ID and the verified caller, never the identity
//! value. Alone in its test binary: `tracing` caches per-callsite interest process-wide, so tests
//! running beside it on threads without a subscriber could leave its spans disabled.

mod common;

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::Value;

/// Collects log output in memory.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn access_logs_are_json_with_request_id_and_caller_but_never_the_identity_value() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = app();
    let req = Request::post("/v1/audit-events")
        .header("x-fluid-identity", WRITER)
        .header("x-amz-cf-id", "cf-req-42")
        .header("content-type", "application/json")
        .body(Body::from(EVENT))
        .unwrap();
    assert_eq!(send(&app, req).await.status, StatusCode::CREATED);

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("every log line is JSON"))
        .collect();
    assert!(lines.len() >= 2, "{text}");
    for line in &lines {
        assert_eq!(line["span"]["request_id"], "cf-req-42", "{line}");
    }
    let access = lines
        .iter()
        .find(|l| l["message"] == "request served")
        .expect("access log line");
    assert_eq!(access["span"]["caller"], WRITER_ARN);
    assert_eq!(access["span"]["caller_session"], WRITER_SESSION_ARN);
    assert_eq!(access["status"], 201);
    assert_eq!(access["method"], "POST");
    assert_eq!(access["path"], "/v1/audit-events");
    assert!(
        !text.contains(WRITER),
        "the identity header value leaked into logs"
    );
}
