//! What the router does when things break (`oneshot`): storage failures, a panicking handler, and
//! the access log it writes meanwhile (never the identity value).

mod common;

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use fluid_identity::axum::IdentityGate;
use serde_json::Value;

/// A store whose every call fails, or panics.
struct BrokenStore {
    panic: bool,
}

impl api::store::AuditStore for BrokenStore {
    fn append(
        &self,
        _: api::model::AuditEvent,
        _: Option<api::store::IdempotencyClaim>,
    ) -> api::store::BoxFuture<'_, Result<api::store::Appended, api::store::StoreError>> {
        let panic = self.panic;
        Box::pin(async move {
            if panic {
                panic!("bug in the store");
            }
            Err(api::store::StoreError("table gone".into()))
        })
    }
    fn get<'a>(
        &'a self,
        _: &'a str,
    ) -> api::store::BoxFuture<'a, Result<Option<api::model::AuditEvent>, api::store::StoreError>>
    {
        Box::pin(async { Err(api::store::StoreError("table gone".into())) })
    }
    fn list<'a>(
        &'a self,
        _: Option<&'a str>,
        _: usize,
    ) -> api::store::BoxFuture<'a, Result<api::store::Page, api::store::StoreError>> {
        Box::pin(async { Err(api::store::StoreError("table gone".into())) })
    }
}

#[tokio::test]
async fn storage_failures_are_503_without_internals() {
    let app = api::router(
        Arc::new(BrokenStore { panic: false }),
        IdentityGate::new(TestGate),
        65536,
    );
    for req in [
        post_json(Some(WRITER), None, EVENT),
        get("/v1/audit-events", Some(READER)),
        get(
            "/v1/audit-events/019a0000-0000-7000-8000-000000000000",
            Some(READER),
        ),
    ] {
        let a = send(&app, req).await;
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(a.problem(), "storage-unavailable");
        assert!(!String::from_utf8_lossy(&a.raw).contains("table gone"));
    }
    // /health makes no storage call.
    assert_eq!(
        send(&app, get("/health", None)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_problem_not_a_crash() {
    let app = api::router(
        Arc::new(BrokenStore { panic: true }),
        IdentityGate::new(TestGate),
        65536,
    );
    let a = send(&app, post_json(Some(WRITER), None, EVENT)).await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(a.problem(), "internal-error");
    assert!(a.headers.contains_key("x-request-id"));
}

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
