//! `X-Fluid-Identity` accepted and rejected through the whole chain: the Cloudflare-only viewer
//! filter and the body-hash bundle under Node.js, OAC signing, the Function URL's IAM check, and
//! the real `api` binary through the Runtime API, verifying identities against the Python STS
//! stand-in of `fluid-identity` (which recomputes every signature with botocore).
//!
//! Needs `target/edge` (`OAC_KIT_EDGE_DIR`), the `api` binary (`OAC_KIT_API_BIN`, else built
//! here with `cargo build -p api`) and a Python 3 with botocore (`OAC_KIT_PYTHON`, else
//! `python3`). `cargo xtask test` provides all three. Missing prerequisites fail, never skip.

mod common;

use std::time::{Duration, SystemTime};

use common::identity::{AUDIENCE, IDENTITY, api_env, presigned, reader, writer};
use common::{
    Answer, CLOUDFLARE_V4, DIRECT, Running, answer, assert_lambda_invalid_signature, problem_type,
    start,
};
use oac_dev::ChainConfig;
use serde_json::{Value, json};
use test_support::cargo_bin::cargo_bin;
use test_support::standin_credentials;
use test_support::sts_standin::StandIn;

/// The STS stand-in, the api on SQLite behind the chain, and the database's directory.
struct World {
    chain: Running,
    standin: StandIn,
    _data: tempfile::TempDir,
}

/// Readers: the stand-in's IAM user. Writers: its `deployer` role. Its SSO role is in neither.
async fn world(customize: impl FnOnce(ChainConfig) -> ChainConfig) -> World {
    let standin = StandIn::start("normal");
    let data = tempfile::tempdir().unwrap();
    let env = api_env(&standin, &data.path().join("api.sqlite"), AUDIENCE);
    let chain = start(customize(common::config(cargo_bin("api", "api"), env))).await;
    World {
        chain,
        standin,
        _data: data,
    }
}

