//! The test's stand-ins: a minimal Lambda Runtime API (`/next` hands out queued Function URL
//! events, `/response` and `/error` record what the function posts) that also answers STS's
//! `GetCallerIdentity`, and the api process started against it.

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
pub struct Posted {
    pub request_id: String,
    pub outcome: &'static str,
    pub headers: HeaderMap,
    pub body: Bytes,
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
pub const CALLER: &str = "arn:aws:sts::111122223333:assumed-role/auditor/s1";
pub const AUDIENCE: &str = "runtime-api-test";

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
pub fn identity() -> String {
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

pub async fn start_fake(
    events: Vec<(String, Value)>,
) -> (SocketAddr, mpsc::UnboundedReceiver<Posted>) {
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
pub struct Function(Child);

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn start_function(
    runtime: SocketAddr,
    vars: &[(&str, &str)],
    dir: &std::path::Path,
) -> Function {
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

pub fn event(id: &str, method: &str, path: &str, body: Option<(&str, bool)>) -> (String, Value) {
    event_as(None, id, method, path, body)
}

pub fn event_as(
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

pub fn invocations() -> Vec<(String, Value)> {
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
pub async fn answers(mut received: mpsc::UnboundedReceiver<Posted>, n: usize) -> Vec<Posted> {
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
