//! An emulated [Lambda Runtime API](https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html)
//! on loopback, and a guard for the function process it serves.
//!
//! A real Lambda binary (`lambda_runtime`, `lambda_http`) started with `AWS_LAMBDA_RUNTIME_API`
//! pointing here long-polls `/invocation/next`, and [`RuntimeApi::invoke`] hands it one event and
//! waits for its `/response` or `/error` — the same protocol Lambda speaks, no mock of the binary.
//! A response posted with `Lambda-Runtime-Function-Response-Mode: streaming` is handed on frame by
//! frame as it arrives ([`streaming`], [`RuntimeApi::invoke_answer`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use oac_dev::runtime_api::{FunctionProcess, RuntimeApi};
//! let api = RuntimeApi::start().await?;
//! let _function = FunctionProcess::spawn("target/debug/body-hash", "body-hash", &api, &[])?;
//! let answer = api.invoke(br#"{"Records":[]}"#.to_vec(), std::time::Duration::from_secs(5)).await;
//! # Ok(()) }
//! ```

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::{Mutex, Notify, mpsc, oneshot};

use crate::http::stream::{CHANNEL_FRAMES, FunctionAnswer, FunctionFrame, FunctionStream};

pub mod streaming;

/// The largest buffered response the Runtime API takes (Lambda's 6 MB invocation payload).
pub const BUFFERED_RESPONSE_LIMIT: usize = 6 << 20;

/// Why an invocation did not produce a response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvokeError {
    /// The function reported an error (`/invocation/{id}/error`).
    #[error("function error {error_type}: {error_message}")]
    Function {
        /// `errorType` of the report.
        error_type: String,
        /// `errorMessage` of the report.
        error_message: String,
    },
    /// The function reported an init error (`/init/error`) before taking the event.
    #[error("function init error: {0}")]
    Init(String),
    /// No answer before the deadline (the function is stuck, crashed, or never started).
    #[error("function timed out after {0:?}")]
    Timeout(Duration),
}

struct Invocation {
    id: String,
    payload: Bytes,
    deadline_ms: u128,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<VecDeque<Invocation>>,
    queued: Notify,
    pending: Mutex<HashMap<String, oneshot::Sender<Result<FunctionAnswer, InvokeError>>>>,
    init_error: Mutex<Option<String>>,
    next_id: AtomicU64,
}

/// The emulated Runtime API server.
pub struct RuntimeApi {
    address: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

const PREFIX: &str = "/2018-06-01/runtime";

impl RuntimeApi {
    /// Listens on an ephemeral loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let app = Router::new()
            .route(&format!("{PREFIX}/invocation/next"), get(next))
            .route(
                &format!("{PREFIX}/invocation/{{id}}/response"),
                post(respond),
            )
            .route(&format!("{PREFIX}/invocation/{{id}}/error"), post(fail))
            .route(&format!("{PREFIX}/init/error"), post(init_error))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            address,
            shared,
            server,
        })
    }

    /// `host:port` for `AWS_LAMBDA_RUNTIME_API`.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Queues one event and waits for the function's whole answer, at most `timeout`. A streamed
    /// answer is read to its end: its bytes as posted (prelude included), or the error its
    /// trailers report.
    pub async fn invoke(&self, payload: Vec<u8>, timeout: Duration) -> Result<Bytes, InvokeError> {
        match self.invoke_answer(payload, timeout).await? {
            FunctionAnswer::Buffered(bytes) => Ok(bytes),
            FunctionAnswer::Streamed(stream) => streaming::collect(stream).await,
        }
    }

    /// Queues one event and waits, at most `timeout`, for the function's answer to start: a
    /// buffered payload, or a stream whose frames arrive as the function posts them.
    pub async fn invoke_answer(
        &self,
        payload: Vec<u8>,
        timeout: Duration,
    ) -> Result<FunctionAnswer, InvokeError> {
        if let Some(message) = self.shared.init_error.lock().await.clone() {
            return Err(InvokeError::Init(message));
        }
        let id = format!(
            "00000000-0000-4000-8000-{:012x}",
            self.shared.next_id.fetch_add(1, Ordering::Relaxed)
        );
        let (tx, rx) = oneshot::channel();
        self.shared.pending.lock().await.insert(id.clone(), tx);
        let deadline_ms = (SystemTime::now() + timeout)
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        self.shared.queue.lock().await.push_back(Invocation {
            id: id.clone(),
            payload: payload.into(),
            deadline_ms,
        });
        self.shared.queued.notify_one();
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(answer)) => answer,
            _ => {
                self.shared.pending.lock().await.remove(&id);
                self.shared.queue.lock().await.retain(|i| i.id != id);
                match self.shared.init_error.lock().await.clone() {
                    Some(message) => Err(InvokeError::Init(message)),
                    None => Err(InvokeError::Timeout(timeout)),
                }
            }
        }
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    loop {
        // Register interest before checking the queue so a push in between is not missed.
        let notified = shared.queued.notified();
        if let Some(invocation) = shared.queue.lock().await.pop_front() {
            let mut headers = HeaderMap::new();
            let pairs = [
                ("lambda-runtime-aws-request-id", invocation.id.clone()),
                (
                    "lambda-runtime-deadline-ms",
                    invocation.deadline_ms.to_string(),
                ),
                (
                    "lambda-runtime-invoked-function-arn",
                    "arn:aws:lambda:us-east-1:000000000000:function:local".to_owned(),
                ),
                (
                    "lambda-runtime-trace-id",
                    format!("Root=1-00000000-{:0>24};Sampled=0", &invocation.id[24..]),
                ),
            ];
            for (name, value) in pairs {
                if let Ok(value) = value.parse() {
                    headers.insert(name, value);
                }
            }
            return (StatusCode::OK, headers, invocation.payload).into_response();
        }
        notified.await;
    }
}

