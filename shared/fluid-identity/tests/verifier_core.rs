//! The verifier around the pure step, with a scripted in-memory STS: what is sent, how answers
//! are judged, caching, single-flight, failure handling and the concurrency cap.

mod scripted_sts;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fluid_identity::{FetchError, Rejection, StsResponse, Verifier, VerifierConfig};
use scripted_sts::{ROLE_ARN, SIGNED_AT, ScriptedSts, at, json_answer, value, value_for, verifier};
use tokio::sync::Semaphore;

#[tokio::test]
async fn a_genuine_answer_yields_the_normalized_principal() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(json_answer(ROLE_ARN, "111122223333"))
    }));
    let id = verifier(&sts)
        .verify_at(&value(), at(SIGNED_AT + 1))
        .await
        .unwrap();
    assert_eq!(id.principal.arn, "arn:aws:iam::111122223333:role/deployer");
    assert_eq!(id.caller.arn, ROLE_ARN);
    assert_eq!(id.expires_at, SIGNED_AT + 60);
}

#[tokio::test]
async fn the_request_is_pinned_host_rebuilt_url_and_the_servers_own_audience() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(json_answer(ROLE_ARN, "111122223333"))
    }));
    let value = value();
    // The caller signed for "orders-api"; this verifier's audience is "billing-api". It must send
    // its own value — so STS would refuse the signature (replay to another audience fails).
    let v = Verifier::new(
        VerifierConfig::new("billing-api".parse().unwrap()),
        sts.clone(),
    );
    v.verify_at(&value, at(SIGNED_AT + 1)).await.unwrap();
    let sent = sts.requests.lock().unwrap()[0].clone();
    assert_eq!(sent.host, "sts.us-east-1.amazonaws.com");
    assert_eq!(sent.audience, "billing-api");
    assert_eq!(sent.url(), value);
}

#[tokio::test]
async fn invalid_values_are_rejected_without_any_sts_call() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(json_answer(ROLE_ARN, "111122223333"))
    }));
    let v = verifier(&sts);
    let bogus = value().replacen("sts.us-east-1", "sts.s3", 1);
    assert_eq!(
        v.verify_at(&bogus, at(SIGNED_AT + 1)).await,
        Err(Rejection::HostNotAllowed)
    );
    assert_eq!(
        v.verify_at(&value(), at(SIGNED_AT + 61)).await,
        Err(Rejection::Expired)
    );
    assert_eq!(sts.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn sts_errors_carry_the_sts_code() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(StsResponse {
            status: 403,
            content_type: Some("application/json".into()),
            body: br#"{"Error":{"Code":"SignatureDoesNotMatch","Message":"m","Type":"Sender"},"RequestId":"r"}"#.to_vec(),
        })
    }));
    assert_eq!(
        verifier(&sts).verify_at(&value(), at(SIGNED_AT + 1)).await,
        Err(Rejection::StsRejected {
            status: 403,
            code: Some("SignatureDoesNotMatch".into())
        })
    );
}

#[tokio::test]
async fn redirects_are_rejections_not_followed() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(StsResponse {
            status: 302,
            content_type: None,
            body: vec![],
        })
    }));
    assert_eq!(
        verifier(&sts).verify_at(&value(), at(SIGNED_AT + 1)).await,
        Err(Rejection::StsRejected {
            status: 302,
            code: None
        })
    );
}

#[tokio::test]
async fn throttling_is_unavailability_not_an_invalid_identity() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(StsResponse {
            status: 400,
            content_type: Some("text/xml".into()),
            body: b"<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>".to_vec(),
        })
    }));
    let err = verifier(&sts)
        .verify_at(&value(), at(SIGNED_AT + 1))
        .await
        .unwrap_err();
    assert_eq!(err, Rejection::StsThrottled);
    assert_eq!(err.status(), 503);
}

#[tokio::test]
async fn fetch_failures_map_to_their_reasons() {
    let down = Arc::new(ScriptedSts::answering(|| Err(FetchError::Unavailable)));
    assert_eq!(
        verifier(&down).verify_at(&value(), at(SIGNED_AT + 1)).await,
        Err(Rejection::StsUnavailable)
    );
    let big = Arc::new(ScriptedSts::answering(|| Err(FetchError::TooLarge)));
    assert_eq!(
        verifier(&big).verify_at(&value(), at(SIGNED_AT + 1)).await,
        Err(Rejection::ResponseTooLarge)
    );
}

#[tokio::test]
async fn malformed_answers_are_rejected() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        let mut r = json_answer(ROLE_ARN, "111122223333");
        r.body.extend_from_slice(b"{}");
        Ok(r)
    }));
    assert_eq!(
        verifier(&sts).verify_at(&value(), at(SIGNED_AT + 1)).await,
        Err(Rejection::MalformedResponse)
    );
}

#[tokio::test]
async fn arn_account_must_equal_account() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(json_answer(ROLE_ARN, "999988887777"))
    }));
    assert_eq!(
        verifier(&sts).verify_at(&value(), at(SIGNED_AT + 1)).await,
        Err(Rejection::AccountMismatch)
    );
}

#[tokio::test]
async fn the_arn_partition_must_be_the_endpoints() {
    let cn_arn = "arn:aws-cn:sts::111122223333:assumed-role/deployer/ci-run";
    let sts = Arc::new(ScriptedSts::answering(move || {
        Ok(json_answer(cn_arn, "111122223333"))
    }));
    assert_eq!(
        verifier(&sts).verify_at(&value(), at(SIGNED_AT + 1)).await,
        Err(Rejection::UnsupportedPrincipal)
    );
    // The same answer is fine from the China endpoint.
    let cn_value = value_for("AKIAEXAMPLE000000001", "cn-north-1", 60);
    assert!(
        verifier(&sts)
            .verify_at(&cn_value, at(SIGNED_AT + 1))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn unknown_principal_shapes_are_rejected() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(json_answer(
            "arn:aws:iam::111122223333:group/admins",
            "111122223333",
        ))
    }));
    assert_eq!(
        verifier(&sts).verify_at(&value(), at(SIGNED_AT + 1)).await,
        Err(Rejection::UnsupportedPrincipal)
    );
}

