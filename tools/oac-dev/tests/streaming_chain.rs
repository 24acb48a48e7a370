//! The `oac-dev` binary with `--invoke-mode response-stream` in front of the real `oac-echo` in
//! stream mode (`lambda_http`'s streaming runtime): chunks reach the viewer while the function
//! still runs, a 25 MiB answer arrives byte-identical, gzip from the function arrives decoded,
//! and a function that dies mid-stream leaves the viewer a truncated body. Also the two
//! invoke-mode mismatches. No viewer filter and no body-hash (no edge artifacts needed), the
//! bandwidth cap off; Node.js still runs the (idle) edge workers.

use std::process::Command;
use std::time::Duration;

use sha2::{Digest, Sha256};
use test_support::process::OacDev;

/// oac-echo's streamed body pattern (`src/bin/oac-echo/stream.rs`).
const PATTERN: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\n";
/// A bound against a hang, never a measured time.
const LIMIT: Duration = Duration::from_secs(60);

fn expected(len: usize) -> Vec<u8> {
    (0..len).map(|n| PATTERN[n % PATTERN.len()]).collect()
}

/// `oac-dev` in front of `oac-echo`, with the URL's `invoke_mode` and oac-echo streaming or not.
fn chain(invoke_mode: &str, echo_streams: bool) -> OacDev {
    let mut command = Command::new(env!("CARGO_BIN_EXE_oac-dev"));
    command
        .args([
            "--listen",
            "127.0.0.1:0",
            "--viewer-filter",
            "none",
            "--no-body-hash",
        ])
        .args([
            "--edge-workers",
            "1",
            "--instances",
            "1",
            "--function-timeout",
            "30",
        ])
        .args(["--invoke-mode", invoke_mode])
        .arg("--function")
        .arg(env!("CARGO_BIN_EXE_oac-echo"))
        .arg("--node")
        .arg(std::env::var("OAC_KIT_NODE").unwrap_or_else(|_| "node".into()))
        .env_remove("OAC_DEV_ORIGIN_SECRET");
    if invoke_mode == "response-stream" {
        command.arg("--no-stream-bandwidth-cap");
    }
    if echo_streams {
        command.args(["--function-env", "OAC_ECHO_MODE=stream"]);
    }
    OacDev::start(command)
}

fn url(chain: &OacDev, query: &[(&str, &str)]) -> reqwest::Url {
    reqwest::Url::parse_with_params(&format!("http://{}/stream", chain.address), query).unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(LIMIT).build().unwrap()
}

/// The body read chunk by chunk: the bytes, and whether it ended in an error.
async fn read_body(mut response: reqwest::Response) -> (Vec<u8>, bool) {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => return (body, false),
            Err(_) => return (body, true),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chunks_reach_the_viewer_before_the_function_finishes() {
    let chain = chain("response-stream", true);
    let dir = tempfile::tempdir().unwrap();
    let release = dir.path().join("release");
    let query = [
        ("chunks", "3"),
        ("size", "10"),
        ("hold_until", release.to_str().unwrap()),
    ];
    let mut response = client().get(url(&chain, &query)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    // The function holds after its first chunk until `release` exists: this chunk can only have
    // come through while the function was still running.
    let mut body = Vec::new();
    while body.len() < 10 {
        let chunk = response
            .chunk()
            .await
            .unwrap()
            .expect("the first chunk before the end");
        body.extend_from_slice(&chunk);
    }
    assert!(!release.exists());
    std::fs::write(&release, b"").unwrap();
    let (rest, cut) = read_body(response).await;
    body.extend(rest);
    assert!(!cut);
    assert_eq!(body, expected(30));
    chain.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_25_mib_streamed_answer_arrives_byte_identical() {
    let chain = chain("response-stream", true);
    // 64 KiB chunks: the channels between the stages hold at most 16 chunks each.
    let size = 1 << 20;
    let query = [("chunks", "400"), ("size", "65536")];
    let response = client().get(url(&chain, &query)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("content-length"), None);
    let (body, cut) = read_body(response).await;
    assert!(!cut);
    assert_eq!(body.len(), 25 * size);
    assert_eq!(
        hex::encode(Sha256::digest(&body)),
        hex::encode(Sha256::digest(expected(25 * size)))
    );
    // Nothing in oac-dev holds the answer (chunks pass through bounded channels): relaying twice
    // as much again needs about the memory the first answer did (allocator noise: a few MiB),
    // where holding it would need 25 MiB more.
    let mib = |bytes: u64| bytes as f64 / f64::from(1 << 20);
    let after_25 = chain.process().peak_rss().expect("oac-dev is running");
    let query = [("chunks", "800"), ("size", "65536")];
    let response = client().get(url(&chain, &query)).send().await.unwrap();
    let (body, cut) = read_body(response).await;
    assert!(!cut);
    assert_eq!(body.len(), 50 * size);
    drop(body);
    let after_50 = chain.process().peak_rss().expect("oac-dev is running");
    eprintln!(
        "oac-dev peak RSS: {:.1} MiB after relaying 25 MiB, {:.1} MiB after 50 MiB more",
        mib(after_25),
        mib(after_50)
    );
    assert!(
        after_50.saturating_sub(after_25) < 16 * (1 << 20),
        "oac-dev's peak RSS grew from {after_25} to {after_50} bytes"
    );
    chain.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_from_the_function_reaches_the_viewer_decoded_without_content_encoding() {
    let chain = chain("response-stream", true);
    let query = [("chunks", "4"), ("size", "1000"), ("encoding", "gzip")];
    let response = client()
        .get(url(&chain, &query))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("content-encoding"), None);
    let (body, cut) = read_body(response).await;
    assert!(!cut);
    assert_eq!(body, expected(4000));
    chain.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_that_dies_mid_stream_leaves_the_viewer_a_truncated_body() {
    let chain = chain("response-stream", true);
    let query = [("chunks", "5"), ("size", "100"), ("fail_after", "2")];
    let response = client().get(url(&chain, &query)).send().await.unwrap();
    assert_eq!(
        response.status(),
        200,
        "the status went out before the failure"
    );
    let (body, cut) = read_body(response).await;
    assert!(cut, "the body ended without an error: {} bytes", body.len());
    assert!(body.len() <= 200, "{} bytes after fail_after=2", body.len());
    assert_eq!(body, expected(body.len()));
    chain.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streaming_function_behind_a_buffered_url_answers_200_with_an_empty_body() {
    let chain = chain("buffered", true);
    let query = [("chunks", "2"), ("size", "10")];
    let response = client().get(url(&chain, &query)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().len(), 0);
    chain.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buffered_function_behind_a_response_stream_url_answers_its_payload_as_json() {
    let chain = chain("response-stream", false);
    let response = client().get(url(&chain, &[])).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let payload: serde_json::Value =
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(
        payload["statusCode"], 200,
        "the runtime's payload, uninterpreted: {payload}"
    );
    chain.stop();
}

#[test]
fn the_bandwidth_flag_without_a_streaming_url_is_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_oac-dev"))
        .args(["--listen", "127.0.0.1:0", "--no-stream-bandwidth-cap"])
        .arg("--function")
        .arg(env!("CARGO_BIN_EXE_oac-echo"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--no-stream-bandwidth-cap needs --invoke-mode response-stream"),
        "{stderr}"
    );
}
