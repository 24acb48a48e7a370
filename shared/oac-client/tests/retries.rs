//! The retry loop against a local server that fails on demand: what is retried, how long the
//! client waits (recorded, never slept), and when it stops.

mod scripted;

use std::time::Duration;

use oac_client::{Error, RetryPolicy};
use scripted::{Scripted, Server, client};

#[tokio::test]
async fn a_get_answered_503_twice_is_retried_until_it_succeeds() {
    let server = Server::start(vec![Scripted::status(503), Scripted::status(503)]).await;
    let t = client(&server.url(), |b| b).await;
    let response = t.client.get("/v1/whoami").send().await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(server.attempts(), 3);
    assert_eq!(t.sleep.waits().len(), 2);
}

#[tokio::test]
async fn a_429_with_retry_after_waits_at_least_that_long() {
    let server = Server::start(vec![Scripted::status(429).header("retry-after", "3")]).await;
    let t = client(&server.url(), |b| b).await;
    let response = t.client.get("/v1/whoami").send().await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(server.attempts(), 2);
    let waits = t.sleep.waits();
    assert_eq!(waits.len(), 1);
    assert!(waits[0] >= Duration::from_secs(3), "{waits:?}");
}

#[tokio::test]
async fn a_retry_after_beyond_the_total_budget_ends_the_retries() {
    let server = Server::start(vec![Scripted::status(503).header("retry-after", "120")]).await;
    let t = client(&server.url(), |b| b).await;
    let response = t.client.get("/v1/whoami").send_raw().await.unwrap();
    assert_eq!(response.status, 503);
    assert_eq!(server.attempts(), 1);
    assert!(t.sleep.waits().is_empty());
}

#[tokio::test]
async fn lambdas_payload_limit_413_is_not_retried_even_for_a_repeatable_request() {
    // A PUT with an Idempotency-Key could be repeated safely; the same body would be refused again.
    let too_large = Scripted::status(413)
        .header("x-amzn-errortype", "RequestEntityTooLargeException")
        .header("content-type", "application/json");
    let server = Server::start(vec![too_large]).await;
    let t = client(&server.url(), |b| b).await;
    let err = t
        .client
        .put("/v1/uploads/1")
        .idempotency_key("upload-1")
        .body("x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Status { status: 413, .. }), "{err:?}");
    assert_eq!(err.aws_error_type(), Some("RequestEntityTooLargeException"));
    assert_eq!(server.attempts(), 1);
    assert!(t.sleep.waits().is_empty());
}

#[tokio::test]
async fn a_problem_4xx_is_not_retried_and_surfaces_as_a_typed_problem() {
    let server = Server::start(vec![Scripted::problem(409, "idempotency-key-reused")]).await;
    let t = client(&server.url(), |b| b).await;
    let err = t
        .client
        .put("/v1/things/1")
        .body("x")
        .send()
        .await
        .unwrap_err();
    let Error::Problem {
        status, problem, ..
    } = err
    else {
        panic!("expected a problem, got {err:?}")
    };
    assert_eq!(status, 409);
    assert_eq!(problem.slug(), Some("idempotency-key-reused"));
    assert_eq!(problem.detail(), Some("scripted idempotency-key-reused"));
    assert_eq!(server.attempts(), 1);
}

#[tokio::test]
async fn a_5xx_problem_after_the_last_attempt_surfaces_as_a_typed_problem() {
    let unavailable = Scripted::problem(503, "identity-unavailable");
    let server = Server::start(vec![unavailable; 4]).await;
    let t = client(&server.url(), |b| b).await;
    let err = t.client.get("/v1/whoami").send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Problem { status: 503, problem, .. } if problem.slug() == Some("identity-unavailable")),
        "{err:?}"
    );
    assert_eq!(
        server.attempts(),
        RetryPolicy::default().max_attempts as usize
    );
}

#[tokio::test]
async fn a_post_without_an_idempotency_key_is_not_retried() {
    let server = Server::start(vec![Scripted::status(503)]).await;
    let t = client(&server.url(), |b| b).await;
    let response = t
        .client
        .post("/v1/audit-events")
        .json(&serde_json::json!({"action": "deploy"}))
        .send_raw()
        .await
        .unwrap();
    assert_eq!(response.status, 503);
    assert_eq!(server.attempts(), 1);
    assert!(t.sleep.waits().is_empty());
}

#[tokio::test]
async fn a_post_with_an_idempotency_key_is_retried() {
    let server = Server::start(vec![Scripted::status(503)]).await;
    let t = client(&server.url(), |b| b).await;
    let response = t
        .client
        .post("/v1/audit-events")
        .idempotency_key("deploy-42")
        .json(&serde_json::json!({"action": "deploy"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].body, received[1].body,
        "the same body both times"
    );
    assert_eq!(received[1].headers["idempotency-key"], "deploy-42");
}

#[tokio::test]
async fn retries_stop_after_the_last_attempt() {
    let server = Server::start(vec![Scripted::status(502); 10]).await;
    let policy = RetryPolicy {
        max_attempts: 3,
        ..RetryPolicy::default()
    };
    let t = client(&server.url(), |b| b.retry_policy(policy)).await;
    let response = t.client.get("/v1/whoami").send_raw().await.unwrap();
    assert_eq!(response.status, 502);
    assert_eq!(server.attempts(), 3);
}

#[tokio::test]
async fn the_backoff_waits_stay_under_their_doubling_ceilings() {
    let server = Server::start(vec![Scripted::status(500); 3]).await;
    let t = client(&server.url(), |b| b).await;
    t.client.get("/v1/whoami").send().await.unwrap();
    let policy = RetryPolicy::default();
    let waits = t.sleep.waits();
    assert_eq!(waits.len(), 3);
    for (retry, wait) in waits.iter().enumerate() {
        assert!(*wait <= policy.ceiling(retry as u32 + 1), "{waits:?}");
    }
}

/// A loopback port nothing listens on.
async fn closed_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_a_get_then_reported_as_transport() {
    let t = client(&closed_port().await, |b| b).await;
    let err = t.client.get("/health").send().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(
        t.sleep.waits().len(),
        RetryPolicy::default().max_attempts as usize - 1
    );
}

#[tokio::test]
async fn a_refused_connection_is_not_retried_for_a_post_without_a_key() {
    let t = client(&closed_port().await, |b| b).await;
    let err = t
        .client
        .post("/v1/audit-events")
        .body("{}")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(t.sleep.waits().is_empty());
}

#[tokio::test]
async fn a_404_is_not_retried() {
    let server = Server::start(vec![Scripted::status(404)]).await;
    let t = client(&server.url(), |b| b).await;
    let err = t.client.get("/nope").send().await.unwrap_err();
    assert!(matches!(err, Error::Status { status: 404, .. }), "{err:?}");
    assert_eq!(server.attempts(), 1);
}
