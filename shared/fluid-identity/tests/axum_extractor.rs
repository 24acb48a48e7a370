//! The axum extractor: the verified principal for handlers, RFC 9457 problems for everyone else.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::{Extension, Router};
use fluid_identity::axum::IdentityGate;
use fluid_identity::{
    Allowlist, Authorized, FetchError, Gate, OutboundRequest, StsClient, StsResponse, Verifier,
    VerifierConfig, presign,
};
use tower::ServiceExt;

struct RoleSts;

impl StsClient for RoleSts {
    async fn get(&self, _: &OutboundRequest) -> Result<StsResponse, FetchError> {
        Ok(StsResponse {
            status: 200,
            content_type: Some("application/json".into()),
            body: br#"{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"111122223333","Arn":"arn:aws:sts::111122223333:assumed-role/deployer/ci-run","UserId":"AROAEXAMPLE:ci-run"}}}"#.to_vec(),
        })
    }
}

async fn whoami(caller: Authorized) -> String {
    format!("{} {:?}", caller.identity.principal.arn, caller.roles)
}

fn app(pattern: &str) -> Router {
    let mut allow = Allowlist::new();
    allow.add("writers", pattern).unwrap();
    let gate = Gate::new(
        Verifier::new(VerifierConfig::new("orders-api".parse().unwrap()), RoleSts),
        allow,
    );
    Router::new()
        .route("/whoami", get(whoami))
        .layer(Extension(IdentityGate::new(gate)))
}

fn value() -> String {
    let creds = Credentials::new("ASIAEXAMPLE000000001", "s", Some("t".into()), None, "test");
    presign(
        &creds,
        "eu-west-1",
        "orders-api",
        Duration::from_secs(60),
        SystemTime::now(),
    )
    .unwrap()
}

async fn call(app: Router, headers: &[&str]) -> (StatusCode, Option<String>, String) {
    let mut req = Request::get("/whoami");
    for h in headers {
        req = req.header("X-Fluid-Identity", *h);
    }
    let res = app.oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, ct, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn an_allowed_caller_reaches_the_handler_with_its_principal_and_roles() {
    let (status, _, body) = call(app("arn:aws:iam::111122223333:role/deployer"), &[&value()]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        r#"arn:aws:iam::111122223333:role/deployer ["writers"]"#
    );
}

#[tokio::test]
async fn a_missing_header_is_a_401_problem() {
    let (status, ct, body) = call(app("arn:aws:iam::111122223333:role/deployer"), &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(ct.as_deref(), Some("application/problem+json"));
    let p: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(p["type"], "urn:oac-kit:problem:identity-missing");
    assert_eq!(p["status"], 401);
}

#[tokio::test]
async fn two_headers_are_a_401_problem() {
    let v = value();
    let (status, _, body) = call(app("arn:aws:iam::111122223333:role/deployer"), &[&v, &v]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("multiple-values"), "{body}");
}

#[tokio::test]
async fn an_invalid_value_is_a_401_problem_that_does_not_echo_it() {
    let v = value().replacen("sts.eu-west-1.amazonaws.com", "sts.s3.amazonaws.com", 1);
    let (status, ct, body) = call(app("arn:aws:iam::111122223333:role/deployer"), &[&v]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(ct.as_deref(), Some("application/problem+json"));
    assert!(body.contains("host-not-allowed"), "{body}");
    assert!(
        !body.contains("X-Amz-Signature") && !body.contains("amazonaws"),
        "{body}"
    );
}

#[tokio::test]
async fn a_genuine_caller_outside_the_allowlist_is_a_403_problem() {
    let (status, ct, body) = call(app("arn:aws:iam::111122223333:role/other"), &[&value()]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(ct.as_deref(), Some("application/problem+json"));
    let p: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(p["type"], "urn:oac-kit:problem:identity-forbidden");
    assert!(
        !body.contains("deployer"),
        "the 403 does not tell who the caller is: {body}"
    );
}

#[tokio::test]
async fn a_router_without_a_gate_fails_closed() {
    let app = Router::new().route("/whoami", get(whoami));
    let (status, ct, _) = call(app, &[&value()]).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(ct.as_deref(), Some("application/problem+json"));
}

#[tokio::test]
async fn a_rejection_answer_carries_the_rejection_for_services_to_count() {
    let req = Request::get("/whoami").body(Body::empty()).unwrap();
    let res = app("arn:aws:iam::111122223333:role/deployer")
        .oneshot(req)
        .await
        .unwrap();
    assert_eq!(
        res.extensions().get::<fluid_identity::Rejection>(),
        Some(&fluid_identity::Rejection::Missing)
    );
}
