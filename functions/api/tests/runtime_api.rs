//! The real `api` binary against a minimal fake of the Lambda Runtime API: with
//! `API_INVOKE_MODE=response_stream` every answer is posted in the streaming protocol (the
//! response-mode header, the HTTP integration content type, a prelude JSON, eight NUL bytes, the
//! body); with the default, a buffered payload 2.0 answer, and the streamed routes' 501.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// What the function posted for one invocation.
#[derive(Debug)]
struct Posted {
    request_id: String,
    outcome: &'static str,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone)]
struct FakeRuntime {
    events: Arc<Mutex<VecDeque<(String, Value)>>>,
    posted: mpsc::UnboundedSender<Posted>,
}

async fn next(State(runtime): State<FakeRuntime>) -> Response {
    let event = runtime.events.lock().unwrap().pop_front();
    let Some((request_id, event)) = event else {
        // No more invocations: the function waits here until the test ends it.
        return std::future::pending().await;
    };
    let deadline = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 30_000;
    (
        [
            ("lambda-runtime-aws-request-id", request_id),
            ("lambda-runtime-deadline-ms", deadline.to_string()),
            (
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:eu-west-1:111122223333:function:api".to_owned(),
            ),
            ("content-type", "application/json".to_owned()),
        ],
        event.to_string(),
    )
        .into_response()
}

fn record(
    runtime: &FakeRuntime,
    request_id: String,
    outcome: &'static str,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let _ = runtime.posted.send(Posted {
        request_id,
        outcome,
        headers,
        body,
    });
    StatusCode::ACCEPTED
}

/// The caller the fake STS vouches for, whatever is asked (the signature is not checked here:
/// the verifier's own tests do that).
const CALLER: &str = "arn:aws:sts::111122223333:assumed-role/auditor/s1";
const AUDIENCE: &str = "runtime-api-test";

async fn get_caller_identity() -> Response {
    (
        [("content-type", "application/json")],
        json!({"GetCallerIdentityResponse": {
            "GetCallerIdentityResult": {"Account": "111122223333", "Arn": CALLER, "UserId": "AROAEXAMPLE:s1"},
            "ResponseMetadata": {"RequestId": "r1"},
        }})
        .to_string(),
    )
        .into_response()
}

/// An `X-Fluid-Identity` for the fake STS's caller, signed for [`AUDIENCE`].
fn identity() -> String {
    let credentials = aws_credential_types::Credentials::new(
        "AKIDEXAMPLE0000000000",
        "secret",
        None,
        None,
        "test",
    );
    fluid_identity::presign(
        &credentials,
        "eu-west-1",
        AUDIENCE,
        Duration::from_secs(300),
        SystemTime::now(),
    )
    .unwrap()
}

async fn start_fake(events: Vec<(String, Value)>) -> (SocketAddr, mpsc::UnboundedReceiver<Posted>) {
    let (posted, received) = mpsc::unbounded_channel();
    let runtime = FakeRuntime {
        events: Arc::new(Mutex::new(events.into())),
        posted,
    };
    let app =
        Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(
                    |State(r): State<FakeRuntime>,
                     Path(id): Path<String>,
                     h: HeaderMap,
                     b: Bytes| async move { record(&r, id, "response", h, b) },
                ),
            )
            .route(
                "/2018-06-01/runtime/invocation/{id}/error",
                post(
                    |State(r): State<FakeRuntime>,
                     Path(id): Path<String>,
                     h: HeaderMap,
                     b: Bytes| async move { record(&r, id, "error", h, b) },
                ),
            )
            .route(
                "/2018-06-01/runtime/init/error",
                post(
                    |State(r): State<FakeRuntime>, h: HeaderMap, b: Bytes| async move {
                        record(&r, String::new(), "init-error", h, b)
                    },
                ),
            )
            .route("/", get(get_caller_identity))
            .with_state(runtime);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (address, received)
}

