//! The audit-event routes (`oneshot`): appending and reading back, validation (400/413/415/422),
//! idempotency keys, reading and paging the log.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::json;

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
