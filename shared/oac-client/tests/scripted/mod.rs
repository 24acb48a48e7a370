//! A local API that fails on demand, a manual clock and a sleeper that records its waits.
#![allow(dead_code)] // each test file uses a different subset

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use oac_client::{Clock, OacClient, OacClientBuilder, Sleep, SleepFuture};

/// What the server answers one attempt with.
#[derive(Clone)]
pub struct Scripted {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Scripted {
    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// An RFC 9457 problem of `status` and `slug`.
    pub fn problem(status: u16, slug: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/problem+json".to_owned())],
            body: format!(
                r#"{{"type":"urn:oac-kit:problem:{slug}","title":"Scripted","status":{status},"detail":"scripted {slug}"}}"#
            ),
        }
    }
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: Method,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn identity(&self) -> String {
        self.headers["x-fluid-identity"]
            .to_str()
            .unwrap()
            .to_owned()
    }
}

#[derive(Default)]
struct State {
    script: Mutex<VecDeque<Scripted>>,
    received: Mutex<Vec<Received>>,
}

/// The server: answers the script in order, then 200 `ok`; records every attempt.
pub struct Server {
    pub address: SocketAddr,
    state: Arc<State>,
}

impl Server {
    pub async fn start(script: Vec<Scripted>) -> Self {
        let state = Arc::new(State {
            script: Mutex::new(script.into()),
            received: Mutex::default(),
        });
        let shared = state.clone();
        let app = Router::new().fallback(move |method: Method, headers: HeaderMap, body: Bytes| {
            let state = shared.clone();
            async move {
                state.received.lock().unwrap().push(Received {
                    method,
                    headers,
                    body,
                });
                let next = state.script.lock().unwrap().pop_front();
                answer(next)
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { address, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// How many attempts reached the server.
    pub fn attempts(&self) -> usize {
        self.state.received.lock().unwrap().len()
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }
}

fn answer(next: Option<Scripted>) -> Response {
    let Some(s) = next else {
        return (StatusCode::OK, "ok").into_response();
    };
    let mut response = (StatusCode::from_u16(s.status).unwrap(), s.body).into_response();
    for (name, value) in s.headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

/// A clock that moves only when told (or when the sleeper sleeps).
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<SystemTime>>);

impl ManualClock {
    pub fn at(time: SystemTime) -> Self {
        Self(Arc::new(Mutex::new(time)))
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

/// Returns at once, remembering each wait and advancing the clock by it.
#[derive(Clone)]
pub struct RecordingSleep {
    clock: ManualClock,
    waits: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleep {
    pub fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap().clone()
    }
}

impl Sleep for RecordingSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.waits.lock().unwrap().push(duration);
        self.clock.advance(duration);
        Box::pin(std::future::ready(()))
    }
}

/// 2025-03-01T12:34:56Z.
pub fn start_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_740_832_496)
}

/// The audience every test client mints for.
pub const AUDIENCE: &str = "orders-api";

/// A client of `base` with fixed credentials, the manual clock and the recording sleeper.
pub struct TestClient {
    pub client: OacClient,
    pub clock: ManualClock,
    pub sleep: RecordingSleep,
}

/// A builder for `base` with fixed credentials and region: `build` does no I/O.
pub fn builder(base: &str) -> OacClientBuilder {
    let credentials = aws_credential_types::Credentials::new(
        "AKIDEXAMPLE0000000000",
        "secret",
        None,
        None,
        "test",
    );
    OacClient::builder(base, AUDIENCE)
        .region("us-west-2")
        .credentials(credentials)
}

pub async fn client(
    base: &str,
    customize: impl FnOnce(OacClientBuilder) -> OacClientBuilder,
) -> TestClient {
    let clock = ManualClock::at(start_time());
    let sleep = RecordingSleep {
        clock: clock.clone(),
        waits: Arc::default(),
    };
    let builder = builder(base).clock(clock.clone()).sleeper(sleep.clone());
    let client = customize(builder).build().await.expect("the client builds");
    TestClient {
        client,
        clock,
        sleep,
    }
}
