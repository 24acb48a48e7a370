//! The chain fails where CloudFront fails, end to end with the real `oac-echo`: a viewer's
//! `x-amz-cf-id` never reaches the origin, a request line and headers over 20,480 bytes get a 413
//! and a closed connection, a body that cannot be read is a 400 (never "too large"), and an edge
//! function that edits a header CloudFront keeps gets CloudFront's 502 — at viewer-request (as a
//! CloudFront Function and as Lambda@Edge) and at origin-request. The edge functions of the last
//! tests are small stand-ins written here, editing what the `x-test-edit` header asks.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{CLOUDFLARE_V4, Running, answer, start};
use oac_dev::cloudfront::viewer_limits::MAX_REQUEST_BYTES;
use oac_dev::{ChainConfig, VIEWER_IP_HEADER, ViewerFilter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn config() -> ChainConfig {
    common::config(
        test_support::cargo_bin::cargo_bin("oac-dev", "oac-echo"),
        vec![],
    )
}

/// Writes `request` on a fresh connection and reads the answer's head (the connection may stay
/// open, so the read stops there).
async fn raw(chain: &Running, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(chain.address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
            if String::from_utf8_lossy(&answer).contains("\r\n\r\n") {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read)
        .await
        .expect("an answer");
    String::from_utf8_lossy(&answer).into_owned()
}

/// Whether the server closed the connection after its answer.
async fn closed_after(chain: &Running, request: &[u8]) -> (String, bool) {
    let mut stream = TcpStream::connect(chain.address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer))
        .await
        .is_ok();
    (String::from_utf8_lossy(&answer).into_owned(), closed)
}

fn status_of(answer: &str) -> &str {
    answer.split(' ').nth(1).unwrap_or_default()
}

/// A GET of exactly `total` bytes of request line and headers (the viewer header aside).
fn get_of_size(total: usize) -> Vec<u8> {
    let head = "GET /health HTTP/1.1\r\nhost: api.example.com\r\nx-pad: ";
    let pad = total - head.len() - "\r\n\r\n".len();
    format!(
        "{head}{}\r\n{VIEWER_IP_HEADER}: {CLOUDFLARE_V4}\r\n\r\n",
        "a".repeat(pad)
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_sent_x_amz_cf_id_is_replaced_by_cloudfronts_own() {
    let chain = start(config()).await;
    let a = answer(
        chain
            .request("GET", "/whoami", CLOUDFLARE_V4)
            .header("x-amz-cf-id", "planted-by-the-viewer"),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
    let echo = a.json();
    assert_eq!(
        echo["headers"]["x-amz-cf-id"],
        a.headers["x-amz-cf-id"].to_str().unwrap(),
        "{echo}"
    );
    assert!(!a.text().contains("planted-by-the-viewer"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_line_and_headers_of_exactly_20480_bytes_pass() {
    let chain = start(config()).await;
    let answer = raw(&chain, &get_of_size(MAX_REQUEST_BYTES)).await;
    assert_eq!(status_of(&answer), "200", "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_byte_more_is_a_413_and_a_closed_connection() {
    let chain = start(config()).await;
    let (answer, closed) = closed_after(&chain, &get_of_size(MAX_REQUEST_BYTES + 1)).await;
    assert_eq!(status_of(&answer), "413", "{answer}");
    assert!(closed, "the connection stayed open: {answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_chunked_body_is_a_bad_request_not_too_large() {
    let chain = start(config()).await;
    let request = format!(
        "POST /v1/items HTTP/1.1\r\nhost: api.example.com\r\n{VIEWER_IP_HEADER}: {CLOUDFLARE_V4}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"
    );
    let (answer, _) = closed_after(&chain, request.as_bytes()).await;
    assert_eq!(status_of(&answer), "400", "{answer}");
}

/// A Lambda@Edge handler that applies `x-test-edit` (`set NAME VALUE` or `delete NAME`) when the
/// event is `stage`'s, and forwards the request.
fn lambda_edge_editor(stage: &str) -> String {
    format!(
        "export async function handler(event) {{
  const {{ config, request }} = event.Records[0].cf;
  const edit = request.headers['x-test-edit']?.[0]?.value;
  if (edit && config.eventType === '{stage}') {{
    const [op, name, value] = edit.split(' ');
    if (op === 'set') request.headers[name] = [{{ key: name, value }}];
    else delete request.headers[name];
  }}
  return request;
}}
"
    )
}

/// The same as a CloudFront Function (viewer-request).
const CLOUDFRONT_FUNCTION_EDITOR: &str = "function handler(event) {
  var request = event.request;
  var edit = request.headers['x-test-edit'];
  if (edit) {
    var p = edit.value.split(' ');
    if (p[0] === 'set') request.headers[p[1]] = { value: p[2] };
    else delete request.headers[p[1]];
  }
  return request;
}
";

/// An edge directory whose viewer filters and origin-request function edit headers on request.
fn editing_edge_dir(dir: &Path, origin_stage: bool) {
    for (name, stage) in [
        ("ip-filter", "viewer-request"),
        ("body-hash", "origin-request"),
    ] {
        let bundle = dir.join(name);
        std::fs::create_dir_all(&bundle).unwrap();
        let stage = if origin_stage || stage == "viewer-request" {
            stage
        } else {
            "none"
        };
        std::fs::write(bundle.join("index.mjs"), lambda_edge_editor(stage)).unwrap();
    }
    std::fs::write(
        dir.join("ip-filter.cloudfront.js"),
        CLOUDFRONT_FUNCTION_EDITOR,
    )
    .unwrap();
}

/// The chain over the editing functions, with `filter` at viewer-request.
async fn editing_chain(dir: &Path, filter: ViewerFilter, origin_stage: bool) -> Running {
    editing_edge_dir(dir, origin_stage);
    start(ChainConfig {
        edge_dir: dir.to_owned(),
        viewer_filter: filter,
        ..config()
    })
    .await
}

async fn edit(chain: &Running, edit: &str) -> common::Answer {
    answer(
        chain
            .request("GET", "/health", CLOUDFLARE_V4)
            .header("x-test-edit", edit),
    )
    .await
}

fn assert_validation_error(a: &common::Answer, x_cache: &str) {
    assert_eq!(a.status, 502, "{}", a.text());
    assert_eq!(a.headers["x-cache"], x_cache);
    assert!(
        a.text().contains("result failed validation"),
        "{}",
        a.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lambda_edge_viewer_function_changing_host_or_adding_x_amz_cf_gets_a_502() {
    let dir = tempfile::tempdir().unwrap();
    let chain = editing_chain(dir.path(), ViewerFilter::LambdaEdge, false).await;
    for change in ["set host evil.example", "set x-amz-cf-pop FAKE"] {
        let a = edit(&chain, change).await;
        assert_validation_error(&a, "LambdaValidationError from cloudfront");
    }
    assert_eq!(edit(&chain, "set x-allowed 1").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cloudfront_function_changing_host_gets_a_502() {
    let dir = tempfile::tempdir().unwrap();
    let chain = editing_chain(dir.path(), ViewerFilter::CloudFrontFunction, false).await;
    let a = edit(&chain, "set host evil.example").await;
    assert_validation_error(&a, "FunctionValidationError from cloudfront");
    assert_eq!(edit(&chain, "delete x-test-edit").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_origin_request_function_deleting_via_gets_a_502() {
    let dir = tempfile::tempdir().unwrap();
    let chain = editing_chain(dir.path(), ViewerFilter::Off, true).await;
    let a = edit(&chain, "delete via").await;
    assert_validation_error(&a, "LambdaValidationError from cloudfront");
    let a = edit(&chain, "set x-forwarded-proto http").await;
    assert_validation_error(&a, "LambdaValidationError from cloudfront");
    assert_eq!(edit(&chain, "delete x-test-edit").await.status, 200);
}
