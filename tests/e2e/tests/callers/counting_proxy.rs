//! A pass-through HTTP proxy that counts the requests it forwards: how a test sees whether a
//! client sent a request once or retried it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;

/// Headers the proxy's own HTTP stacks set for each hop.
const HOP_HEADERS: [&str; 4] = ["host", "content-length", "transfer-encoding", "connection"];

/// A proxy on a loopback port forwarding everything to one upstream.
pub struct CountingProxy {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    requests: Arc<AtomicUsize>,
    _server: tokio::task::JoinHandle<()>,
}

impl CountingProxy {
    /// Forwards to `upstream` (`http://host:port`).
    pub async fn start(upstream: &str) -> Self {
        let requests = Arc::new(AtomicUsize::new(0));
        let (counter, upstream, http) = (
            requests.clone(),
            upstream.to_owned(),
            reqwest::Client::new(),
        );
        let app = axum::Router::new().fallback(move |request: Request| {
            counter.fetch_add(1, Ordering::SeqCst);
            forward(http.clone(), upstream.clone(), request)
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base_url: format!("http://{address}"),
            requests,
            _server: server,
        }
    }

    /// Requests forwarded so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn forward(http: reqwest::Client, upstream: String, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut headers = parts.headers;
    for name in HOP_HEADERS {
        headers.remove(name);
    }
    let answer = http
        .request(parts.method, format!("{upstream}{path}"))
        .headers(headers)
        .body(body)
        .send()
        .await
        .unwrap();
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if !HOP_HEADERS.contains(&name.as_str()) {
            response = response.header(name, value);
        }
    }
    response
        .body(Body::from(answer.bytes().await.unwrap()))
        .unwrap()
}
