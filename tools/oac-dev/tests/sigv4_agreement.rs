//! Signer and verifier agree, on thousands of random legitimate requests: each one signed by
//! `aws-sigv4` (the chain's CloudFront signer) and each one signed by botocore verifies at the
//! emulated Function URL, and changing any signed part of it (method, path, a query name or
//! value, a signed header, the body, the date, the signature) makes it fail.
//!
//! Seeded: `OAC_SIGV4_SEED=<n>` replays a run; every failure names its seed and case.

mod sigv4_support;

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use oac_dev::function_url::sigv4::FunctionUrlAuth;
use serde_json::json;
use sigv4_support::requests::{Generated, METHODS, Signer, generate};
use sigv4_support::{
    AKID, HOST, REGION, SECRET, botocore_sign, cloudfront_sign, function_url, received,
};

const CASES: usize = 2_000;

fn seed() -> u64 {
    let seed = std::env::var("OAC_SIGV4_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("OAC_SIGV4_SEED={seed}");
    seed
}

/// A signed request as the Function URL receives it.
struct Arrived {
    method: &'static str,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Arrived {
    fn check(&self, auth: &FunctionUrlAuth, now: SystemTime) -> Result<(), String> {
        auth.check(
            &received(
                self.method,
                &self.path,
                &self.query,
                &self.headers,
                &self.body,
            ),
            now,
        )
        .map(|_| ())
        .map_err(|d| d.diagnosis())
    }

    fn with(&self, change: impl FnOnce(&mut Arrived)) -> Arrived {
        let mut copy = Arrived {
            method: self.method,
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
        };
        change(&mut copy);
        copy
    }
}

/// Every single change to a signed part must be refused.
fn tamperings(arrived: &Arrived, rng: &mut fastrand::Rng) -> Vec<(String, Arrived)> {
    let mut out = Vec::new();
    let other = METHODS.iter().find(|m| **m != arrived.method).unwrap();
    out.push(("method".into(), arrived.with(|a| a.method = other)));
    out.push((
        "path".into(),
        arrived.with(|a| {
            a.path
                .push_str(if a.path.ends_with('/') { "x" } else { "/x" })
        }),
    ));
    out.push((
        "query: a pair added".into(),
        arrived.with(|a| a.query = format!("{}&x=1", a.query)),
    ));
    out.extend(query_tamperings(arrived, rng));
    for (i, (name, _)) in arrived.headers.iter().enumerate() {
        if name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("x-amz-date") {
            continue;
        }
        out.push((
            format!("header {name}"),
            arrived.with(|a| a.headers[i].1.push('x')),
        ));
        out.push((
            format!("header {name} removed"),
            arrived.with(|a| {
                a.headers.remove(i);
            }),
        ));
    }
    out.push(("body".into(), arrived.with(|a| a.body.push(b'x'))));
    out.push((
        "date".into(),
        arrived.with(|a| {
            let date = a
                .headers
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case("x-amz-date"))
                .unwrap();
            // One second earlier or later: still a real time, still inside the clock window.
            let mut digits = date.1.clone().into_bytes();
            let last_second = digits.len() - 2;
            digits[last_second] = if digits[last_second] == b'9' {
                b'8'
            } else {
                digits[last_second] + 1
            };
            date.1 = String::from_utf8(digits).unwrap();
        }),
    ));
    out.push((
        "signature".into(),
        arrived.with(|a| {
            let auth = a
                .headers
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                .unwrap();
            let last = auth.1.pop().unwrap();
            auth.1.push(if last == '0' { '1' } else { '0' });
        }),
    ));
    out
}

