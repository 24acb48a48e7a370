//! The verifier under load, with the scripted in-memory STS and a controllable clock: what is
//! remembered (admitted identities; final refusals, briefly), what never is (transient failures),
//! LRU eviction, and how overload and STS trouble reach the caller (503, not 401).

mod scripted_sts;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::{Extension, Router};
use fluid_identity::axum::IdentityGate;
use fluid_identity::{
    Allowlist, Authorized, FetchError, Gate, Rejection, StsResponse, Verifier, VerifierConfig,
};
use scripted_sts::{ROLE_ARN, SIGNED_AT, ScriptedSts, at, json_answer, value, value_for, verifier};
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The one caller the allowlist admits signs with this key; every other key is a stranger.
const ADMITTED_AKID: &str = "AKIAEXAMPLE000000001";
const STRANGER_ARN: &str = "arn:aws:sts::444455556666:assumed-role/stranger/s";

fn stranger(n: usize) -> String {
    value_for(&format!("AKIASTRANGER{n:08}"), "us-east-1", 60)
}

fn sts_error(status: u16, code: &str) -> StsResponse {
    StsResponse {
        status,
        content_type: Some("application/json".into()),
        body: format!(
            r#"{{"Error":{{"Code":"{code}","Message":"m","Type":"Sender"}},"RequestId":"r"}}"#
        )
        .into_bytes(),
    }
}

/// Genuine answers: the admitted role for `ADMITTED_AKID`, a stranger from another account else.
fn genuine_sts() -> Arc<ScriptedSts> {
    Arc::new(ScriptedSts::answering_each(|request| {
        if request.path_and_query.contains(ADMITTED_AKID) {
            Ok(json_answer(ROLE_ARN, "111122223333"))
        } else {
            Ok(json_answer(STRANGER_ARN, "444455556666"))
        }
    }))
}

fn gate(sts: &Arc<ScriptedSts>, config: VerifierConfig) -> Gate<Arc<ScriptedSts>> {
    let mut allow = Allowlist::new();
    allow
        .add("writers", "arn:aws:iam::111122223333:role/deployer")
        .unwrap();
    Gate::new(Verifier::new(config, sts.clone()), allow)
}

/// Answers `first` once, then a genuine identity.
fn failing_once(first: StsResponse) -> Arc<ScriptedSts> {
    let answered = AtomicUsize::new(0);
    Arc::new(ScriptedSts::answering(move || {
        if answered.fetch_add(1, Ordering::SeqCst) == 0 {
            Ok(first.clone())
        } else {
            Ok(json_answer(ROLE_ARN, "111122223333"))
        }
    }))
}

#[tokio::test]
async fn the_same_bogus_value_twice_costs_one_sts_call() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(sts_error(403, "SignatureDoesNotMatch"))
    }));
    let v = verifier(&sts);
    let refused = Err(Rejection::StsRejected {
        status: 403,
        code: Some("SignatureDoesNotMatch".into()),
    });
    assert_eq!(v.verify_at(&value(), at(SIGNED_AT + 1)).await, refused);
    assert_eq!(v.verify_at(&value(), at(SIGNED_AT + 2)).await, refused);
    assert_eq!(sts.calls(), 1);
}

#[tokio::test]
async fn a_remembered_refusal_is_forgotten_after_the_negative_ttl() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(sts_error(403, "InvalidClientTokenId"))
    }));
    let mut config = VerifierConfig::new("orders-api".parse().unwrap());
    config.negative_cache_ttl = Duration::from_secs(5);
    let v = Verifier::new(config, sts.clone());
    assert!(v.verify_at(&value(), at(SIGNED_AT + 1)).await.is_err());
    assert!(v.verify_at(&value(), at(SIGNED_AT + 5)).await.is_err());
    assert_eq!(sts.calls(), 1, "still remembered 4 s later");
    assert!(v.verify_at(&value(), at(SIGNED_AT + 6)).await.is_err());
    assert_eq!(sts.calls(), 2, "asked again once the 5 s passed");
}

#[tokio::test]
async fn a_genuine_stranger_is_refused_and_the_refusal_remembered() {
    let sts = genuine_sts();
    let gate = gate(&sts, VerifierConfig::new("orders-api".parse().unwrap()));
    for second in [1, 2] {
        assert_eq!(
            gate.authenticate_at(&stranger(1), at(SIGNED_AT + second))
                .await
                .unwrap_err(),
            Rejection::NotAllowed
        );
    }
    assert_eq!(sts.calls(), 1);
}

#[tokio::test]
async fn strangers_filling_the_cache_never_evict_an_admitted_identity() {
    let sts = genuine_sts();
    let mut config = VerifierConfig::new("orders-api".parse().unwrap());
    config.cache_capacity = 2;
    let gate = gate(&sts, config);
    let now = at(SIGNED_AT + 1);
    for n in 0..3 {
        assert!(gate.authenticate_at(&stranger(n), now).await.is_err());
    }
    let admitted = gate.authenticate_at(&value(), now).await.unwrap();
    assert_eq!(admitted.roles, ["writers"]);
    for n in 3..6 {
        assert!(gate.authenticate_at(&stranger(n), now).await.is_err());
    }
    assert_eq!(sts.calls(), 7);
    assert!(gate.authenticate_at(&value(), now).await.is_ok());
    assert_eq!(sts.calls(), 7, "the admitted identity is still cached");
}

