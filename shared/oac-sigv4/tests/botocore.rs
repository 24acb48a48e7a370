//! oac-sigv4 against botocore's SigV4Auth (an independent implementation, from PyPI):
//! our CloudFront-side signature is byte-identical to botocore's for the same request, and the
//! Function URL side accepts botocore-signed requests and rejects every single-byte tampering.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use base64::Engine as _;
use oac_sigv4::{
    Denial, FunctionUrlAuth, Grants, ReceivedRequest, SigningIdentity, sign_origin_request,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const AKID: &str = "AKIDCLOUDFRONTLOCAL1";
const SECRET: &str = "cloudfront-local-secret";
const HOST: &str = "abcdefghijklmnop.lambda-url.us-east-1.on.aws";

/// Signs each case with botocore; returns the headers it sent.
fn botocore_sign(cases: &[Value]) -> Vec<Vec<(String, String)>> {
    let python = std::env::var("OAC_KIT_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/botocore_sigv4.py"
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
    for case in cases {
        writeln!(stdin, "{case}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "botocore oracle failed (is botocore installed for {python}?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Vec<(String, String)>>(l).unwrap())
        .collect()
}

struct Case {
    method: &'static str,
    path: &'static str,
    query: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Case {
    fn url(&self) -> String {
        if self.query.is_empty() {
            format!("https://{HOST}{}", self.path)
        } else {
            format!("https://{HOST}{}?{}", self.path, self.query)
        }
    }

    fn to_json(&self, time: u64) -> Value {
        json!({
            "method": self.method, "url": self.url(), "headers": self.headers,
            "body_b64": base64::engine::general_purpose::STANDARD.encode(&self.body),
            "time": time, "access_key": AKID, "secret_key": SECRET, "region": "us-east-1",
        })
    }
}

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

fn h(n: &str, v: &str) -> (String, String) {
    (n.to_owned(), v.to_owned())
}

fn cases() -> Vec<Case> {
    let json_body = br#"{"action":"deploy","actor":"ci"}"#.to_vec();
    let binary: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    vec![
        Case {
            method: "GET",
            path: "/health",
            query: "",
            headers: vec![h("host", HOST), h("accept", "application/json")],
            body: vec![],
        },
        Case {
            method: "POST",
            path: "/v1/audit-events",
            query: "b=2&a=1&a=0",
            headers: vec![
                h("host", HOST),
                h("content-type", "application/json"),
                h("x-amz-content-sha256", &sha256_hex(&json_body)),
                h("x-forwarded-for", "203.0.113.9, 162.158.1.1"),
                h(
                    "x-fluid-identity",
                    "https://sts.amazonaws.com/?Action=GetCallerIdentity",
                ),
            ],
            body: json_body,
        },
        Case {
            method: "PUT",
            path: "/v1/blobs/a%20b/c",
            query: "q=x%2Fy",
            headers: vec![
                h("host", HOST),
                h("content-type", "application/octet-stream"),
                h("x-amz-content-sha256", &sha256_hex(&binary)),
                h("x-custom", "  spaced   value "),
            ],
            body: binary,
        },
    ]
}

fn auth(now: SystemTime) -> (FunctionUrlAuth, SystemTime) {
    let auth = FunctionUrlAuth {
        host: HOST.to_owned(),
        region: "us-east-1".to_owned(),
        identities: vec![SigningIdentity {
            access_key_id: AKID.to_owned(),
            secret_access_key: SECRET.to_owned(),
            principal_arn: "arn:aws:sts::000000000000:assumed-role/cloudfront/local".to_owned(),
            account_id: "000000000000".to_owned(),
        }],
        grants: Grants::BOTH,
        max_skew: Duration::from_secs(300),
    };
    (auth, now)
}

fn received<'a>(
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

#[test]
fn our_oac_signature_is_byte_identical_to_botocore() {
    let time = 1_709_208_000u64; // 2024-02-29T12:00:00Z
    let cases = cases();
    let oracle = botocore_sign(&cases.iter().map(|c| c.to_json(time)).collect::<Vec<_>>());
    let creds = Credentials::new(AKID, SECRET, None, None, "test");
    for (case, theirs) in cases.iter().zip(oracle) {
        let mut ours = case.headers.clone();
        ours.push(h("authorization", "Bearer viewer-token-to-be-overwritten"));
        sign_origin_request(
            case.method,
            &case.url(),
            &mut ours,
            &creds,
            "us-east-1",
            UNIX_EPOCH + Duration::from_secs(time),
        )
        .unwrap();
        let get = |hs: &[(String, String)], n: &str| {
            hs.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            get(&ours, "x-amz-date"),
            get(&theirs, "X-Amz-Date"),
            "{}",
            case.url()
        );
        assert_eq!(
            get(&ours, "authorization"),
            get(&theirs, "Authorization"),
            "{} {}",
            case.method,
            case.url()
        );
    }
}

#[test]
fn the_function_url_accepts_botocore_signed_requests_and_rejects_every_tampering() {
    let now = SystemTime::now();
    let time = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let cases = cases();
    let oracle = botocore_sign(&cases.iter().map(|c| c.to_json(time)).collect::<Vec<_>>());
    let (auth, now) = auth(now);
    for (case, signed) in cases.iter().zip(oracle) {
        let req = received(case.method, case.path, case.query, &signed, &case.body);
        let caller = auth
            .check(&req, now)
            .unwrap_or_else(|d| panic!("{}: {d}", case.url()));
        assert_eq!(caller.access_key_id, AKID);

        let other_method = if case.method == "PUT" { "POST" } else { "PUT" };
        assert!(
            auth.check(
                &received(other_method, case.path, case.query, &signed, &case.body),
                now
            )
            .is_err(),
            "method"
        );

        let mut path = case.path.to_owned().into_bytes();
        let last = path.len() - 1;
        path[last] ^= 0x01;
        let path = String::from_utf8(path).unwrap();
        assert!(
            auth.check(
                &received(case.method, &path, case.query, &signed, &case.body),
                now
            )
            .is_err(),
            "path"
        );

        let query = if case.query.is_empty() {
            "x=1".to_owned()
        } else {
            let mut q = case.query.to_owned().into_bytes();
            let last = q.len() - 1;
            q[last] ^= 0x01;
            String::from_utf8(q).unwrap()
        };
        assert!(
            auth.check(
                &received(case.method, case.path, &query, &signed, &case.body),
                now
            )
            .is_err(),
            "query"
        );

        for (i, (name, _)) in signed.iter().enumerate() {
            if name.eq_ignore_ascii_case("authorization") {
                continue;
            }
            let mut tampered = signed.clone();
            let mut value = tampered[i].1.clone().into_bytes();
            value[0] ^= 0x01;
            tampered[i].1 = String::from_utf8(value).unwrap();
            assert!(
                auth.check(
                    &received(case.method, case.path, case.query, &tampered, &case.body),
                    now
                )
                .is_err(),
                "header {name}"
            );
        }

        let mut sig = signed.clone();
        let a = sig
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .unwrap();
        let mut bytes = a.1.clone().into_bytes();
        let last = bytes.len() - 1;
        bytes[last] = if bytes[last] == b'0' { b'1' } else { b'0' };
        a.1 = String::from_utf8(bytes).unwrap();
        assert!(
            auth.check(
                &received(case.method, case.path, case.query, &sig, &case.body),
                now
            )
            .is_err(),
            "signature"
        );

        for i in [0, case.body.len() / 2, case.body.len().saturating_sub(1)] {
            let mut body = case.body.clone();
            if body.is_empty() {
                body.push(b'x');
            } else {
                body[i] ^= 0x01;
            }
            assert!(
                auth.check(
                    &received(case.method, case.path, case.query, &signed, &body),
                    now
                )
                .is_err(),
                "body byte {i}"
            );
        }
    }
}

/// A request CloudFront signs the way our chain does, checked by the Function URL side.
fn cloudfront_signed(
    headers: Vec<(String, String)>,
    body: &[u8],
    at: SystemTime,
) -> (Vec<(String, String)>, Vec<u8>) {
    let mut headers = headers;
    let creds = Credentials::new(AKID, SECRET, None, None, "test");
    sign_origin_request(
        "POST",
        &format!("https://{HOST}/v1/x"),
        &mut headers,
        &creds,
        "us-east-1",
        at,
    )
    .unwrap();
    (headers, body.to_vec())
}

#[test]
fn a_body_without_its_hash_header_is_refused_like_lambda() {
    let now = SystemTime::now();
    let (auth, now) = auth(now);
    let (headers, body) = cloudfront_signed(vec![h("host", HOST)], b"{\"a\":1}", now);
    let denial = auth
        .check(&received("POST", "/v1/x", "", &headers, &body), now)
        .unwrap_err();
    assert!(matches!(denial, Denial::InvalidSignature(_)), "{denial:?}");
    assert!(
        denial.diagnosis().contains("body-hash"),
        "{}",
        denial.diagnosis()
    );
    assert_eq!(denial.error_type(), "InvalidSignatureException");
    let body: Value = serde_json::from_str(&denial.body()).unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("The request signature we calculated")
    );
}

#[test]
fn an_unsigned_payload_is_refused() {
    let now = SystemTime::now();
    let (auth, now) = auth(now);
    let (headers, body) = cloudfront_signed(
        vec![
            h("host", HOST),
            h("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ],
        b"x",
        now,
    );
    let denial = auth
        .check(&received("POST", "/v1/x", "", &headers, &body), now)
        .unwrap_err();
    assert!(
        denial.diagnosis().contains("unsigned payloads"),
        "{}",
        denial.diagnosis()
    );
}

#[test]
fn a_forwarded_viewer_host_is_forbidden() {
    let now = SystemTime::now();
    let (auth, now) = auth(now);
    let (headers, body) = cloudfront_signed(vec![h("host", "api.example.com")], b"", now);
    let denial = auth
        .check(&received("POST", "/v1/x", "", &headers, &body), now)
        .unwrap_err();
    assert!(matches!(denial, Denial::Forbidden(_)), "{denial:?}");
    let body: Value = serde_json::from_str(&denial.body()).unwrap();
    assert!(body["Message"].as_str().unwrap().starts_with("Forbidden."));
}

#[test]
fn a_stale_signature_is_expired() {
    let now = SystemTime::now();
    let (auth, now) = auth(now);
    let (headers, body) =
        cloudfront_signed(vec![h("host", HOST)], b"", now - Duration::from_secs(301));
    let denial = auth
        .check(&received("POST", "/v1/x", "", &headers, &body), now)
        .unwrap_err();
    assert!(matches!(denial, Denial::SignatureExpired(_)), "{denial:?}");
    assert!(denial.body().contains("Signature expired"));
}

#[test]
fn a_signature_from_the_future_is_expired_too() {
    let now = SystemTime::now();
    let (auth, now) = auth(now);
    let (headers, body) =
        cloudfront_signed(vec![h("host", HOST)], b"", now + Duration::from_secs(301));
    assert!(matches!(
        auth.check(&received("POST", "/v1/x", "", &headers, &body), now),
        Err(Denial::SignatureExpired(_))
    ));
}

#[test]
fn an_unknown_access_key_is_unrecognized() {
    let now = SystemTime::now();
    let (auth, now) = auth(now);
    let mut headers = vec![h("host", HOST)];
    let creds = Credentials::new("AKIDSOMEONEELSE00001", SECRET, None, None, "test");
    sign_origin_request(
        "GET",
        &format!("https://{HOST}/"),
        &mut headers,
        &creds,
        "us-east-1",
        now,
    )
    .unwrap();
    let denial = auth
        .check(&received("GET", "/", "", &headers, b""), now)
        .unwrap_err();
    assert_eq!(denial.error_type(), "UnrecognizedClientException");
}

#[test]
fn no_authorization_is_forbidden() {
    let now = SystemTime::now();
    let (auth, now) = auth(now);
    let headers = vec![h("host", HOST)];
    assert!(matches!(
        auth.check(&received("GET", "/", "", &headers, b""), now),
        Err(Denial::Forbidden(_))
    ));
}

#[test]
fn a_missing_invoke_function_grant_is_forbidden_after_a_valid_signature() {
    let now = SystemTime::now();
    let (mut auth, now) = auth(now);
    auth.grants = Grants {
        invoke_function_url: true,
        invoke_function: false,
    };
    let (headers, body) = cloudfront_signed(vec![h("host", HOST)], b"", now);
    let denial = auth
        .check(&received("POST", "/v1/x", "", &headers, &body), now)
        .unwrap_err();
    assert!(
        denial.diagnosis().contains("lambda:InvokeFunction "),
        "{}",
        denial.diagnosis()
    );
    auth.grants = Grants {
        invoke_function_url: false,
        invoke_function: true,
    };
    let denial = auth
        .check(&received("POST", "/v1/x", "", &headers, &body), now)
        .unwrap_err();
    assert!(
        denial.diagnosis().contains("lambda:InvokeFunctionUrl"),
        "{}",
        denial.diagnosis()
    );
}

#[test]
fn a_wrong_region_scope_is_refused() {
    let now = SystemTime::now();
    let (auth, now) = auth(now);
    let mut headers = vec![h("host", HOST)];
    let creds = Credentials::new(AKID, SECRET, None, None, "test");
    sign_origin_request(
        "GET",
        &format!("https://{HOST}/"),
        &mut headers,
        &creds,
        "eu-west-1",
        now,
    )
    .unwrap();
    let denial = auth
        .check(&received("GET", "/", "", &headers, b""), now)
        .unwrap_err();
    assert!(
        denial.diagnosis().contains("credential scope"),
        "{}",
        denial.diagnosis()
    );
}
