//! Signer and verifier agree, on thousands of random legitimate requests signed by botocore
//! (`dev/py/botocore_sigv4.py`): each one verifies at the emulated Function URL, and changing
//! any signed part of it makes it fail. The `aws-sigv4` half is `oac-dev`'s
//! `tests/sigv4_agreement.rs`.
//!
//! Seeded: `OAC_SIGV4_SEED=<n>` replays a run; every failure names its seed and case.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use oac_dev::sigv4_fixtures::agreement::{Arrived, CASES, assert_agrees, seed};
use oac_dev::sigv4_fixtures::requests::{Generated, Signer, generate};
use oac_dev::sigv4_fixtures::{AKID, HOST, REGION, SECRET};
use serde_json::json;
use test_support::botocore_sigv4::botocore_sign;

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
