//! `whoami` and the writer gate end to end with the gate the service serves with
//! (`api::identity_gate`: the lazily built real verifier and HTTP STS client, from the service's
//! own configuration, `UNSAFE_STS_ENDPOINT_OVERRIDE` pointing at the Python STS stand-in
//! (`dev/py/sts_standin.py`), which recomputes every signature with botocore).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use test_support::standin_credentials;
use test_support::sts_standin::StandIn;
use tower::ServiceExt;

const AUDIENCE: &str = "standin-test-api";

fn app(standin: &StandIn) -> Router {
    let vars: HashMap<String, String> = [
        ("IDENTITY_AUDIENCE", AUDIENCE.to_owned()),
        (
            "IDENTITY_READERS",
            standin_credentials::user()
                .principal_arn
                .as_str()
                .to_owned(),
        ),
        (
            "IDENTITY_WRITERS",
            standin_credentials::role()
                .principal_arn
                .as_str()
                .to_owned(),
        ),
        ("UNSAFE_STS_ENDPOINT_OVERRIDE", standin.base_url()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let config = api::config::Config::from_vars(&vars).unwrap();
    let gate = api::identity_gate(&config);
    let store = Arc::new(api::store::SqliteStore::in_memory().unwrap());
    api::router(store, gate, config.max_body_bytes)
}

fn value(akid: &str, secret: &str, token: Option<&str>, audience: &str) -> String {
    test_support::presign::presign_as(
        (akid, secret, token),
        "us-west-2",
        audience,
        Duration::from_secs(60),
        SystemTime::now(),
    )
}

fn role() -> String {
    value(
        standin_credentials::role().access_key_id.as_str(),
        standin_credentials::role().secret_access_key.as_str(),
        standin_credentials::role().session_token.as_deref(),
        AUDIENCE,
    )
}

fn user() -> String {
    value(
        standin_credentials::user().access_key_id.as_str(),
        standin_credentials::user().secret_access_key.as_str(),
        None,
        AUDIENCE,
    )
}

async fn call(
    app: &Router,
    method: &str,
    path: &str,
    identity: &str,
    body: &str,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("x-fluid-identity", identity)
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn whoami_returns_the_principal_sts_vouched_for() {
    let standin = StandIn::start("normal");
    let (status, body) = call(&app(&standin), "GET", "/v1/whoami", &role(), "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["arn"],
        standin_credentials::role().principal_arn.as_str()
    );
    assert_eq!(body["account"], "111122223333");
    assert_eq!(body["role_name"], "deployer");
    assert_eq!(
        body["caller_arn"],
        "arn:aws:sts::111122223333:assumed-role/deployer/ci-run"
    );
    assert_eq!(body["roles"], serde_json::json!(["writers"]));
}

#[tokio::test]
async fn a_writer_role_appends_and_a_reader_user_only_reads() {
    let standin = StandIn::start("normal");
    let app = app(&standin);
    let event = r#"{"action":"deploy.started","resource":"api"}"#;

    let (status, created) = call(&app, "POST", "/v1/audit-events", &role(), event).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        created["actor"],
        standin_credentials::role().principal_arn.as_str()
    );

    let (status, problem) = call(&app, "POST", "/v1/audit-events", &user(), event).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["type"], "urn:oac-kit:problem:identity-forbidden");

    let (status, page) = call(&app, "GET", "/v1/audit-events", &user(), "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["events"][0]["id"], created["id"]);
}

#[tokio::test]
async fn a_value_signed_for_another_audience_is_401() {
    let standin = StandIn::start("normal");
    let other = value(
        standin_credentials::role().access_key_id.as_str(),
        standin_credentials::role().secret_access_key.as_str(),
        standin_credentials::role().session_token.as_deref(),
        "some-other-service",
    );
    let (status, problem) = call(&app(&standin), "GET", "/v1/whoami", &other, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["type"], "urn:oac-kit:problem:identity-invalid");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("SignatureDoesNotMatch"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_genuine_identity_outside_the_allowlist_is_403() {
    let standin = StandIn::start("normal");
    let sso = value(
        standin_credentials::sso().access_key_id.as_str(),
        standin_credentials::sso().secret_access_key.as_str(),
        standin_credentials::sso().session_token.as_deref(),
        AUDIENCE,
    );
    let (status, problem) = call(&app(&standin), "GET", "/v1/whoami", &sso, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["type"], "urn:oac-kit:problem:identity-forbidden");
}

#[tokio::test]
async fn sts_unreachable_is_503_not_a_pass() {
    let standin = StandIn::start("normal");
    let app = app(&standin);
    drop(standin);
    let (status, problem) = call(&app, "GET", "/v1/whoami", &role(), "").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(problem["type"], "urn:oac-kit:problem:identity-unavailable");
}

#[tokio::test]
async fn the_service_built_from_configuration_verifies_through_its_lazy_gate() {
    let standin = StandIn::start("normal");
    let dir = tempfile::tempdir().unwrap();
    let vars: HashMap<String, String> = [
        ("STORE", "sqlite".to_owned()),
        (
            "SQLITE_PATH",
            dir.path().join("api.sqlite3").to_str().unwrap().to_owned(),
        ),
        ("IDENTITY_AUDIENCE", AUDIENCE.to_owned()),
        (
            "IDENTITY_WRITERS",
            standin_credentials::role()
                .principal_arn
                .as_str()
                .to_owned(),
        ),
        ("UNSAFE_STS_ENDPOINT_OVERRIDE", standin.base_url()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let config = api::config::Config::from_vars(&vars).unwrap();
    let app = api::build(&config).await.unwrap();
    let (status, body) = call(&app, "GET", "/v1/whoami", &role(), "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["arn"],
        standin_credentials::role().principal_arn.as_str()
    );
    let (status, _) = call(&app, "GET", "/v1/whoami", &user(), "").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the user is in no allowlist here"
    );
}

#[test]
fn the_sts_endpoint_override_is_logged_as_a_warning() {
    #[derive(Clone, Default)]
    struct Logs(Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Logs {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let config = |vars: &[(&str, &str)]| {
        let vars: HashMap<String, String> = [("IDENTITY_AUDIENCE", AUDIENCE)]
            .iter()
            .chain(vars)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        api::config::Config::from_vars(&vars).unwrap()
    };
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        api::identity_gate(&config(&[]));
        assert!(
            logs.0.lock().unwrap().is_empty(),
            "no warning without the override"
        );
        api::identity_gate(&config(&[(
            "UNSAFE_STS_ENDPOINT_OVERRIDE",
            "http://127.0.0.1:8080",
        )]));
    });
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("\"level\":\"WARN\""), "{text}");
    assert!(text.contains("UNSAFE_STS_ENDPOINT_OVERRIDE"), "{text}");
    assert!(text.contains("http://127.0.0.1:8080"), "{text}");
}
