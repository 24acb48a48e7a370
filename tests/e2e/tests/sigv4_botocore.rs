//! The Function URL verifier and the OAC signer against botocore's SigV4Auth (an independent implementation, from PyPI):
//! our CloudFront-side signature is byte-identical to botocore's for the same request, and the
//! Function URL side accepts botocore-signed requests and rejects every single-byte tampering.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use base64::Engine as _;
use oac_dev::cloudfront::sigv4_sign::sign_origin_request;
use oac_dev::sigv4_fixtures::{
    AKID, HOST, REGION, SECRET, function_url, h, header, received, sha256_hex,
};
use serde_json::{Value, json};
use test_support::botocore_sigv4::botocore_sign;

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
            "time": time, "access_key": AKID, "secret_key": SECRET, "region": REGION,
        })
    }
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

#[test]
fn our_oac_signature_is_byte_identical_to_botocore() {
    let time = 1_709_208_000u64; // 2024-02-29T12:00:00Z
    let cases = cases();
    let oracle: Vec<Vec<(String, String)>> =
        botocore_sign(&cases.iter().map(|c| c.to_json(time)).collect::<Vec<_>>())
            .into_iter()
            .map(|s| s.headers)
            .collect();
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
        assert_eq!(
            header(&ours, "x-amz-date"),
            header(&theirs, "X-Amz-Date"),
            "{}",
            case.url()
        );
        assert_eq!(
            header(&ours, "authorization"),
            header(&theirs, "Authorization"),
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
    let oracle: Vec<Vec<(String, String)>> =
        botocore_sign(&cases.iter().map(|c| c.to_json(time)).collect::<Vec<_>>())
            .into_iter()
            .map(|s| s.headers)
            .collect();
    let auth = function_url();
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
