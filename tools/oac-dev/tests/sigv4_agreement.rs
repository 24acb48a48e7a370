//! Signer and verifier agree, on thousands of random legitimate requests: each one signed by
//! `aws-sigv4` (the chain's CloudFront signer) verifies at the emulated Function URL, and
//! changing any signed part of it (method, path, a query name or value, a signed header, the
//! body, the date, the signature) makes it fail. botocore's half is in `tests/e2e`
//! (`sigv4_agreement_botocore.rs`).
//!
//! Seeded: `OAC_SIGV4_SEED=<n>` replays a run; every failure names its seed and case.

use std::time::SystemTime;

use oac_dev::sigv4_fixtures::agreement::{Arrived, CASES, assert_agrees, seed};
use oac_dev::sigv4_fixtures::cloudfront_sign;
use oac_dev::sigv4_fixtures::requests::{Signer, generate};

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
