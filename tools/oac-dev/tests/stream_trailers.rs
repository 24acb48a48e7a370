//! A failure mid-stream as Lambda's runtime interface specifies it: the runtime posts a chunked
//! response and ends it with the trailers `Lambda-Runtime-Function-Error-Type` and
//! `-Error-Body`. `lambda_runtime` writes those into the body instead (issue 20's research §1), so
//! the request is made by hand here, on a raw socket, and its effect followed through the
//! Function URL (`RESPONSE_STREAM`) and CloudFront to the viewer's connection: the bytes sent
//! before the failure arrive (before the failure is even posted), then the connection ends
//! without the terminating chunk, and the chain's report names the error.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Response;
use base64::Engine as _;
use oac_dev::cloudfront::viewer;
use oac_dev::cloudfront::viewer_stream::{Report, StreamEnd, StreamReport};
use oac_dev::function_url::streaming::{self, HTTP_INTEGRATION_RESPONSE, StreamRules, limits};
use oac_dev::http::stream::OriginResponse;
use oac_dev::runtime_api::RuntimeApi;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const TIMEOUT: Duration = Duration::from_secs(10);

fn chunk(bytes: &[u8]) -> Vec<u8> {
    [format!("{:x}\r\n", bytes.len()).as_bytes(), bytes, b"\r\n"].concat()
}

