//! The router's own behaviour (`oneshot`): health, request IDs, unknown routes and methods, the
//! OpenAPI document. Identities come from a test `Authenticate` implementation (the real verifier is
//! exercised in `identity_standin.rs`); identity, audit-event and failure paths have their own files.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::json;

#[tokio::test]
async fn health_is_public_and_carries_a_generated_request_id() {
    let a = send(&app(), get("/health", None)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body, json!({"status": "ok"}));
    let id = a.headers["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::try_parse(id).is_ok(), "{id}");
    assert_eq!(a.headers["cache-control"], "no-store");
}

#[tokio::test]
async fn cloudfront_id_becomes_the_request_id() {
    let req = Request::get("/health")
        .header("x-amz-cf-id", "4nYi3Qk_PxT9-ABCdef==")
        .body(Body::empty())
        .unwrap();
    let a = send(&app(), req).await;
    assert_eq!(a.headers["x-request-id"], "4nYi3Qk_PxT9-ABCdef==");
}

#[tokio::test]
async fn a_cloudfront_id_with_foreign_characters_is_replaced() {
    let req = Request::get("/health")
        .header("x-amz-cf-id", "x\",\"level\":\"ERROR")
        .body(Body::empty())
        .unwrap();
    let a = send(&app(), req).await;
    let id = a.headers["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::try_parse(id).is_ok(), "{id}");
}

#[tokio::test]
async fn unknown_route_is_a_404_problem() {
    let a = send(&app(), get("/v2/nothing", Some(WRITER))).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.problem(), "not-found");
    assert!(a.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn wrong_method_is_a_405_problem_with_allow() {
    let req = Request::delete("/v1/audit-events")
        .body(Body::empty())
        .unwrap();
    let a = send(&app(), req).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(a.problem(), "method-not-allowed");
    let allow = a.headers["allow"].to_str().unwrap();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
}

#[tokio::test]
async fn openapi_is_3_1_and_documents_every_route() {
    let a = send(&app(), get("/openapi.json", None)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = a.body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/health", "get"),
        ("/v1/whoami", "get"),
        ("/v1/audit-events", "get"),
        ("/v1/audit-events", "post"),
        ("/v1/audit-events/{id}", "get"),
        ("/v1/audit-events/export", "get"),
        ("/v1/audit-events/stream", "get"),
        ("/openapi.json", "get"),
    ] {
        assert!(paths[path].get(method).is_some(), "{method} {path}");
    }
    assert_eq!(paths.len(), 7);
    let event = &a.body["components"]["schemas"]["AuditEvent"]["properties"];
    assert!(event.get("actor_session").is_some(), "{event}");
    let schemas = &a.body["components"]["schemas"];
    assert!(
        schemas["NewAuditEvent"]["required"]
            .as_array()
            .unwrap()
            .contains(&json!("action"))
    );
    assert!(a.body["components"]["securitySchemes"]["fluid_identity"].is_object());
}
