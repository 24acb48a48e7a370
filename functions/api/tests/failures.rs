//! What the router does when things break (`oneshot`): storage failures, a panicking handler, and
//! the access log it writes meanwhile (never the identity value).

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::*;
use fluid_identity::axum::IdentityGate;

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