#[tokio::test]
async fn a_full_cache_evicts_the_least_recently_used_identity() {
    let sts = genuine_sts();
    let mut config = VerifierConfig::new("orders-api".parse().unwrap());
    config.cache_capacity = 2;
    let v = Verifier::new(config, sts.clone());
    let now = at(SIGNED_AT + 1);
    let [a, b, c] = [1, 2, 3].map(stranger);
    v.verify_at(&a, now).await.unwrap();
    v.verify_at(&b, now).await.unwrap();
    v.verify_at(&a, now).await.unwrap(); // b is now the least recently used
    v.verify_at(&c, now).await.unwrap(); // the cache is full: b goes, c is cached
    assert_eq!(sts.calls(), 3);
    v.verify_at(&a, now).await.unwrap();
    v.verify_at(&c, now).await.unwrap();
    assert_eq!(sts.calls(), 3, "a and c are hits");
    v.verify_at(&b, now).await.unwrap();
    assert_eq!(sts.calls(), 4, "b was evicted");
}

#[tokio::test]
async fn sts_server_errors_are_unavailable_not_an_invalid_identity() {
    for status in [500, 503] {
        let sts = Arc::new(ScriptedSts::answering(move || {
            Ok(sts_error(status, "InternalFailure"))
        }));
        let err = verifier(&sts)
            .verify_at(&value(), at(SIGNED_AT + 1))
            .await
            .unwrap_err();
        assert_eq!(err, Rejection::StsUnavailable, "STS {status}");
        assert_eq!(err.status(), 503, "STS {status}");
    }
}

#[tokio::test]
async fn an_sts_server_error_is_not_remembered() {
    let sts = failing_once(sts_error(500, "InternalFailure"));
    let v = verifier(&sts);
    assert_eq!(
        v.verify_at(&value(), at(SIGNED_AT + 1)).await,
        Err(Rejection::StsUnavailable)
    );
    assert!(v.verify_at(&value(), at(SIGNED_AT + 2)).await.is_ok());
    assert_eq!(sts.calls(), 2);
}

#[tokio::test]
async fn throttling_is_not_remembered() {
    let sts = failing_once(sts_error(400, "Throttling"));
    let v = verifier(&sts);
    assert_eq!(
        v.verify_at(&value(), at(SIGNED_AT + 1)).await,
        Err(Rejection::StsThrottled)
    );
    assert!(v.verify_at(&value(), at(SIGNED_AT + 2)).await.is_ok());
    assert_eq!(sts.calls(), 2);
}

#[tokio::test]
async fn an_unreachable_sts_is_not_remembered() {
    let answered = AtomicUsize::new(0);
    let sts = Arc::new(ScriptedSts::answering(move || {
        match answered.fetch_add(1, Ordering::SeqCst) {
            0 => Err(FetchError::Unavailable),
            _ => Ok(json_answer(ROLE_ARN, "111122223333")),
        }
    }));
    let v = verifier(&sts);
    assert_eq!(
        v.verify_at(&value(), at(SIGNED_AT + 1)).await,
        Err(Rejection::StsUnavailable)
    );
    assert!(v.verify_at(&value(), at(SIGNED_AT + 2)).await.is_ok());
    assert_eq!(sts.calls(), 2);
}

async fn whoami(caller: Authorized) -> String {
    caller.identity.principal.arn.clone()
}

fn value_signed_now(akid: &str) -> String {
    let creds = aws_credential_types::Credentials::new(akid, "secret", None, None, "test");
    fluid_identity::presign(
        &creds,
        "us-east-1",
        "orders-api",
        Duration::from_secs(60),
        SystemTime::now(),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saturated_fetch_slots_answer_503_identity_unavailable_and_are_not_remembered() {
    let release = Arc::new(Semaphore::new(0));
    let sts = Arc::new(
        ScriptedSts::answering(|| Ok(json_answer(ROLE_ARN, "111122223333"))).gated(release.clone()),
    );
    let mut config = VerifierConfig::new("orders-api".parse().unwrap());
    config.max_concurrent_fetches = 1;
    config.fetch_slot_wait = Duration::from_millis(50);
    let mut allow = Allowlist::new();
    allow
        .add("writers", "arn:aws:iam::111122223333:role/*")
        .unwrap();
    let app = Router::new()
        .route("/whoami", get(whoami))
        .layer(Extension(IdentityGate::new(Gate::new(
            Verifier::new(config, sts.clone()),
            allow,
        ))));
    let request = |value: &str| {
        Request::get("/whoami")
            .header("X-Fluid-Identity", value)
            .body(Body::empty())
            .unwrap()
    };
    let first = tokio::spawn(
        app.clone()
            .oneshot(request(&value_signed_now("AKIAEXAMPLE000000001"))),
    );
    sts.entered.notified().await; // the only fetch slot is taken
    let other = value_signed_now("AKIAEXAMPLE000000002");
    let res = app.clone().oneshot(request(&other)).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert_eq!(res.headers()["retry-after"], "1");
    let body = axum::body::to_bytes(res.into_body(), 1 << 16)
        .await
        .unwrap();
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(problem["type"], "urn:oac-kit:problem:identity-unavailable");
    assert!(problem["detail"].as_str().unwrap().starts_with("busy:"));

    release.add_permits(2);
    assert_eq!(first.await.unwrap().unwrap().status(), StatusCode::OK);
    let retried = app.oneshot(request(&other)).await.unwrap();
    assert_eq!(retried.status(), StatusCode::OK, "busy was not remembered");
    assert_eq!(sts.calls(), 2);
}
