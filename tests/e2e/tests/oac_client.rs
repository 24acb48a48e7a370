//! `oac-client` against the real api: the identities it mints verify with the project's verifier
//! against the STS stand-in (botocore), through the whole local chain and directly; bodies carry
//! their hash; refusals come back as typed problems.

mod callers;
mod common;

use callers::{AUDIENCE, Api, EVENT, REGION};
use oac_client::{Error, OacClient};
use serde_json::Value;
use test_support::standin_credentials::{self, StandInCredential};

async fn client_for(api: &Api, who: &StandInCredential) -> OacClient {
    let credentials = aws_credential_types::Credentials::new(
        who.access_key_id.as_str(),
        who.secret_access_key.as_str(),
        who.session_token.clone(),
        None,
        "stand-in",
    );
    let mut builder = OacClient::builder(&api.base_url, AUDIENCE)
        .region(REGION)
        .credentials(credentials);
    for (name, value) in &api.caller_headers {
        builder = builder.default_header(*name, value.as_str());
    }
    builder.build().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whoami_through_the_chain_names_the_role_the_client_signed_as() {
    let api = Api::behind_the_chain().await;
    let client = client_for(&api, standin_credentials::role()).await;
    let me: Value = client
        .get("/v1/whoami")
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        me["arn"],
        standin_credentials::role().principal_arn.as_str()
    );
    assert_eq!(me["roles"], serde_json::json!(["writers"]));
    assert_eq!(
        api.standin.count(),
        1,
        "STS checked the value the client minted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_appends_an_event_through_the_chain_with_its_body_intact() {
    let api = Api::behind_the_chain().await;
    let client = client_for(&api, standin_credentials::role()).await;
    let event: Value = serde_json::from_str(EVENT).unwrap();
    let created: Value = client
        .post("/v1/audit-events")
        .idempotency_key("deploy-1")
        .json(&event)
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        created["detail"], event["detail"],
        "the body arrived intact"
    );
    let id = created["id"].as_str().unwrap();
    let reader = client_for(&api, standin_credentials::user()).await;
    let back: Value = reader
        .get(&format!("/v1/audit-events/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(back, created);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_posting_gets_the_forbidden_problem_as_a_typed_error() {
    let api = Api::behind_the_chain().await;
    let client = client_for(&api, standin_credentials::user()).await;
    let err = client
        .post("/v1/audit-events")
        .body(EVENT)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap_err();
    let Error::Problem {
        status, problem, ..
    } = err
    else {
        panic!("expected a problem, got {err:?}")
    };
    assert_eq!(status, 403);
    assert_eq!(problem.slug(), Some("identity-forbidden"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whoami_at_the_api_directly_names_the_user_the_client_signed_as() {
    let api = Api::direct().await;
    let client = client_for(&api, standin_credentials::user()).await;
    let me: Value = client
        .get("/v1/whoami")
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        me["arn"],
        standin_credentials::user().principal_arn.as_str()
    );
}
