//! Every route and error path through the router (`oneshot`), identities from a test
//! `Authenticate` implementation (the real verifier is exercised in `identity_standin.rs`).

mod common;

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use fluid_identity::axum::IdentityGate;
use serde_json::{Value, json};

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
async fn whoami_returns_the_verified_principal_and_roles() {
    let a = send(&app(), get("/v1/whoami", Some(WRITER))).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.body,
        json!({
            "arn": WRITER_ARN,
            "account": "111122223333",
            "partition": "aws",
            "principal_type": "role",
            "role_name": "deployer",
            "caller_arn": "arn:aws:sts::111122223333:assumed-role/deployer/s2",
            "roles": ["writers"],
        })
    );
}

#[tokio::test]
async fn whoami_without_identity_is_401_identity_missing() {
    let a = send(&app(), get("/v1/whoami", None)).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.problem(), "identity-missing");
}

#[tokio::test]
async fn whoami_with_an_invalid_identity_is_401_identity_invalid() {
    let a = send(&app(), get("/v1/whoami", Some("https://evil.example/"))).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.problem(), "identity-invalid");
}

#[tokio::test]
async fn a_verified_stranger_is_403_everywhere() {
    for req in [
        get("/v1/whoami", Some(STRANGER)),
        get("/v1/audit-events", Some(STRANGER)),
        post_json(Some(STRANGER), None, EVENT),
    ] {
        let a = send(&app(), req).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert_eq!(a.problem(), "identity-forbidden");
    }
}

#[tokio::test]
async fn readers_cannot_append() {
    let a = send(&app(), post_json(Some(READER), None, EVENT)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.problem(), "identity-forbidden");
    assert!(a.body["detail"].as_str().unwrap().contains("writers"));
}

#[tokio::test]
async fn append_without_identity_is_401_before_the_body_is_looked_at() {
    let a = send(&app(), post_json(None, None, "{not json")).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.problem(), "identity-missing");
}

#[tokio::test]
async fn a_writer_appends_and_a_reader_reads_it_back() {
    let app = app();
    let created = send(&app, post_json(Some(WRITER), None, EVENT)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.headers["location"],
        format!("/v1/audit-events/{id}")
    );
    assert_eq!(created.body["actor"], WRITER_ARN);
    assert_eq!(created.body["actor_session"], WRITER_SESSION_ARN);
    assert_eq!(created.body["action"], "deploy.started");
    assert_eq!(created.body["detail"], json!({"commit": "abc123"}));
    assert!(!created.headers.contains_key("idempotent-replayed"));

    let read = send(&app, get(&format!("/v1/audit-events/{id}"), Some(READER))).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body, created.body);
}

#[tokio::test]
async fn the_actor_comes_from_the_identity_not_the_body() {
    let body = r#"{"action":"a","resource":"r","actor":"arn:aws:iam::999988887777:root"}"#;
    let a = send(&app(), post_json(Some(WRITER), None, body)).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.problem(), "invalid-audit-event");
    assert!(a.body["detail"].as_str().unwrap().contains("actor"));
}

#[tokio::test]
async fn malformed_json_is_400() {
    for body in ["{\"action\":", "not json", "", "{\"action\":\"a\",}"] {
        let a = send(&app(), post_json(Some(WRITER), None, body)).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{body:?}");
        assert_eq!(a.problem(), "malformed-json");
    }
}

