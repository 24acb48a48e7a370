//! The real `body-hash` binary driven through an emulated Lambda Runtime API. Expected hashes come
//! from Python's `hashlib`, not from the code under test.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use oac_dev::runtime_api::{FunctionProcess, InvokeError, RuntimeApi};
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_body-hash");
const TIMEOUT: Duration = Duration::from_secs(10);

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cloudfront")
}

/// `{fixture name: expected x-amz-content-sha256, or null when the body is truncated}` per hashlib.
fn hashlib_oracle() -> Value {
    let script = r#"
import base64, hashlib, json, pathlib, sys
out = {}
for p in sorted(pathlib.Path(sys.argv[1]).glob("origin-request-*.json")):
    body = json.loads(p.read_text())["Records"][0]["cf"]["request"].get("body")
    if body and body.get("inputTruncated"):
        out[p.name] = None
        continue
    data = (body or {}).get("data", "")
    raw = data.encode() if (body or {}).get("encoding") == "text" else base64.b64decode(data, validate=True)
    out[p.name] = hashlib.sha256(raw).hexdigest()
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(fixtures_dir())
        .output()
        .expect("python3 is needed as the independent SHA-256 oracle");
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
    assert!(cases.len() >= 7, "samples missing");
    let api = RuntimeApi::start().await.unwrap();
    let _function = FunctionProcess::spawn(BINARY, "body-hash", &api, &[]).unwrap();
    for (name, expected) in cases {
        let event = std::fs::read(fixtures_dir().join(name)).unwrap();
        let answer: Value =
            serde_json::from_slice(&api.invoke(event, TIMEOUT).await.unwrap()).unwrap();
        match expected.as_str() {
            Some(hash) => assert_eq!(
                answer["headers"]["x-amz-content-sha256"][0]["value"], hash,
                "{name}"
            ),
            None => {
                assert_eq!(answer["status"], "413", "{name}");
                assert_eq!(
                    answer["headers"]["content-type"][0]["value"],
                    "application/problem+json"
                );
            }
        }
    }
}

#[tokio::test]
async fn an_event_that_is_not_a_cloudfront_event_is_an_invocation_error() {
    let api = RuntimeApi::start().await.unwrap();
    let _function = FunctionProcess::spawn(BINARY, "body-hash", &api, &[]).unwrap();
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
        BINARY,
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
        BINARY,
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
