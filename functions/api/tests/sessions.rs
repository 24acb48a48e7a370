//! Who acted: the session ARN STS returned scopes `Idempotency-Key`s, so two sessions of one role
//! (two SSO users of a permission set, two CI runs) never collide while one session's retry still
//! replays (`router.rs`: `a_retried_idempotency_key_returns_the_first_result`).

mod common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn two_sessions_of_one_role_using_the_same_key_do_not_collide() {
    let app = app();
    let first = send(&app, post_json(Some(WRITER), Some("run-1"), EVENT)).await;
    let other = send(
        &app,
        post_json(Some(WRITER_OTHER_SESSION), Some("run-1"), EVENT),
    )
    .await;
    assert_eq!(other.status, StatusCode::CREATED);
    assert!(!other.headers.contains_key("idempotent-replayed"));
    assert_ne!(first.body["id"], other.body["id"]);
    assert_eq!(first.body["actor"], other.body["actor"], "one role");
    assert_eq!(other.body["actor_session"], WRITER_OTHER_SESSION_ARN);
}

#[tokio::test]
async fn another_session_of_the_role_is_not_refused_for_a_key_used_with_another_body() {
    let app = app();
    send(&app, post_json(Some(WRITER), Some("run-2"), EVENT)).await;
    let other = r#"{"action":"deploy.finished","resource":"x"}"#;
    let a = send(
        &app,
        post_json(Some(WRITER_OTHER_SESSION), Some("run-2"), other),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
}