#[tokio::test]
async fn well_formed_but_invalid_events_are_422() {
    let long_action = format!(r#"{{"action":"{}","resource":"r"}}"#, "a".repeat(129));
    let big_detail = format!(
        r#"{{"action":"a","resource":"r","detail":{{"x":"{}"}}}}"#,
        "y".repeat(5000)
    );
    for body in [
        r#"{"resource":"r"}"#.to_owned(),
        r#"{"action":"a"}"#.to_owned(),
        r#"{"action":"","resource":"r"}"#.to_owned(),
        r#"{"action":"a b","resource":"r"}"#.to_owned(),
        r#"{"action":"a","resource":"line\nbreak"}"#.to_owned(),
        r#"{"action":1,"resource":"r"}"#.to_owned(),
        r#"{"action":"a","resource":"r","detail":[1]}"#.to_owned(),
        r#"[1,2]"#.to_owned(),
        long_action,
        big_detail,
    ] {
        let a = send(&app(), post_json(Some(WRITER), None, &body)).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(a.problem(), "invalid-audit-event");
    }
}

#[tokio::test]
async fn non_json_content_type_is_415() {
    let req = Request::post("/v1/audit-events")
        .header("x-fluid-identity", WRITER)
        .header("content-type", "text/plain")
        .body(Body::from(EVENT))
        .unwrap();
    let a = send(&app(), req).await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(a.problem(), "unsupported-media-type");
}

#[tokio::test]
async fn a_body_over_the_configured_limit_is_413() {
    let app = app_with_limit(1024);
    let body = format!(r#"{{"action":"a","resource":"{}"}}"#, "r".repeat(2000));
    let a = send(&app, post_json(Some(WRITER), None, &body)).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.problem(), "payload-too-large");
    assert!(a.body["detail"].as_str().unwrap().contains("1024"));
    // Just under the limit is fine (and then fails validation for its own reason).
    let fits = format!(r#"{{"action":"a","resource":"{}"}}"#, "r".repeat(900));
    assert_eq!(
        send(&app, post_json(Some(WRITER), None, &fits))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn a_retried_idempotency_key_returns_the_first_result() {
    let app = app();
    let first = send(&app, post_json(Some(WRITER), Some("k-1"), EVENT)).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = send(&app, post_json(Some(WRITER), Some("k-1"), EVENT)).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.body, first.body);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let list = send(&app, get("/v1/audit-events", Some(READER))).await;
    assert_eq!(list.body["events"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_reused_idempotency_key_with_another_body_is_409() {
    let app = app();
    send(&app, post_json(Some(WRITER), Some("k-2"), EVENT)).await;
    let other = r#"{"action":"deploy.finished","resource":"x"}"#;
    let a = send(&app, post_json(Some(WRITER), Some("k-2"), other)).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_eq!(a.problem(), "idempotency-key-reused");
}

#[tokio::test]
async fn idempotency_keys_are_scoped_to_the_caller() {
    let app = app();
    let mine = send(&app, post_json(Some(WRITER), Some("shared"), EVENT)).await;
    let theirs = send(&app, post_json(Some(OTHER_WRITER), Some("shared"), EVENT)).await;
    assert_eq!(theirs.status, StatusCode::CREATED);
    assert!(!theirs.headers.contains_key("idempotent-replayed"));
    assert_ne!(mine.body["id"], theirs.body["id"]);
    assert_eq!(theirs.body["actor"], OTHER_WRITER_ARN);
}

#[tokio::test]
async fn a_malformed_idempotency_key_is_400() {
    let long = "k".repeat(129);
    for key in [long.as_str(), "has space"] {
        let a = send(&app(), post_json(Some(WRITER), Some(key), EVENT)).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{key}");
        assert_eq!(a.problem(), "invalid-idempotency-key");
    }
    let twice = Request::post("/v1/audit-events")
        .header("x-fluid-identity", WRITER)
        .header("content-type", "application/json")
        .header("idempotency-key", "a")
        .header("idempotency-key", "b")
        .body(Body::from(EVENT))
        .unwrap();
    assert_eq!(
        send(&app(), twice).await.problem(),
        "invalid-idempotency-key"
    );
}

#[tokio::test]
async fn unknown_and_malformed_event_ids_are_404() {
    for path in [
        "/v1/audit-events/019a0000-0000-7000-8000-000000000000",
        "/v1/audit-events/not-an-id",
    ] {
        let a = send(&app(), get(path, Some(READER))).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(a.problem(), "audit-event-not-found");
    }
}

#[tokio::test]
async fn reading_an_event_needs_an_identity() {
    let a = send(
        &app(),
        get(
            "/v1/audit-events/019a0000-0000-7000-8000-000000000000",
            None,
        ),
    )
    .await;
    assert_eq!(a.problem(), "identity-missing");
    let a = send(&app(), get("/v1/audit-events", None)).await;
    assert_eq!(a.problem(), "identity-missing");
}

#[tokio::test]
async fn listing_pages_through_every_event_in_order_with_an_opaque_cursor() {
    let app = app();
    let mut ids = Vec::new();
    for i in 0..5 {
        let body = format!(r#"{{"action":"step.{i}","resource":"r"}}"#);
        let a = send(&app, post_json(Some(WRITER), None, &body)).await;
        ids.push(a.body["id"].as_str().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    let mut path = "/v1/audit-events?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let a = send(&app, get(&path, Some(READER))).await;
        assert_eq!(a.status, StatusCode::OK);
        pages += 1;
        for e in a.body["events"].as_array().unwrap() {
            seen.push(e["id"].as_str().unwrap().to_owned());
        }
        match a.body["next_cursor"].as_str() {
            Some(cursor) => {
                assert!(
                    !cursor.contains(&seen[seen.len() - 1]),
                    "cursor is not opaque"
                );
                path = format!("/v1/audit-events?limit=2&cursor={cursor}");
            }
            None => break,
        }
    }
    assert_eq!(seen, ids);
    assert_eq!(pages, 3);
}

#[tokio::test]
async fn an_empty_log_is_one_empty_page() {
    let a = send(&app(), get("/v1/audit-events", Some(READER))).await;
    assert_eq!(a.body, json!({"events": []}));
}

#[tokio::test]
async fn bad_limits_and_unknown_parameters_are_400_invalid_query() {
    for q in ["limit=0", "limit=101", "limit=ten", "limit=-1", "page=2"] {
        let a = send(&app(), get(&format!("/v1/audit-events?{q}"), Some(READER))).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(a.problem(), "invalid-query", "{q}");
    }
}

#[tokio::test]
async fn a_forged_cursor_is_400_invalid_cursor() {
    for c in ["abc", "djE6Li4vZXRj", "%zz"] {
        let a = send(
            &app(),
            get(&format!("/v1/audit-events?cursor={c}"), Some(READER)),
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{c}");
        assert_eq!(a.problem(), "invalid-cursor", "{c}");
    }
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
        ("/openapi.json", "get"),
    ] {
        assert!(paths[path].get(method).is_some(), "{method} {path}");
    }
    assert_eq!(paths.len(), 5);
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
