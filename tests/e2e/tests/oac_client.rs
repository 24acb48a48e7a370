//! `oac-client` against the real api: the identities it mints verify with the project's verifier
//! against the STS stand-in (botocore), through the whole local chain and directly; bodies carry
//! their hash; refusals come back as typed problems. Large uploads go through the chain to
//! `oac-echo` (past the 1 MiB body-hash sees, up to Lambda's payload limit).

mod callers;
mod common;

use callers::counting_proxy::CountingProxy;
use callers::{AUDIENCE, Api, EVENT, Echo, REGION, Target};
use common::bodies::{MIB, assert_echoed_byte_identical, random_bytes, rng};
use common::{answer, problem_type};
use oac_client::{Error, OacClient};
use serde_json::Value;
use test_support::standin_credentials::{self, StandInCredential};

async fn client_for(target: &impl Target, who: &StandInCredential) -> OacClient {
    client_at(target.base_url(), target, who).await
}

/// A client for `base_url` sending `target`'s caller headers (`base_url` may be a proxy to it).
async fn client_at(base_url: &str, target: &impl Target, who: &StandInCredential) -> OacClient {
    let credentials = aws_credential_types::Credentials::new(
        who.access_key_id.as_str(),
        who.secret_access_key.as_str(),
        who.session_token.clone(),
        None,
        "stand-in",
    );
    let mut builder = OacClient::builder(base_url, AUDIENCE)
        .region(REGION)
        .credentials(credentials);
    for (name, value) in target.caller_headers() {
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

/// `body` POSTed by the client through the chain to `oac-echo`; its answer.
async fn upload_through_the_chain(body: &[u8]) -> Result<oac_client::OacResponse, Error> {
    let echo = Echo::behind_the_chain().await;
    let client = client_for(&echo, standin_credentials::role()).await;
    client
        .post("/v1/uploads")
        .header("content-type", "application/octet-stream")
        .body(body.to_vec())
        .send()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2_mib_upload_through_the_chain_arrives_byte_identical() {
    let body = random_bytes(&mut rng(), 2 * MIB);
    let echoed: Value = upload_through_the_chain(&body)
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_echoed_byte_identical(&echoed, &body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4_mib_upload_through_the_chain_arrives_byte_identical() {
    // Binary travels base64-encoded in the event: 4 MiB becomes 5.33 MiB, under the 6 MiB limit.
    let body = random_bytes(&mut rng(), 4 * MIB);
    let echoed: Value = upload_through_the_chain(&body)
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_echoed_byte_identical(&echoed, &body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_over_lambdas_payload_limit_is_a_status_error_named_by_lambda() {
    // 5 MiB of binary is 6.67 MiB in the event. Lambda's 413 is no problem+json: `Error::Status`.
    let body = random_bytes(&mut rng(), 5 * MIB);
    let err = upload_through_the_chain(&body).await.unwrap_err();
    let Error::Status { status, body, .. } = &err else {
        panic!("expected a status error, got {err:?}")
    };
    assert_eq!(*status, 413);
    assert_eq!(err.aws_error_type(), Some("RequestEntityTooLargeException"));
    let message: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(
        message["Message"],
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_over_the_payload_limit_is_sent_once_even_when_it_could_be_retried() {
    // A PUT with an Idempotency-Key is repeatable; a 413 is not transient, so it goes out once.
    let echo = Echo::behind_the_chain().await;
    let proxy = CountingProxy::start(echo.base_url()).await;
    let client = client_at(&proxy.base_url, &echo, standin_credentials::role()).await;
    let err = client
        .put("/v1/uploads/1")
        .idempotency_key("upload-1")
        .header("content-type", "application/octet-stream")
        .body(random_bytes(&mut rng(), 5 * MIB))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(413), "{err:?}");
    assert_eq!(proxy.requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2_mib_upload_without_the_clients_hash_is_refused_by_body_hash_naming_the_header() {
    // The same request by hand: a minted identity, the caller headers, but no x-amz-content-sha256.
    let echo = Echo::behind_the_chain().await;
    let client = client_for(&echo, standin_credentials::role()).await;
    let identity = client.identity().await.unwrap();
    let mut request = reqwest::Client::new()
        .post(format!("{}/v1/uploads", echo.base_url()))
        .header(fluid_identity::HEADER, identity.header_value().clone())
        .header("content-type", "application/octet-stream")
        .body(random_bytes(&mut rng(), 2 * MIB));
    for (name, value) in echo.caller_headers() {
        request = request.header(*name, value.as_str());
    }
    let a = answer(request).await;
    assert_eq!(a.status, 413, "{}", a.text());
    assert_eq!(problem_type(&a), "body-truncated");
    let detail = a.json()["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("x-amz-content-sha256"), "{detail}");
}
