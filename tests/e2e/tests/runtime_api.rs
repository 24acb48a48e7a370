//! The real `api` binary driven through the emulated Lambda Runtime API (`oac_dev::runtime_api`),
//! and its start-up refusal of a bad configuration. The binary comes from `test_support::cargo_bin`
//! (`OAC_KIT_API_BIN`, else built).

use std::process::Command;
use std::time::Duration;

use base64::Engine;
use oac_dev::runtime_api::{FunctionProcess, RuntimeApi};
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(20);
/// The one required variable (there is no shared default audience).
const AUDIENCE: (&str, &str) = ("IDENTITY_AUDIENCE", "runtime-api-test");

fn event(method: &str, path: &str, headers: Value, body: Option<(&str, bool)>) -> Vec<u8> {
    let e = test_support::function_url_event::event(method, path, "", headers, body);
    serde_json::to_vec(&e).unwrap()
}

fn body_of(answer: &Value) -> Value {
    serde_json::from_str(answer["body"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn the_binary_serves_function_url_events_and_survives_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("api.sqlite3");
    let api = RuntimeApi::start().await.unwrap();
    let _function = FunctionProcess::spawn(
        test_support::cargo_bin::cargo_bin("api", "api"),
        "api",
        &api,
        &[
            ("STORE", "sqlite"),
            ("SQLITE_PATH", db.to_str().unwrap()),
            AUDIENCE,
        ],
    )
    .unwrap();
    let invoke = |payload: Vec<u8>| async {
        let raw = api.invoke(payload, TIMEOUT).await.expect("an answer");
        serde_json::from_slice::<Value>(&raw).unwrap()
    };

    let health = invoke(event(
        "GET",
        "/health",
        json!({"host": "abcdefghij.lambda-url.us-east-1.on.aws", "x-amz-cf-id": "cf-1"}),
        None,
    ))
    .await;
    assert_eq!(health["statusCode"], 200);
    assert_eq!(health["headers"]["x-request-id"], "cf-1");
    assert_eq!(body_of(&health), json!({"status": "ok"}));

    // lambda_http would panic on this body; the function answers 400 and keeps serving.
    let bad = invoke(event(
        "POST",
        "/v1/audit-events",
        json!({"host": "abcdefghij.lambda-url.us-east-1.on.aws", "content-type": "application/json"}),
        Some(("%%%not-base64", true)),
    ))
    .await;
    assert_eq!(bad["statusCode"], 400);
    assert_eq!(
        body_of(&bad)["type"],
        "urn:oac-kit:problem:invalid-body-encoding"
    );

    let encoded =
        base64::engine::general_purpose::STANDARD.encode(r#"{"action":"a","resource":"r"}"#);
    let unauthenticated = invoke(event(
        "POST",
        "/v1/audit-events",
        json!({"host": "abcdefghij.lambda-url.us-east-1.on.aws", "content-type": "application/json"}),
        Some((&encoded, true)),
    ))
    .await;
    assert_eq!(unauthenticated["statusCode"], 401);
    assert_eq!(
        body_of(&unauthenticated)["type"],
        "urn:oac-kit:problem:identity-missing"
    );

    // A host lambda_http cannot parse panics its conversion; caught, answered, still serving.
    let unparsable = invoke(event("GET", "/health", json!({"host": "exa mple"}), None)).await;
    assert_eq!(unparsable["statusCode"], 400);
    assert_eq!(
        body_of(&unparsable)["type"],
        "urn:oac-kit:problem:invalid-request"
    );

    let missing = invoke(event(
        "GET",
        "/nope",
        json!({"host": "abcdefghij.lambda-url.us-east-1.on.aws"}),
        None,
    ))
    .await;
    assert_eq!(missing["statusCode"], 404);
}

#[test]
fn a_bad_configuration_stops_the_binary_with_every_reason() {
    let out = Command::new(test_support::cargo_bin::cargo_bin("api", "api"))
        .env_clear()
        .env("STORE", "dynamodb")
        .env("MAX_BODY_BYTES", "huge")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("TABLE_NAME: required when STORE=dynamodb"),
        "{err}"
    );
    assert!(err.contains("MAX_BODY_BYTES"), "{err}");
}

/// The binary's exit code and stderr with only `env` (and a private SQLite path). Were the
/// configuration accepted, the binary would exit at once on the unreachable Runtime API (never 2).
fn start_with(env: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(test_support::cargo_bin::cargo_bin("api", "api"))
        .env_clear()
        .env("SQLITE_PATH", dir.path().join("api.sqlite3"))
        .env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:1")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn without_an_audience_the_binary_refuses_to_start() {
    let (code, err) = start_with(&[("STORE", "sqlite")]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("IDENTITY_AUDIENCE: required"), "{err}");
}

#[test]
fn on_lambda_the_sts_endpoint_override_stops_the_binary() {
    let (code, err) = start_with(&[
        AUDIENCE,
        ("LAMBDA_TASK_ROOT", "/var/task"),
        ("UNSAFE_STS_ENDPOINT_OVERRIDE", "http://127.0.0.1:8080"),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("UNSAFE_STS_ENDPOINT_OVERRIDE") && err.contains("refused on AWS Lambda"),
        "{err}"
    );
}

#[test]
fn userinfo_in_the_sts_endpoint_override_stops_the_binary() {
    let (code, err) = start_with(&[
        AUDIENCE,
        (
            "UNSAFE_STS_ENDPOINT_OVERRIDE",
            "http://127.0.0.1@sts.evil.example",
        ),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("userinfo"), "{err}");
}

#[test]
fn a_non_loopback_sts_endpoint_override_stops_the_binary() {
    let (code, err) = start_with(&[
        AUDIENCE,
        (
            "UNSAFE_STS_ENDPOINT_OVERRIDE",
            "http://127.0.0.1.evil.example:8080",
        ),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is not loopback"), "{err}");
}

#[test]
fn a_loose_allowlist_stops_the_binary_naming_the_entry_and_the_rule() {
    let (code, err) = start_with(&[
        AUDIENCE,
        ("IDENTITY_READERS", "arn:aws:iam::*:role/auditor"),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "IDENTITY_READERS: allowlist entry \"arn:aws:iam::*:role/auditor\" breaks rule any-account-not-allowed"
        ),
        "{err}"
    );
}

#[test]
fn without_the_runtime_api_the_binary_serves_http_on_loopback_and_stops_on_sigterm() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(test_support::cargo_bin::cargo_bin("api", "api"))
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .env("PORT", port.to_string())
        .env(AUDIENCE.0, AUDIENCE.1)
        .env("SQLITE_PATH", dir.path().join("api.sqlite3"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + TIMEOUT;
    let mut stream = loop {
        match std::net::TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(_) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Err(e) => {
                let _ = child.kill();
                panic!("server never listened: {e}");
            }
        }
    };
    stream
        .write_all(b"GET /health HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.to_ascii_lowercase().contains("x-request-id:"),
        "{response}"
    );
    assert!(response.ends_with(r#"{"status":"ok"}"#), "{response}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "graceful shutdown exits 0");
}
