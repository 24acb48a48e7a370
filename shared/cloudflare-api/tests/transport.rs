//! The transport's refusals, against a server that misbehaves on purpose.

mod support;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use cloudflare_api::{ApiToken, Client, Error};
use support::{TOKEN, fast_retries, zone};

/// Serves `app` on 127.0.0.1 and returns a client of it.
async fn client_of(app: Router) -> Client {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let base = format!("http://{}/client/v4", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Client::new(&base, ApiToken::new(TOKEN.to_owned()))
        .unwrap()
        .with_retry_policy(fast_retries())
}

const SSL: &str = "/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/settings/ssl";

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let app = Router::new().route(
        SSL,
        get(|| async {
            (
                StatusCode::FOUND,
                [("location", "https://evil.example/")],
                "",
            )
        }),
    );
    let error = client_of(app).await.ssl_mode(&zone()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(m) if m.contains("redirects are not followed")),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_answer_over_the_cap_is_refused() {
    let big = "x".repeat(cloudflare_api::transport::MAX_BODY_BYTES + 1);
    let app = Router::new().route(SSL, get(move || async move { big }));
    let error = client_of(app).await.ssl_mode(&zone()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(m) if m.contains("answer over")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_success_that_is_not_the_envelope_is_malformed() {
    let app = Router::new().route(
        SSL,
        get(|| async { r#"{"success":true,"errors":[],"result":{"id":"ssl"}}"# }),
    );
    let error = client_of(app).await.ssl_mode(&zone()).await.unwrap_err();
    assert!(matches!(error, Error::Malformed(_)), "{error:?}");
}

#[tokio::test]
async fn an_error_page_keeps_its_status() {
    let app = Router::new().route(
        SSL,
        get(|| async { (StatusCode::FORBIDDEN, "<html>denied</html>") }),
    );
    let error = client_of(app).await.ssl_mode(&zone()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Cloudflare { status: 403, errors } if errors.is_empty()),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "Cloudflare API error without details (HTTP 403)"
    );
}