/// `/invocation/{id}/response`: a buffered payload, or (response mode `streaming`) a chunked body
/// handed on frame by frame while the function still writes it. Lambda answers 202 once the
/// response is complete; a viewer that went away does not stop the function (Lambda bills the
/// whole stream), so the rest is still read.
async fn respond(
    State(shared): State<Arc<Shared>>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
    body: Body,
) -> StatusCode {
    if !streaming::is_streaming(&headers) {
        return match axum::body::to_bytes(body, BUFFERED_RESPONSE_LIMIT).await {
            Ok(bytes) => complete(&shared, &id, Ok(FunctionAnswer::Buffered(bytes))).await,
            Err(_) => StatusCode::PAYLOAD_TOO_LARGE,
        };
    }
    let (frames, rx) = mpsc::channel::<FunctionFrame>(CHANNEL_FRAMES);
    let stream = FunctionStream {
        content_type: streaming::content_type(&headers),
        frames: rx,
    };
    let status = complete(&shared, &id, Ok(FunctionAnswer::Streamed(stream))).await;
    if status == StatusCode::ACCEPTED {
        streaming::forward(body, frames).await;
    }
    status
}

async fn fail(
    State(shared): State<Arc<Shared>>,
    UrlPath(id): UrlPath<String>,
    body: Bytes,
) -> StatusCode {
    let report: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let field = |k: &str| report[k].as_str().unwrap_or_default().to_owned();
    let error = InvokeError::Function {
        error_type: field("errorType"),
        error_message: field("errorMessage"),
    };
    complete(&shared, &id, Err(error)).await
}

async fn init_error(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    *shared.init_error.lock().await = Some(String::from_utf8_lossy(&body).into_owned());
    StatusCode::ACCEPTED
}

async fn complete(
    shared: &Shared,
    id: &str,
    answer: Result<FunctionAnswer, InvokeError>,
) -> StatusCode {
    match shared.pending.lock().await.remove(id) {
        Some(tx) => {
            let _ = tx.send(answer);
            StatusCode::ACCEPTED
        }
        // Lambda answers 400 to a response for an unknown or finished invocation.
        None => StatusCode::BAD_REQUEST,
    }
}

/// A function process served by a [`RuntimeApi`]; killed when dropped.
pub struct FunctionProcess {
    child: tokio::process::Child,
}

impl FunctionProcess {
    /// Starts `binary` with the environment Lambda gives a function (`AWS_LAMBDA_RUNTIME_API`,
    /// name, memory, version, log group/stream, region) plus `env`.
    pub fn spawn(
        binary: impl AsRef<Path>,
        name: &str,
        api: &RuntimeApi,
        env: &[(&str, &str)],
    ) -> std::io::Result<Self> {
        Self::spawn_with(binary, name, api, env, std::process::Stdio::inherit())
    }

    /// [`FunctionProcess::spawn`] with the function's stdout (its log lines) piped to the
    /// caller, who must keep reading it (a full pipe stops the function).
    pub fn spawn_reading_stdout(
        binary: impl AsRef<Path>,
        name: &str,
        api: &RuntimeApi,
        env: &[(&str, &str)],
    ) -> std::io::Result<(Self, tokio::process::ChildStdout)> {
        let mut function = Self::spawn_with(binary, name, api, env, std::process::Stdio::piped())?;
        let stdout = function.child.stdout.take().expect("stdout is piped");
        Ok((function, stdout))
    }

    fn spawn_with(
        binary: impl AsRef<Path>,
        name: &str,
        api: &RuntimeApi,
        env: &[(&str, &str)],
        stdout: std::process::Stdio,
    ) -> std::io::Result<Self> {
        let mut cmd = tokio::process::Command::new(binary.as_ref());
        cmd.env("AWS_LAMBDA_RUNTIME_API", api.address().to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", name)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "local")
            .env("AWS_REGION", "us-east-1")
            .stdout(stdout)
            // Lambda gives a function no secret of the emulator's.
            .env_remove(crate::secret_source::ENV_VAR)
            .kill_on_drop(true);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Ok(Self {
            child: cmd.spawn()?,
        })
    }

    /// Whether the process has exited (e.g. it refused its configuration at init).
    pub fn exit_status(&mut self) -> std::io::Result<Option<std::process::ExitStatus>> {
        self.child.try_wait()
    }

    /// Waits for the process to exit.
    pub async fn wait(&mut self) -> std::io::Result<std::process::ExitStatus> {
        self.child.wait().await
    }

    /// Kills the process (if it still runs) and waits for it, so it leaves no zombie behind.
    pub async fn stop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill().await;
        }
    }
}