/// A query name or value changed, or a pair dropped (one pair, picked at random).
fn query_tamperings(arrived: &Arrived, rng: &mut fastrand::Rng) -> Vec<(String, Arrived)> {
    let mut out = Vec::new();
    let pairs: Vec<&str> = arrived.query.split('&').filter(|p| !p.is_empty()).collect();
    if pairs.is_empty() {
        return out;
    }
    let i = rng.usize(..pairs.len());
    let rebuilt = |pairs: Vec<String>| pairs.join("&");
    let mut renamed: Vec<String> = pairs.iter().map(|p| p.to_string()).collect();
    renamed[i] = match renamed[i].split_once('=') {
        Some((k, v)) => format!("{k}x={v}"),
        None => format!("{}x", renamed[i]),
    };
    out.push((
        format!("query: name of pair {i}"),
        arrived.with(|a| a.query = rebuilt(renamed)),
    ));
    let mut revalued: Vec<String> = pairs.iter().map(|p| p.to_string()).collect();
    revalued[i] = match revalued[i].split_once('=') {
        Some((k, v)) => format!("{k}={v}x"),
        None => format!("{}=x", revalued[i]),
    };
    out.push((
        format!("query: value of pair {i}"),
        arrived.with(|a| a.query = rebuilt(revalued)),
    ));
    let mut dropped: Vec<String> = pairs.iter().map(|p| p.to_string()).collect();
    dropped.remove(i);
    out.push((
        format!("query: pair {i} dropped"),
        arrived.with(|a| a.query = rebuilt(dropped)),
    ));
    out
}

fn assert_agrees(
    signer: Signer,
    seed: u64,
    case: usize,
    generated: &Generated,
    arrived: &Arrived,
    rng: &mut fastrand::Rng,
) {
    let auth = function_url();
    let now = SystemTime::now();
    if let Err(why) = arrived.check(&auth, now) {
        panic!(
            "OAC_SIGV4_SEED={seed} case {case}: a {signer:?}-signed request was refused ({why}): \
             {} {}?{} {:?}",
            arrived.method, arrived.path, arrived.query, generated
        );
    }
    for (what, tampered) in tamperings(arrived, rng) {
        assert!(
            tampered.check(&auth, now).is_err(),
            "OAC_SIGV4_SEED={seed} case {case}: {signer:?}-signed request accepted after tampering \
             with the {what}: {} {}?{}",
            tampered.method,
            tampered.path,
            tampered.query
        );
    }
}

#[test]
fn every_aws_sigv4_signed_request_verifies_and_every_tampering_fails() {
    let seed = seed();
    let mut rng = fastrand::Rng::with_seed(seed);
    let now = SystemTime::now();
    for case in 0..CASES {
        let generated = generate(&mut rng, Signer::AwsSigv4);
        let mut headers = generated.headers.clone();
        let path_and_query = if generated.query.is_empty() {
            generated.path.clone()
        } else {
            format!("{}?{}", generated.path, generated.query)
        };
        cloudfront_sign(generated.method, &path_and_query, &mut headers, now);
        let arrived = Arrived {
            method: generated.method,
            path: generated.path.clone(),
            query: generated.query.clone(),
            headers,
            body: generated.body.clone(),
        };
        assert_agrees(Signer::AwsSigv4, seed, case, &generated, &arrived, &mut rng);
    }
}

#[test]
fn every_botocore_signed_request_verifies_and_every_tampering_fails() {
    let seed = seed();
    let mut rng = fastrand::Rng::with_seed(seed);
    let now = SystemTime::now();
    let time = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let generated: Vec<Generated> = (0..CASES)
        .map(|_| generate(&mut rng, Signer::Botocore))
        .collect();
    let cases: Vec<_> = generated
        .iter()
        .map(|g| {
            json!({
                "method": g.method, "url": format!("https://{HOST}{}", g.path),
                "params": g.params, "headers": g.headers,
                "body_b64": base64::engine::general_purpose::STANDARD.encode(&g.body),
                "time": time, "access_key": AKID, "secret_key": SECRET, "region": REGION,
            })
        })
        .collect();
    for (case, (generated, signed)) in generated.iter().zip(botocore_sign(&cases)).enumerate() {
        let path_and_query = signed.url.strip_prefix(&format!("https://{HOST}")).unwrap();
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let arrived = Arrived {
            method: generated.method,
            path: path.to_owned(),
            query: query.to_owned(),
            headers: signed.headers,
            body: generated.body.clone(),
        };
        assert_agrees(Signer::Botocore, seed, case, generated, &arrived, &mut rng);
    }
}
