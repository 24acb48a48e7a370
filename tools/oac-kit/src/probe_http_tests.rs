//! The probe's HTTP side against real servers on loopback.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::any;

use super::*;

/// What the server saw: method, path and query, headers, body.
type Seen = Arc<Mutex<Vec<(String, String, HeaderMap, Vec<u8>)>>>;

/// A server on loopback: `/health` answers 200 with a header, `/big` 1 MiB, `/moved` a redirect
/// to `/elsewhere`; every request is recorded.
async fn server() -> (Url, Seen) {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().fallback(any(
        move |method: Method, uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
            let record = record.clone();
            async move {
                let path = uri
                    .path_and_query()
                    .map(|p| p.to_string())
                    .unwrap_or_default();
                record.lock().unwrap().push((
                    method.to_string(),
                    path.clone(),
                    headers,
                    body.to_vec(),
                ));
                match uri.path() {
                    "/big" => (StatusCode::OK, vec![b'x'; 1 << 20]).into_response(),
                    "/moved" => (
                        StatusCode::FOUND,
                        [(header::LOCATION, "/elsewhere")],
                        "moved",
                    )
                        .into_response(),
                    _ => (StatusCode::OK, [("X-Cache", "Miss from cloudfront")], "{}")
                        .into_response(),
                }
            }
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (Url::parse(&format!("http://{address}/")).unwrap(), seen)
}

#[tokio::test]
async fn sends_a_get_and_a_small_post_without_credentials_and_reads_the_answers() {
    let (base, seen) = server().await;
    let answers = run(&base.join("/health?deep=1").unwrap()).await.unwrap();
    assert_eq!(
        answers
            .iter()
            .map(|a| (a.request.method.as_str(), a.status))
            .collect::<Vec<_>>(),
        [("GET", 200), ("POST", 200)]
    );
    assert_eq!(answers[0].header("x-cache"), Some("Miss from cloudfront"));
    assert!(
        answers[0].headers.iter().any(|(n, _)| n == "x-cache"),
        "names lower case"
    );
    assert_eq!(answers[0].body, b"{}");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        (seen[0].0.as_str(), seen[0].1.as_str()),
        ("GET", "/health?deep=1")
    );
    assert_eq!(
        (seen[1].0.as_str(), seen[1].1.as_str()),
        ("POST", "/health?deep=1")
    );
    assert_eq!(seen[1].3, probe::POST_BODY);
    assert_eq!(seen[1].2["content-type"], "application/json");
    for (_, _, headers, _) in seen.iter() {
        for name in [
            "authorization",
            "x-fluid-identity",
            "x-amz-content-sha256",
            "cookie",
        ] {
            assert!(!headers.contains_key(name), "{name} sent");
        }
    }
}

#[tokio::test]
async fn reads_at_most_the_body_cap() {
    let (base, _) = server().await;
    let answers = run(&base.join("/big").unwrap()).await.unwrap();
    assert_eq!(answers[0].body.len(), MAX_BODY_BYTES);
    let small = Options {
        max_body_bytes: 10,
        ..Options::default()
    };
    let answers = run_with(&base.join("/big").unwrap(), &small).await.unwrap();
    assert_eq!(answers[0].body, b"xxxxxxxxxx");
}

#[tokio::test]
async fn a_redirect_is_an_answer_not_followed() {
    let (base, seen) = server().await;
    let answers = run(&base.join("/moved").unwrap()).await.unwrap();
    assert_eq!(answers[0].status, 302);
    assert_eq!(answers[0].header("location"), Some("/elsewhere"));
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .all(|(_, path, _, _)| path == "/moved"),
        "the redirect was followed"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_is_an_error_after_the_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    // Accepts and holds the connection without a byte of answer.
    let held = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        std::future::pending::<()>().await;
        drop(socket);
    });
    let options = Options {
        timeout: Duration::from_millis(300),
        ..Options::default()
    };
    let base = Url::parse(&format!("http://{address}/health")).unwrap();
    let error = run_with(&base, &options).await.unwrap_err();
    assert!(
        format!("{error:#}").contains("GET http://127.0.0.1"),
        "{error:#}"
    );
    held.abort();
}

#[test]
fn refuses_plain_http_off_loopback_other_schemes_and_credentials() {
    let refused = |url: &str| format!("{:#}", check_url(&Url::parse(url).unwrap()).expect_err(url));
    assert!(refused("http://api.example.com/health").contains("plain http only"));
    assert!(refused("http://0.0.0.0:8080/").contains("plain http only"));
    assert!(refused("http://127.0.0.1.nip.io/").contains("plain http only"));
    assert!(refused("ftp://api.example.com/").contains("only https"));
    let with_secret = refused("https://probe:s3cr3t-value@api.example.com/");
    assert!(with_secret.contains("credentials"), "{with_secret}");
    assert!(!with_secret.contains("s3cr3t-value"), "{with_secret}");
    assert!(!with_secret.contains("probe:"), "{with_secret}");
    for ok in [
        "https://api.example.com/health",
        "http://127.0.0.1:8080/",
        "http://localhost:8080/",
        "http://[::1]:8080/",
    ] {
        check_url(&Url::parse(ok).unwrap()).expect(ok);
    }
}