/// The api process, killed when dropped.
struct Function(Child);

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_function(runtime: SocketAddr, vars: &[(&str, &str)], dir: &std::path::Path) -> Function {
    let mut command = Command::new(env!("CARGO_BIN_EXE_api"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", runtime.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "api")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("IDENTITY_AUDIENCE", AUDIENCE)
        .env("IDENTITY_READERS", "arn:aws:iam::111122223333:role/auditor")
        // The fake serves STS too (no Lambda marker variable is set, so the override is taken).
        .env("UNSAFE_STS_ENDPOINT_OVERRIDE", format!("http://{runtime}"))
        .env("SQLITE_PATH", dir.join("api.sqlite3"))
        .env("METRICS", "off")
        .env("LOG_LEVEL", "warn")
        .stdout(Stdio::null());
    command.envs(vars.iter().copied());
    Function(command.spawn().expect("the api binary starts"))
}

fn event(id: &str, method: &str, path: &str, body: Option<(&str, bool)>) -> (String, Value) {
    event_as(None, id, method, path, body)
}

fn event_as(
    identity: Option<&str>,
    id: &str,
    method: &str,
    path: &str,
    body: Option<(&str, bool)>,
) -> (String, Value) {
    let mut headers = json!({
        "host": "abcdefghij.lambda-url.eu-west-1.on.aws",
        "content-type": "application/json",
        "x-amz-cf-id": format!("cf-{id}"),
        "accept-encoding": "gzip, br",
    });
    if let Some(identity) = identity {
        headers["x-fluid-identity"] = json!(identity);
    }
    (
        id.to_owned(),
        test_support::function_url_event::event(method, path, "", headers, body),
    )
}

fn invocations() -> Vec<(String, Value)> {
    vec![
        event("health", "GET", "/health", None),
        event("export", "GET", "/v1/audit-events/export", None),
        event(
            "base64",
            "POST",
            "/v1/audit-events",
            Some(("not base64!!", true)),
        ),
    ]
}

/// Every answer, in invocation order (one invocation at a time on Lambda).
async fn answers(mut received: mpsc::UnboundedReceiver<Posted>, n: usize) -> Vec<Posted> {
    let mut out = Vec::new();
    while out.len() < n {
        // A bound only so a broken binary fails the test instead of hanging it.
        let posted = tokio::time::timeout(Duration::from_secs(60), received.recv())
            .await
            .expect("the function answered")
            .unwrap();
        out.push(posted);
    }
    out
}

/// The prelude and the body of a streamed answer.
fn split_streamed(posted: &Posted) -> (Value, &[u8]) {
    assert_eq!(posted.outcome, "response", "{posted:?}");
    assert_eq!(
        posted.headers["lambda-runtime-function-response-mode"],
        "streaming"
    );
    assert_eq!(
        posted.headers["content-type"],
        "application/vnd.awslambda.http-integration-response"
    );
    let trailers: Vec<&str> = posted
        .headers
        .get_all("trailer")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(
        trailers,
        [
            "Lambda-Runtime-Function-Error-Type",
            "Lambda-Runtime-Function-Error-Body"
        ]
    );
    let body = &posted.body[..];
    let at = body
        .windows(8)
        .position(|w| w == [0u8; 8])
        .expect("the 8 NUL delimiter");
    (
        serde_json::from_slice(&body[..at]).unwrap(),
        &body[at + 8..],
    )
}

#[tokio::test]
async fn response_stream_mode_answers_every_route_in_the_streaming_protocol() {
    let dir = tempfile::tempdir().unwrap();
    let (address, received) = start_fake(invocations()).await;
    let _function = start_function(
        address,
        &[("API_INVOKE_MODE", "response_stream")],
        dir.path(),
    );
    let answers = answers(received, 3).await;
    let ids: Vec<&str> = answers.iter().map(|a| a.request_id.as_str()).collect();
    assert_eq!(ids, ["health", "export", "base64"]);

    let (prelude, body) = split_streamed(&answers[0]);
    assert_eq!(prelude["statusCode"], 200);
    assert_eq!(prelude["headers"]["content-type"], "application/json");
    assert_eq!(prelude["headers"]["x-request-id"], "cf-health");
    assert!(
        prelude["headers"].get("content-encoding").is_none(),
        "{prelude}"
    );
    assert_eq!(body, b"{\"status\":\"ok\"}");

    let (prelude, body) = split_streamed(&answers[1]);
    assert_eq!(prelude["statusCode"], 401, "identity-gated");
    assert_eq!(
        prelude["headers"]["content-type"],
        "application/problem+json"
    );
    let problem: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(problem["status"], 401);

    let (prelude, body) = split_streamed(&answers[2]);
    assert_eq!(prelude["statusCode"], 400);
    let problem: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(problem["type"], "urn:oac-kit:problem:invalid-body-encoding");
}

#[tokio::test]
async fn buffered_mode_answers_one_payload_per_invocation() {
    let dir = tempfile::tempdir().unwrap();
    let mut events = invocations();
    events.push(event_as(
        Some(&identity()),
        "export-buffered",
        "GET",
        "/v1/audit-events/export",
        None,
    ));
    let (address, received) = start_fake(events).await;
    let _function = start_function(address, &[], dir.path());
    let answers = answers(received, 4).await;
    for posted in &answers {
        assert_eq!(posted.outcome, "response");
        assert!(
            !posted
                .headers
                .contains_key("lambda-runtime-function-response-mode")
        );
    }
    let health: Value = serde_json::from_slice(&answers[0].body).unwrap();
    assert_eq!(health["statusCode"], 200);
    assert_eq!(health["body"], "{\"status\":\"ok\"}");
    let export: Value = serde_json::from_slice(&answers[1].body).unwrap();
    assert_eq!(export["statusCode"], 401, "the identity gate comes first");
    let export: Value = serde_json::from_slice(&answers[3].body).unwrap();
    assert_eq!(export["statusCode"], 501, "{export}");
    let problem: Value = serde_json::from_str(export["body"].as_str().unwrap()).unwrap();
    assert_eq!(problem["type"], "urn:oac-kit:problem:streaming-unavailable");
}

#[tokio::test]
async fn the_streamed_routes_stream_from_the_real_binary() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = {
        let store = api::store::SqliteStore::open(&dir.path().join("api.sqlite3")).unwrap();
        let mut seeded = Vec::new();
        for i in 0..5 {
            let new: api::model::NewAuditEvent = serde_json::from_value(
                json!({"action": "deploy.started", "resource": format!("r{i}")}),
            )
            .unwrap();
            let event = new.into_event("arn:aws:iam::111122223333:role/deployer", "s");
            api::store::AuditStore::append(&store, event.clone(), None)
                .await
                .unwrap();
            seeded.push(event);
        }
        seeded
    };
    let caller = identity();
    let events = vec![
        event_as(
            Some(&caller),
            "export",
            "GET",
            "/v1/audit-events/export",
            None,
        ),
        event_as(
            Some(&caller),
            "stream",
            "GET",
            "/v1/audit-events/stream",
            None,
        ),
    ];
    let (address, received) = start_fake(events).await;
    let _function = start_function(
        address,
        &[
            ("API_INVOKE_MODE", "response_stream"),
            ("EXPORT_PAGE_SIZE", "2"),
            ("SSE_MAX_SECONDS", "1"),
            ("SSE_POLL_MS", "50"),
        ],
        dir.path(),
    );
    let answers = answers(received, 2).await;

    let (prelude, body) = split_streamed(&answers[0]);
    assert_eq!(
        prelude["statusCode"],
        200,
        "{}",
        String::from_utf8_lossy(body)
    );
    assert_eq!(prelude["headers"]["content-type"], "application/x-ndjson");
    assert!(prelude["headers"].get("content-encoding").is_none());
    let mut expected = Vec::new();
    for event in &seeded {
        serde_json::to_writer(&mut expected, event).unwrap();
        expected.push(b'\n');
    }
    expected.extend_from_slice(b"{\"end\":true,\"count\":5}\n");
    assert_eq!(body, expected);

    let (prelude, body) = split_streamed(&answers[1]);
    assert_eq!(prelude["statusCode"], 200);
    assert_eq!(prelude["headers"]["content-type"], "text/event-stream");
    let text = std::str::from_utf8(body).unwrap();
    assert!(text.starts_with(": stream open\n\n"), "{text}");
    assert!(
        text.ends_with("retry: 1000\nevent: close\ndata: {\"reason\":\"max-duration\"}\n\n"),
        "{text}"
    );
}
