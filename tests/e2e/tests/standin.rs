//! The verifier with its real HTTP client against the local STS stand-in
//! (dev/py/sts_standin.py), which recomputes every signature with botocore and can
//! misbehave on demand.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use fluid_identity::{
    DEFAULT_MAX_RESPONSE_BYTES, HttpStsClient, PrincipalKind, Rejection, Verifier, VerifierConfig,
    presign,
};
use test_support::standin_credentials;
use test_support::sts_standin::StandIn;

fn creds(akid: &str, secret: &str, token: Option<&str>) -> Credentials {
    Credentials::new(akid, secret, token.map(str::to_owned), None, "test")
}

fn role_value() -> String {
    let c = creds(
        standin_credentials::role().access_key_id.as_str(),
        standin_credentials::role().secret_access_key.as_str(),
        standin_credentials::role().session_token.as_deref(),
    );
    presign(
        &c,
        "us-west-2",
        "orders-api",
        Duration::from_secs(60),
        SystemTime::now(),
    )
    .unwrap()
}

fn verifier_for(standin: &StandIn, timeout: Duration) -> Verifier<HttpStsClient> {
    let client = HttpStsClient::new(timeout, DEFAULT_MAX_RESPONSE_BYTES)
        .unwrap()
        .with_endpoint(&standin.base_url());
    Verifier::new(VerifierConfig::new("orders-api".parse().unwrap()), client)
}

async fn verify_in(
    mode: &str,
    value: &str,
) -> Result<Arc<fluid_identity::VerifiedIdentity>, Rejection> {
    let standin = StandIn::start(mode);
    verifier_for(&standin, Duration::from_secs(5))
        .verify(value)
        .await
}

#[tokio::test]
async fn a_genuine_role_value_verifies_via_json() {
    let id = verify_in("normal", &role_value()).await.unwrap();
    assert_eq!(
        id.principal.arn,
        standin_credentials::role().principal_arn.as_str()
    );
    assert_eq!(id.caller.account, "111122223333");
}

#[tokio::test]
async fn the_verifier_sends_only_host_audience_and_accept_json() {
    // In this mode the stand-in answers 400 to any other header set.
    let id = verify_in("strict-client", &role_value()).await.unwrap();
    assert_eq!(
        id.principal.arn,
        standin_credentials::role().principal_arn.as_str()
    );
}

#[tokio::test]
async fn xml_answers_verify_too() {
    let id = verify_in("xml", &role_value()).await.unwrap();
    assert_eq!(
        id.principal.arn,
        standin_credentials::role().principal_arn.as_str()
    );
}

