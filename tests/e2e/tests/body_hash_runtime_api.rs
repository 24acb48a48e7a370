//! The real `body-hash` binary driven through an emulated Lambda Runtime API. Expected hashes come
//! from Python's `hashlib` (`dev/py/body_hash_oracle.py`), not from the code under test.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use oac_dev::runtime_api::{FunctionProcess, InvokeError, RuntimeApi};
use serde_json::Value;
use test_support::cargo_bin::cargo_bin;

/// The function binary (built here: `CARGO_BIN_EXE_*` names only the crate under test's own).
fn binary() -> PathBuf {
    cargo_bin("body-hash", "body-hash")
}

const TIMEOUT: Duration = Duration::from_secs(10);

fn fixtures_dir() -> PathBuf {
    test_support::repo_root().join("fixtures/cloudfront")
}

/// `{fixture name: the x-amz-content-sha256 forwarded (a string), or the generated problem's status
/// (a number)}` per hashlib and the documented policy.
fn hashlib_oracle() -> Value {
    let python = test_support::python();
    let out = Command::new(&python)
        .arg(test_support::py_script("body_hash_oracle.py"))
        .arg(fixtures_dir())
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {python:?} ({e}), the independent SHA-256 oracle; set OAC_KIT_PYTHON"
            )
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn every_sample_event_through_the_runtime_api() {
    let oracle = hashlib_oracle();
    let cases = oracle.as_object().unwrap();
    assert!(cases.len() >= 10, "samples missing");
    let api = RuntimeApi::start().await.unwrap();
    let _function = FunctionProcess::spawn(binary(), "body-hash", &api, &[]).unwrap();
    for (name, expected) in cases {
        let event = std::fs::read(fixtures_dir().join(name)).unwrap();
        let answer: Value =
            serde_json::from_slice(&api.invoke(event, TIMEOUT).await.unwrap()).unwrap();
        match (expected.as_str(), expected.as_u64()) {
            (Some(hash), _) => {
                assert_eq!(answer["status"], Value::Null, "{name}: {answer}");
                let entries = answer["headers"]["x-amz-content-sha256"]
                    .as_array()
                    .unwrap();
                assert_eq!(entries.len(), 1, "{name}: one value");
                assert_eq!(entries[0]["value"], hash, "{name}");
            }
            (None, Some(status)) => {
                assert_eq!(answer["status"], status.to_string(), "{name}");
                assert_eq!(
                    answer["headers"]["content-type"][0]["value"],
                    "application/problem+json"
                );
            }
            _ => panic!("{name}: the oracle answered {expected}"),
        }
    }
}

#[tokio::test]
async fn an_event_that_is_not_a_cloudfront_event_is_an_invocation_error() {
    let api = RuntimeApi::start().await.unwrap();
    let _function = FunctionProcess::spawn(binary(), "body-hash", &api, &[]).unwrap();
    let err = api
        .invoke(b"{\"hello\":1}".to_vec(), TIMEOUT)
        .await
        .unwrap_err();
    assert!(matches!(err, InvokeError::Function { .. }), "{err:?}");
}

#[tokio::test]
async fn a_bad_configuration_stops_the_function_at_init() {
    let api = RuntimeApi::start().await.unwrap();
    let mut function = FunctionProcess::spawn(
        binary(),
        "body-hash",
        &api,
        &[("BODY_HASH_CONFIG", r#"{"copyAuthorizationTo":"via"}"#)],
    )
    .unwrap();
    let status = tokio::time::timeout(TIMEOUT, function.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(
        !status.success(),
        "init must fail on a reserved copy target"
    );
    let event = std::fs::read(fixtures_dir().join("origin-request-post-json.json")).unwrap();
    let err = api
        .invoke(event, Duration::from_millis(500))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        InvokeError::Timeout(Duration::from_millis(500)),
        "nothing is forwarded"
    );
}

#[tokio::test]
async fn copy_authorization_configured_through_the_environment() {
    let api = RuntimeApi::start().await.unwrap();
    let _function = FunctionProcess::spawn(
        binary(),
        "body-hash",
        &api,
        &[(
            "BODY_HASH_CONFIG",
            r#"{"copyAuthorizationTo":"x-viewer-authorization"}"#,
        )],
    )
    .unwrap();
    let mut event: Value = serde_json::from_slice(
        &std::fs::read(fixtures_dir().join("origin-request-get-no-body.json")).unwrap(),
    )
    .unwrap();
    event["Records"][0]["cf"]["request"]["headers"]["authorization"] =
        serde_json::json!([{"key": "Authorization", "value": "Bearer t"}]);
    let answer: Value = serde_json::from_slice(
        &api.invoke(serde_json::to_vec(&event).unwrap(), TIMEOUT)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        answer["headers"]["x-viewer-authorization"][0]["value"],
        "Bearer t"
    );
}

#[tokio::test]
async fn at_level_all_every_invocation_prints_one_decision_line_on_stdout() {
    use tokio::io::AsyncBufReadExt;
    let api = RuntimeApi::start().await.unwrap();
    let config = [("BODY_HASH_CONFIG", r#"{"decisionLog":"all"}"#)];
    let (_function, stdout) =
        FunctionProcess::spawn_reading_stdout(binary(), "body-hash", &api, &config).unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    for (name, reason) in [
        ("origin-request-post-json.json", "hashed"),
        (
            "origin-request-post-truncated.json",
            "body-truncated-no-hash",
        ),
        ("origin-request-get-no-body.json", "no-body"),
    ] {
        let event = std::fs::read(fixtures_dir().join(name)).unwrap();
        let sent: Value = serde_json::from_slice(&event).unwrap();
        api.invoke(event, TIMEOUT).await.unwrap();
        let line = tokio::time::timeout(TIMEOUT, lines.next_line())
            .await
            .unwrap()
            .unwrap()
            .expect("a line per invocation");
        let line: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(line["function"], "body-hash", "{name}: {line}");
        assert_eq!(line["reason"], reason, "{name}: {line}");
        assert_eq!(
            line["requestId"], sent["Records"][0]["cf"]["config"]["requestId"],
            "{name}"
        );
    }
}

#[tokio::test]
async fn at_the_default_level_only_refusals_print_a_line() {
    use tokio::io::AsyncBufReadExt;
    let api = RuntimeApi::start().await.unwrap();
    let (_function, stdout) =
        FunctionProcess::spawn_reading_stdout(binary(), "body-hash", &api, &[]).unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    // Two forwards, then a refusal: the first line printed is the refusal's.
    for name in [
        "origin-request-post-json.json",
        "origin-request-get-no-body.json",
        "origin-request-post-truncated.json",
    ] {
        let event = std::fs::read(fixtures_dir().join(name)).unwrap();
        api.invoke(event, TIMEOUT).await.unwrap();
    }
    let line = tokio::time::timeout(TIMEOUT, lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .expect("the refusal's line");
    let line: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(line["reason"], "body-truncated-no-hash", "{line}");
}