/// Reads from `socket` into `seen` until `needle` is in it.
async fn read_until(socket: &mut TcpStream, seen: &mut Vec<u8>, needle: &[u8]) {
    let mut buf = [0u8; 4096];
    while !seen.windows(needle.len()).any(|w| w == needle) {
        let n = tokio::time::timeout(TIMEOUT, socket.read(&mut buf))
            .await
            .expect("no hang")
            .unwrap();
        assert!(
            n > 0,
            "EOF before {:?}: {}",
            String::from_utf8_lossy(needle),
            String::from_utf8_lossy(seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
}

/// Serves `response` once on a loopback port (CloudFront's side of the viewer connection).
async fn serve_once(response: Response<Body>) -> std::net::SocketAddr {
    let slot = Arc::new(Mutex::new(Some(response)));
    let app = axum::Router::new().fallback(move || {
        let slot = slot.clone();
        async move { slot.lock().unwrap().take().expect("one request") }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_trailers_mid_stream_end_the_viewers_connection_without_the_last_chunk() {
    let api = Arc::new(RuntimeApi::start().await.unwrap());
    let invoking = tokio::spawn({
        let api = api.clone();
        async move { api.invoke_answer(b"{}".to_vec(), TIMEOUT).await }
    });

    // The function: take the event, then post a streamed response by hand.
    let next = reqwest::get(format!(
        "http://{}/2018-06-01/runtime/invocation/next",
        api.address()
    ))
    .await
    .unwrap();
    let id = next.headers()["lambda-runtime-aws-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let mut function = TcpStream::connect(api.address()).await.unwrap();
    let head = format!(
        "POST /2018-06-01/runtime/invocation/{id}/response HTTP/1.1\r\nHost: runtime\r\n\
         Transfer-Encoding: chunked\r\nLambda-Runtime-Function-Response-Mode: streaming\r\n\
         Content-Type: {HTTP_INTEGRATION_RESPONSE}\r\n\
         Trailer: Lambda-Runtime-Function-Error-Type\r\nTrailer: Lambda-Runtime-Function-Error-Body\r\n\r\n"
    );
    let prelude = [
        &br#"{"statusCode":200,"headers":{"content-type":"text/plain"}}"#[..],
        &[0; 8],
    ]
    .concat();
    let started = [
        head.as_bytes(),
        &chunk(&prelude),
        &chunk(b"the part before the failure"),
    ]
    .concat();
    function.write_all(&started).await.unwrap();

    // The Function URL and CloudFront.
    let answer = invoking.await.unwrap().expect("the stream started");
    let rules = StreamRules {
        bandwidth: None,
        cap: limits::RESPONSE_CAP,
        timeout: TIMEOUT,
        deadline: tokio::time::Instant::now() + TIMEOUT,
    };
    let OriginResponse::Streamed(streamed) = streaming::response_stream(answer, rules)
        .await
        .unwrap()
        .response
    else {
        panic!("a streamed response");
    };
    let reported: Arc<Mutex<Option<StreamReport>>> = Arc::default();
    let sink = reported.clone();
    let report = Report {
        started: Instant::now(),
        sink: Box::new(move |r| *sink.lock().unwrap() = Some(r)),
    };
    let address = serve_once(viewer::streamed(
        streamed,
        "Miss from cloudfront",
        "req",
        report,
    ))
    .await;

    // The viewer gets the first bytes while the function has not failed yet.
    let mut viewer = TcpStream::connect(address).await.unwrap();
    viewer
        .write_all(b"GET / HTTP/1.1\r\nHost: d0acdev0local.cloudfront.net\r\n\r\n")
        .await
        .unwrap();
    let mut seen = Vec::new();
    read_until(&mut viewer, &mut seen, b"the part before the failure").await;

    // Now the function fails: the terminating chunk with the error trailers.
    let error_body = base64::engine::general_purpose::STANDARD.encode("the export broke");
    let trailers = format!(
        "0\r\nLambda-Runtime-Function-Error-Type: Runtime.UnhandledError\r\n\
         Lambda-Runtime-Function-Error-Body: {error_body}\r\n\r\n"
    );
    function.write_all(trailers.as_bytes()).await.unwrap();
    let mut accepted = Vec::new();
    read_until(&mut function, &mut accepted, b"\r\n\r\n").await;
    assert!(
        accepted.starts_with(b"HTTP/1.1 202"),
        "{}",
        String::from_utf8_lossy(&accepted)
    );

    // The viewer's connection ends without the terminating chunk.
    tokio::time::timeout(TIMEOUT, viewer.read_to_end(&mut seen))
        .await
        .expect("the viewer's connection ends")
        .ok();
    let text = String::from_utf8_lossy(&seen).to_lowercase();
    assert!(text.starts_with("http/1.1 200"), "{text}");
    assert!(text.contains("transfer-encoding: chunked"), "{text}");
    assert!(
        !text.ends_with("0\r\n\r\n"),
        "the viewer got a terminating chunk: {text:?}"
    );

    let report = reported.lock().unwrap().clone().expect("reported");
    assert_eq!(report.bytes, "the part before the failure".len() as u64);
    assert!(
        matches!(&report.end, StreamEnd::Cut(why) if why.contains("Runtime.UnhandledError") && why.contains("the export broke")),
        "{report:?}"
    );
}

/// `/error` before the response starts is a function error, as for a buffered answer; once a
/// stream has started the invocation is no longer pending and `/error` is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_before_the_stream_starts_fails_the_invocation_and_after_it_is_refused() {
    let api = Arc::new(RuntimeApi::start().await.unwrap());
    let runtime = format!("http://{}/2018-06-01/runtime/invocation", api.address());
    let client = reqwest::Client::new();
    let next_id = |client: reqwest::Client, runtime: String| async move {
        let next = client.get(format!("{runtime}/next")).send().await.unwrap();
        next.headers()["lambda-runtime-aws-request-id"]
            .to_str()
            .unwrap()
            .to_owned()
    };

    let invoking = tokio::spawn({
        let api = api.clone();
        async move { api.invoke_answer(b"{}".to_vec(), TIMEOUT).await }
    });
    let id = next_id(client.clone(), runtime.clone()).await;
    let report = r#"{"errorType":"Custom.Early","errorMessage":"before any byte"}"#;
    let status = client
        .post(format!("{runtime}/{id}/error"))
        .body(report)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 202);
    assert!(matches!(
        invoking.await.unwrap(),
        Err(oac_dev::runtime_api::InvokeError::Function { error_type, .. }) if error_type == "Custom.Early"
    ));

    let invoking = tokio::spawn({
        let api = api.clone();
        async move { api.invoke_answer(b"{}".to_vec(), TIMEOUT).await }
    });
    let id = next_id(client.clone(), runtime.clone()).await;
    let mut function = TcpStream::connect(api.address()).await.unwrap();
    let head = format!(
        "POST /2018-06-01/runtime/invocation/{id}/response HTTP/1.1\r\nHost: runtime\r\n\
         Transfer-Encoding: chunked\r\nLambda-Runtime-Function-Response-Mode: streaming\r\n\
         Content-Type: {HTTP_INTEGRATION_RESPONSE}\r\n\r\n"
    );
    function
        .write_all(&[head.as_bytes(), &chunk(b"{}\0\0\0\0\0\0\0\0")].concat())
        .await
        .unwrap();
    let _stream = invoking.await.unwrap().expect("the stream started");
    let status = client
        .post(format!("{runtime}/{id}/error"))
        .body(report)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 400);
}
