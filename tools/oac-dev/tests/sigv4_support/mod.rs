//! What the SigV4 tests share: the emulated Function URL, requests as it receives them,
//! CloudFront's signing, and botocore as an oracle (one Python process for every case).
#![allow(dead_code)] // each test file uses a part

pub mod requests;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use oac_dev::cloudfront::sigv4_sign::sign_origin_request;
use oac_dev::function_url::Grants;
use oac_dev::function_url::sigv4::{FunctionUrlAuth, ReceivedRequest, SigningIdentity};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const AKID: &str = "AKIDCLOUDFRONTLOCAL1";
pub const SECRET: &str = "cloudfront-local-secret";
pub const HOST: &str = "abcdefghijklmnop.lambda-url.us-east-1.on.aws";
pub const REGION: &str = "us-east-1";

/// What botocore sent for one case: the URL (its query encoded by botocore) and the headers.
#[derive(Debug, serde::Deserialize)]
pub struct BotocoreSigned {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// Signs each case with botocore in one Python process; returns what it sent, in order.
pub fn botocore_sign(cases: &[Value]) -> Vec<BotocoreSigned> {
    let python = std::env::var("OAC_KIT_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/sigv4_support/botocore_sigv4.py"
    );
    let mut child = Command::new(&python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run {python:?} ({e}); set OAC_KIT_PYTHON to a Python with botocore")
        });
    let mut stdin = child.stdin.take().unwrap();
    let input: String = cases.iter().map(|c| format!("{c}\n")).collect();
    // Written from another thread: the answers fill the stdout pipe while the cases are sent.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "botocore oracle failed (is botocore installed for {python}?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed: Vec<BotocoreSigned> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(signed.len(), cases.len(), "botocore answered every case");
    signed
}

pub fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

pub fn h(n: &str, v: &str) -> (String, String) {
    (n.to_owned(), v.to_owned())
}

/// The Function URL under test: one identity, both grants, SigV4's 5-minute window.
pub fn function_url() -> FunctionUrlAuth {
    FunctionUrlAuth {
        host: HOST.to_owned(),
        region: REGION.to_owned(),
        identities: vec![SigningIdentity {
            access_key_id: AKID.to_owned(),
            secret_access_key: SECRET.to_owned(),
            principal_arn: "arn:aws:sts::000000000000:assumed-role/cloudfront/local".to_owned(),
            account_id: "000000000000".to_owned(),
        }],
        grants: Grants::BOTH,
        max_skew: Duration::from_secs(300),
    }
}

pub fn received<'a>(
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: &'a [(String, String)],
    body: &'a [u8],
) -> ReceivedRequest<'a> {
    ReceivedRequest {
        method,
        raw_path: path,
        raw_query: query,
        headers,
        body,
    }
}

/// Signs `method path?query` as CloudFront OAC does (the chain's signer, `aws-sigv4`) at `at`.
pub fn cloudfront_sign(
    method: &str,
    path_and_query: &str,
    headers: &mut Vec<(String, String)>,
    at: SystemTime,
) {
    let creds = Credentials::new(AKID, SECRET, None, None, "test");
    sign_origin_request(
        method,
        &format!("https://{HOST}{path_and_query}"),
        headers,
        &creds,
        REGION,
        at,
    )
    .unwrap_or_else(|e| panic!("{method} {path_and_query}: {e}"));
}

/// A `POST /v1/x` CloudFront signed at `at`, with the body it carries.
pub fn cloudfront_signed(
    headers: Vec<(String, String)>,
    body: &[u8],
    at: SystemTime,
) -> (Vec<(String, String)>, Vec<u8>) {
    let mut headers = headers;
    cloudfront_sign("POST", "/v1/x", &mut headers, at);
    (headers, body.to_vec())
}

/// The value of header `name` (any case).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