#[tokio::test]
async fn successes_are_cached_until_the_value_expires() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(json_answer(ROLE_ARN, "111122223333"))
    }));
    let v = verifier(&sts);
    let value = value();
    v.verify_at(&value, at(SIGNED_AT + 1)).await.unwrap();
    v.verify_at(&value, at(SIGNED_AT + 59)).await.unwrap();
    assert_eq!(
        sts.calls.load(Ordering::SeqCst),
        1,
        "second verification is a cache hit"
    );
    // TTL never outlives the value's own validity.
    assert_eq!(
        v.verify_at(&value, at(SIGNED_AT + 60)).await,
        Err(Rejection::Expired)
    );
    assert_eq!(sts.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn cache_ttl_is_capped_by_configuration() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(json_answer(ROLE_ARN, "111122223333"))
    }));
    let mut config = VerifierConfig::new("orders-api".parse().unwrap());
    config.max_cache_ttl = Duration::from_secs(10);
    let v = Verifier::new(config, sts.clone());
    let value = value_for("AKIAEXAMPLE000000001", "us-east-1", 300);
    v.verify_at(&value, at(SIGNED_AT + 1)).await.unwrap();
    v.verify_at(&value, at(SIGNED_AT + 10)).await.unwrap();
    assert_eq!(sts.calls.load(Ordering::SeqCst), 1);
    v.verify_at(&value, at(SIGNED_AT + 11)).await.unwrap();
    assert_eq!(sts.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn failures_are_not_cached() {
    let fail = Arc::new(AtomicUsize::new(1));
    let f = fail.clone();
    let sts = Arc::new(ScriptedSts::answering(move || {
        if f.load(Ordering::SeqCst) == 1 {
            Err(FetchError::Unavailable)
        } else {
            Ok(json_answer(ROLE_ARN, "111122223333"))
        }
    }));
    let v = verifier(&sts);
    assert_eq!(
        v.verify_at(&value(), at(SIGNED_AT + 1)).await,
        Err(Rejection::StsUnavailable)
    );
    fail.store(0, Ordering::SeqCst);
    assert!(v.verify_at(&value(), at(SIGNED_AT + 2)).await.is_ok());
    assert_eq!(sts.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_identical_values_share_one_sts_call() {
    let release = Arc::new(Semaphore::new(0));
    let sts = Arc::new(
        ScriptedSts::answering(|| Ok(json_answer(ROLE_ARN, "111122223333"))).gated(release.clone()),
    );
    let v = Arc::new(verifier(&sts));
    let value = value();
    let entered = sts.entered.clone();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (v, value) = (v.clone(), value.clone());
            tokio::spawn(async move { v.verify_at(&value, at(SIGNED_AT + 1)).await })
        })
        .collect();
    entered.notified().await; // the leader is inside STS
    tokio::task::yield_now().await;
    release.add_permits(100);
    for t in tasks {
        assert!(t.await.unwrap().is_ok());
    }
    assert_eq!(sts.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_outbound_calls_are_capped() {
    let release = Arc::new(Semaphore::new(0));
    let sts = Arc::new(
        ScriptedSts::answering(|| Ok(json_answer(ROLE_ARN, "111122223333"))).gated(release.clone()),
    );
    let mut config = VerifierConfig::new("orders-api".parse().unwrap());
    config.max_concurrent_fetches = 1;
    config.fetch_slot_wait = Duration::from_millis(50);
    let v = Arc::new(Verifier::new(config, sts.clone()));
    let first = {
        let v = v.clone();
        tokio::spawn(async move { v.verify_at(&value(), at(SIGNED_AT + 1)).await })
    };
    sts.entered.notified().await; // the only slot is taken
    let other = value_for("AKIAEXAMPLE000000002", "us-east-1", 60);
    assert_eq!(
        v.verify_at(&other, at(SIGNED_AT + 1)).await,
        Err(Rejection::Busy)
    );
    assert_eq!(sts.calls.load(Ordering::SeqCst), 1);
    release.add_permits(1);
    assert!(first.await.unwrap().is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_leader_does_not_strand_followers() {
    let release = Arc::new(Semaphore::new(0));
    let sts = Arc::new(
        ScriptedSts::answering(|| Ok(json_answer(ROLE_ARN, "111122223333"))).gated(release.clone()),
    );
    let v = Arc::new(verifier(&sts));
    let leader = {
        let v = v.clone();
        tokio::spawn(async move { v.verify_at(&value(), at(SIGNED_AT + 1)).await })
    };
    sts.entered.notified().await;
    let follower = {
        let v = v.clone();
        tokio::spawn(async move { v.verify_at(&value(), at(SIGNED_AT + 1)).await })
    };
    tokio::task::yield_now().await;
    leader.abort();
    let _ = leader.await;
    release.add_permits(100);
    assert!(follower.await.unwrap().is_ok());
}

#[tokio::test]
async fn oversized_values_are_rejected_before_hashing_or_parsing() {
    let sts = Arc::new(ScriptedSts::answering(|| {
        Ok(json_answer(ROLE_ARN, "111122223333"))
    }));
    let huge = "a".repeat(1 << 20);
    assert_eq!(
        verifier(&sts).verify_at(&huge, at(SIGNED_AT + 1)).await,
        Err(Rejection::TooLong)
    );
}