#[tokio::test]
async fn sso_roles_and_users_are_normalized() {
    let c = creds(
        standin_credentials::sso().access_key_id.as_str(),
        standin_credentials::sso().secret_access_key.as_str(),
        standin_credentials::sso().session_token.as_deref(),
    );
    let value = presign(
        &c,
        "eu-central-1",
        "orders-api",
        Duration::from_secs(60),
        SystemTime::now(),
    )
    .unwrap();
    let id = verify_in("normal", &value).await.unwrap();
    assert_eq!(
        id.principal.arn,
        "arn:aws:iam::444455556666:role/AWSReservedSSO_Admin_0123abcd"
    );
    assert!(matches!(
        id.principal.kind,
        PrincipalKind::Role { sso: true, .. }
    ));

    let c = creds(
        standin_credentials::user().access_key_id.as_str(),
        standin_credentials::user().secret_access_key.as_str(),
        None,
    );
    let value = presign(
        &c,
        "us-east-1",
        "orders-api",
        Duration::from_secs(60),
        SystemTime::now(),
    )
    .unwrap();
    assert_eq!(
        verify_in("normal", &value).await.unwrap().principal.arn,
        standin_credentials::user().principal_arn.as_str()
    );
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match() {
    let c = creds(
        standin_credentials::role().access_key_id.as_str(),
        "not-the-secret",
        standin_credentials::role().session_token.as_deref(),
    );
    let value = presign(
        &c,
        "us-west-2",
        "orders-api",
        Duration::from_secs(60),
        SystemTime::now(),
    )
    .unwrap();
    assert_eq!(
        verify_in("normal", &value).await,
        Err(Rejection::StsRejected {
            status: 403,
            code: Some("SignatureDoesNotMatch".into())
        })
    );
}

#[tokio::test]
async fn unknown_access_key_is_invalid_client_token_id() {
    let c = creds("AKIAUNKNOWN000000001", "x", None);
    let value = presign(
        &c,
        "us-west-2",
        "orders-api",
        Duration::from_secs(60),
        SystemTime::now(),
    )
    .unwrap();
    assert_eq!(
        verify_in("normal", &value).await,
        Err(Rejection::StsRejected {
            status: 403,
            code: Some("InvalidClientTokenId".into())
        })
    );
}

#[tokio::test]
async fn replay_to_another_audience_fails_at_sts() {
    let standin = StandIn::start("normal");
    let client = HttpStsClient::new(Duration::from_secs(5), DEFAULT_MAX_RESPONSE_BYTES)
        .unwrap()
        .with_endpoint(&standin.base_url());
    let billing = Verifier::new(VerifierConfig::new("billing-api".parse().unwrap()), client);
    assert_eq!(
        billing.verify(&role_value()).await,
        Err(Rejection::StsRejected {
            status: 403,
            code: Some("SignatureDoesNotMatch".into())
        })
    );
}

#[tokio::test]
async fn redirects_to_a_non_sts_host_are_not_followed() {
    // The stand-in answers 302 to /landing, which would answer 200 for 999988887777:root.
    assert_eq!(
        verify_in("redirect", &role_value()).await,
        Err(Rejection::StsRejected {
            status: 302,
            code: None
        })
    );
}

#[tokio::test]
async fn slow_sts_hits_the_total_timeout() {
    let standin = StandIn::start("slow");
    let v = verifier_for(&standin, Duration::from_millis(300));
    assert_eq!(
        v.verify(&role_value()).await,
        Err(Rejection::StsUnavailable)
    );
}

#[tokio::test]
async fn oversized_answers_are_cut_off() {
    assert_eq!(
        verify_in("oversized", &role_value()).await,
        Err(Rejection::ResponseTooLarge)
    );
}

#[tokio::test]
async fn malformed_answers_are_rejected() {
    assert_eq!(
        verify_in("malformed", &role_value()).await,
        Err(Rejection::MalformedResponse)
    );
}

#[tokio::test]
async fn duplicate_key_answers_are_rejected_not_last_wins() {
    assert_eq!(
        verify_in("duplicate-keys", &role_value()).await,
        Err(Rejection::MalformedResponse)
    );
}

#[tokio::test]
async fn arn_account_mismatch_is_rejected() {
    assert_eq!(
        verify_in("account-mismatch", &role_value()).await,
        Err(Rejection::AccountMismatch)
    );
}

#[tokio::test]
async fn throttling_is_reported_as_unavailable() {
    assert_eq!(
        verify_in("throttle", &role_value()).await,
        Err(Rejection::StsThrottled)
    );
}

#[tokio::test]
async fn an_sts_outage_is_unavailable_not_an_invalid_identity() {
    let err = verify_in("unavailable", &role_value()).await.unwrap_err();
    assert_eq!(err, Rejection::StsUnavailable);
    assert_eq!(err.status(), 503);
}

#[tokio::test]
async fn a_value_sts_refused_is_not_sent_to_sts_again() {
    let standin = StandIn::start("normal");
    let v = verifier_for(&standin, Duration::from_secs(5));
    let c = creds(
        standin_credentials::role().access_key_id.as_str(),
        "not-the-secret",
        standin_credentials::role().session_token.as_deref(),
    );
    let bogus = presign(
        &c,
        "us-west-2",
        "orders-api",
        Duration::from_secs(60),
        SystemTime::now(),
    )
    .unwrap();
    for _ in 0..2 {
        assert!(matches!(
            v.verify(&bogus).await,
            Err(Rejection::StsRejected { status: 403, .. })
        ));
    }
    assert_eq!(standin.count(), 1);
}

#[tokio::test]
async fn invalid_values_never_reach_sts_and_hits_are_served_from_cache() {
    let standin = StandIn::start("normal");
    let v = verifier_for(&standin, Duration::from_secs(5));
    let value = role_value();
    let ssrf = value.replacen(
        "sts.us-west-2.amazonaws.com",
        "sts.amazonaws.com@evil.example",
        1,
    );
    assert_eq!(v.verify(&ssrf).await, Err(Rejection::Userinfo));
    assert_eq!(standin.count(), 0);
    v.verify(&value).await.unwrap();
    v.verify(&value).await.unwrap();
    assert_eq!(standin.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_identical_values_make_one_sts_call() {
    let standin = StandIn::start("normal");
    let v = Arc::new(verifier_for(&standin, Duration::from_secs(5)));
    let value = role_value();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (v, value) = (v.clone(), value.clone());
            tokio::spawn(async move { v.verify(&value).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(standin.count(), 1);
}