impl World {
    /// A request from a Cloudflare address, with `identity` as `X-Fluid-Identity` and `body` as JSON.
    async fn call(
        &self,
        method: &str,
        path: &str,
        identity: Option<&str>,
        body: Option<&str>,
    ) -> Answer {
        let mut request = self.chain.request(method, path, CLOUDFLARE_V4);
        if let Some(identity) = identity {
            request = request.header(IDENTITY, identity);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        answer(request).await
    }
}

/// The api answered (through the whole chain) with an RFC 9457 problem of `status` and `slug`
/// that does not repeat the identity value; returns the problem.
fn assert_identity_problem(a: &Answer, status: u16, slug: &str, value: Option<&str>) -> Value {
    assert_eq!(a.status, status, "{}", a.text());
    assert_eq!(
        a.headers["x-cache"], "Miss from cloudfront",
        "the function answered, not CloudFront"
    );
    assert_eq!(problem_type(a), slug);
    let problem = a.json();
    assert_eq!(problem["status"], status, "{problem}");
    assert!(problem["title"].is_string(), "{problem}");
    if let Some(value) = value {
        let text = a.text();
        let signature = value.rsplit_once("X-Amz-Signature=").unwrap().1;
        assert!(
            !text.contains(value) && !text.contains(signature),
            "the problem repeats the identity value: {text}"
        );
        for (name, header) in &a.headers {
            let header = header.to_str().unwrap_or_default();
            assert!(
                !header.contains(signature),
                "header {name} repeats the identity value"
            );
        }
    }
    problem
}

/// The problem's detail begins with the rejection `reason`.
fn assert_reason(problem: &Value, reason: &str) {
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with(&format!("{reason}:")),
        "expected reason {reason}: {problem}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whoami_names_the_writer_and_the_reader_sts_vouched_for() {
    let world = world(|c| c).await;

    let a = world.call("GET", "/v1/whoami", Some(&writer()), None).await;
    assert_eq!(a.status, 200, "{}", a.text());
    let me = a.json();
    assert_eq!(
        me["arn"],
        standin_credentials::role().principal_arn.as_str()
    );
    assert_eq!(
        me["caller_arn"],
        "arn:aws:sts::111122223333:assumed-role/deployer/ci-run"
    );
    assert_eq!(me["principal_type"], "role");
    assert_eq!(me["roles"], json!(["writers"]));

    let a = world.call("GET", "/v1/whoami", Some(&reader()), None).await;
    assert_eq!(a.status, 200, "{}", a.text());
    let me = a.json();
    assert_eq!(
        me["arn"],
        standin_credentials::user().principal_arn.as_str()
    );
    assert_eq!(me["principal_type"], "user");
    assert_eq!(me["roles"], json!(["readers"]));

    assert_eq!(world.standin.count(), 2, "each value was checked by STS");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_appends_a_reader_is_forbidden_to_and_reads_the_event_back() {
    let world = world(|c| c).await;
    let event = r#"{"action":"deploy.started","resource":"arn:aws:lambda:us-west-2:111122223333:function:orders","detail":{"note":"Zoë ✓","build":42}}"#;

    let a = world
        .call("POST", "/v1/audit-events", Some(&writer()), Some(event))
        .await;
    assert_eq!(a.status, 201, "{}", a.text());
    let created = a.json();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created["actor"],
        standin_credentials::role().principal_arn.as_str()
    );
    assert_eq!(created["action"], "deploy.started");
    assert_eq!(
        created["detail"],
        json!({"note": "Zoë ✓", "build": 42}),
        "the body arrived intact"
    );
    assert_eq!(a.headers["location"], format!("/v1/audit-events/{id}"));

    let value = reader();
    let a = world
        .call("POST", "/v1/audit-events", Some(&value), Some(event))
        .await;
    assert_identity_problem(&a, 403, "identity-forbidden", Some(&value));

    let a = world
        .call("GET", &format!("/v1/audit-events/{id}"), Some(&value), None)
        .await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.json(), created);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_identity_header_is_401() {
    let world = world(|c| c).await;
    let a = world.call("GET", "/v1/whoami", None, None).await;
    let problem = assert_identity_problem(&a, 401, "identity-missing", None);
    assert_reason(&problem, "missing");
    assert_eq!(world.standin.count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_minted_for_another_audience_is_401_from_sts() {
    let world = world(|c| c).await;
    let value = presigned(
        standin_credentials::role().access_key_id.as_str(),
        standin_credentials::role().secret_access_key.as_str(),
        standin_credentials::role().session_token.as_deref(),
        "some-other-service",
        SystemTime::now(),
    );
    let a = world.call("GET", "/v1/whoami", Some(&value), None).await;
    let problem = assert_identity_problem(&a, 401, "identity-invalid", Some(&value));
    assert_reason(&problem, "sts-rejected");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("SignatureDoesNotMatch"),
        "{problem}"
    );
    assert_eq!(world.standin.count(), 1, "STS itself refused the signature");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_value_is_401_without_asking_sts() {
    let world = world(|c| c).await;
    // Signed ten minutes ago for 60 s: STS would still honour it, the verifier must not.
    let value = presigned(
        standin_credentials::role().access_key_id.as_str(),
        standin_credentials::role().secret_access_key.as_str(),
        standin_credentials::role().session_token.as_deref(),
        AUDIENCE,
        SystemTime::now() - Duration::from_secs(600),
    );
    let a = world.call("GET", "/v1/whoami", Some(&value), None).await;
    let problem = assert_identity_problem(&a, 401, "identity-invalid", Some(&value));
    assert_reason(&problem, "expired");
    assert_eq!(world.standin.count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_for_a_host_outside_the_allowlist_is_401_without_asking_sts() {
    let world = world(|c| c).await;
    let genuine = writer();
    // An S3 bucket host that looks like a regional STS host.
    let value = genuine.replacen(
        "https://sts.us-west-2.amazonaws.com/",
        "https://sts.s3.amazonaws.com/",
        1,
    );
    assert_ne!(value, genuine);
    let a = world.call("GET", "/v1/whoami", Some(&value), None).await;
    let problem = assert_identity_problem(&a, 401, "identity-invalid", Some(&value));
    assert_reason(&problem, "host-not-allowed");
    assert_eq!(world.standin.count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identity_no_role_admits_is_403() {
    let world = world(|c| c).await;
    let value = presigned(
        standin_credentials::sso().access_key_id.as_str(),
        standin_credentials::sso().secret_access_key.as_str(),
        standin_credentials::sso().session_token.as_deref(),
        AUDIENCE,
        SystemTime::now(),
    );
    let a = world.call("GET", "/v1/whoami", Some(&value), None).await;
    assert_identity_problem(&a, 403, "identity-forbidden", Some(&value));
    assert_eq!(world.standin.count(), 1, "STS vouched for it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_identity_from_outside_cloudflare_is_stopped_at_the_edge() {
    let world = world(|c| c).await;
    let a = answer(
        world
            .chain
            .request("GET", "/v1/whoami", DIRECT)
            .header(IDENTITY, writer()),
    )
    .await;
    assert_eq!(a.status, 403, "{}", a.text());
    assert_eq!(problem_type(&a), "not-from-cloudflare");
    assert_eq!(
        a.headers["x-cache"],
        "FunctionGeneratedResponse from cloudfront"
    );
    assert_eq!(world.standin.count(), 0, "the function never ran");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_body_hash_a_writers_post_fails_lambdas_signature_check_before_identity() {
    let world = world(|c| ChainConfig {
        body_hash: false,
        ..c
    })
    .await;
    let event = r#"{"action":"deploy.started","resource":"orders"}"#;
    let a = world
        .call("POST", "/v1/audit-events", Some(&writer()), Some(event))
        .await;
    assert_lambda_invalid_signature(&a);
    assert_eq!(world.standin.count(), 0, "the function never ran");

    // The same chain still carries the identity on a GET (OAC signs an empty body).
    let a = world.call("GET", "/v1/whoami", Some(&writer()), None).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(
        a.json()["arn"],
        standin_credentials::role().principal_arn.as_str()
    );
    assert_eq!(world.standin.count(), 1);
}
