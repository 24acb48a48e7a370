//! Helpers shared by the chain's integration tests: a chain configuration, a running chain on
//! loopback, and assertions on the answers CloudFront, Lambda and the function give.
#![allow(dead_code)] // each test file uses a different subset

pub mod audit_log;
pub mod bodies;
pub mod identity;
pub mod sse;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use oac_dev::model::Grants;
use oac_dev::{Chain, ChainConfig, VIEWER_IP_HEADER, ViewerFilter};
use serde_json::Value;

/// A Cloudflare address (173.245.48.0/20).
pub const CLOUDFLARE_V4: &str = "173.245.48.10";
/// A Cloudflare address (2606:4700::/32).
pub const CLOUDFLARE_V6: &str = "2606:4700::6810:84e5";
/// A viewer outside Cloudflare (TEST-NET-3).
pub const DIRECT: &str = "203.0.113.9";

/// The built edge artifacts: `$OAC_KIT_EDGE_DIR`, else `<target>/edge` ([`test_support::edge_dir`]).
pub fn edge_dir() -> PathBuf {
    test_support::edge_dir()
}

/// The chain as deployed (Cloudflare-only CloudFront Function, body-hash with IncludeBody, both
/// grants), running `function` with `function_env`.
pub fn config(function: PathBuf, function_env: Vec<(String, String)>) -> ChainConfig {
    ChainConfig {
        edge_dir: edge_dir(),
        viewer_filter: ViewerFilter::CloudFrontFunction,
        origin_secret: None,
        body_hash: true,
        include_body: true,
        forward_host: false,
        grants: Grants::BOTH,
        function,
        function_env,
        instances: 1,
        function_timeout: Duration::from_secs(10),
        node: PathBuf::from(std::env::var("OAC_KIT_NODE").unwrap_or_else(|_| "node".into())),
        edge_workers: 1,
        viewer_ip: None,
        trust_viewer_ip_header: true,
        log_requests: false,
        connection_function: false,
        invoke_mode: oac_dev::InvokeMode::Buffered,
    }
}

/// A chain serving on a loopback port.
pub struct Running {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    _server: tokio::task::JoinHandle<()>,
}

pub async fn start(config: ChainConfig) -> Running {
    let chain = Chain::start(config)
        .await
        .expect("chain starts (is target/edge built?)");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let _ = chain.serve(listener).await;
    });
    Running {
        address,
        client: reqwest::Client::new(),
        _server: server,
    }
}

/// What came back to the viewer.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Running {
    /// A request from `viewer` (presented through `x-oac-dev-viewer-ip`) with a viewer Host.
    pub fn request(&self, method: &str, path: &str, viewer: &str) -> reqwest::RequestBuilder {
        self.client
            .request(
                method.parse().unwrap(),
                format!("http://{}{path}", self.address),
            )
            .header(VIEWER_IP_HEADER, viewer)
            .header("host", "api.example.com")
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        viewer: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Answer {
        answer(
            self.request(method, path, viewer)
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }
}

/// Sends `request` and reads the whole answer.
pub async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.bytes().await.unwrap().to_vec(),
    }
}

/// The problem type slug (`urn:oac-kit:problem:<slug>`) of an `application/problem+json` answer.
pub fn problem_type(a: &Answer) -> String {
    assert_eq!(
        a.headers["content-type"],
        "application/problem+json",
        "{}",
        a.text()
    );
    a.json()["type"]
        .as_str()
        .unwrap()
        .trim_start_matches("urn:oac-kit:problem:")
        .to_owned()
}

/// Lambda's answer to a bad signature, as seen through CloudFront.
pub fn assert_lambda_invalid_signature(a: &Answer) {
    assert_eq!(a.status, 403, "{}", a.text());
    assert_eq!(a.headers["x-amzn-errortype"], "InvalidSignatureException");
    assert!(
        a.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("The request signature we calculated does not match")
    );
}

/// Lambda's answer when the resource policy does not admit the caller.
pub fn assert_lambda_forbidden(a: &Answer) {
    assert_eq!(a.status, 403, "{}", a.text());
    assert_eq!(a.headers["x-amzn-errortype"], "AccessDeniedException");
    assert!(
        a.json()["Message"]
            .as_str()
            .unwrap()
            .starts_with("Forbidden.")
    );
}

/// Lambda's answer to an invocation payload over its 6 MiB limit, as seen through CloudFront.
pub fn assert_lambda_payload_too_large(a: &Answer) {
    assert_eq!(a.status, 413, "{}", a.text());
    assert_eq!(
        a.headers["x-amzn-errortype"],
        "RequestEntityTooLargeException"
    );
    assert_eq!(
        a.json()["Message"],
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    );
}
