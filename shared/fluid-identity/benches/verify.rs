//! `cargo bench -p fluid-identity`: the hot path (a cache hit, with an almost empty and with a full
//! cache), a verification that evicts from a full cache, and the cost of validating a value before
//! any fetch (accepting a genuine one, rejecting an SSRF attempt).
// criterion_group! generates public functions that cannot carry doc comments.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use criterion::{Criterion, criterion_group, criterion_main};
use fluid_identity::{
    FetchError, OutboundRequest, StsClient, StsResponse, ValidationPolicy, Verifier,
    VerifierConfig, presign, validate,
};

const SIGNED_AT: u64 = 1_740_832_496;

struct FixedSts;

impl StsClient for FixedSts {
    async fn get(&self, _: &OutboundRequest) -> Result<StsResponse, FetchError> {
        Ok(StsResponse {
            status: 200,
            content_type: Some("application/json".into()),
            body: br#"{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"111122223333","Arn":"arn:aws:sts::111122223333:assumed-role/deployer/ci-run","UserId":"AROAEXAMPLE:ci-run"},"ResponseMetadata":{"RequestId":"r"}}}"#.to_vec(),
        })
    }
}

/// The default cache capacity (`VerifierConfig::new`).
const FULL: usize = 10_000;

fn value() -> String {
    value_for("ASIAEXAMPLE000000001")
}

fn value_for(akid: &str) -> String {
    let creds = Credentials::new(
        akid,
        "secret",
        Some("IQoJb3JpZ2luX2VjEB4aCXVzLWVhc3QtMSJHMEUCIQD".repeat(8)),
        None,
        "bench",
    );
    presign(
        &creds,
        "eu-west-1",
        "orders-api",
        Duration::from_secs(900),
        UNIX_EPOCH + Duration::from_secs(SIGNED_AT),
    )
    .unwrap()
}

fn benches(c: &mut Criterion) {
    let now = UNIX_EPOCH + Duration::from_secs(SIGNED_AT + 5);
    let value = value();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let verifier = Verifier::new(VerifierConfig::new("orders-api".parse().unwrap()), FixedSts);
    runtime.block_on(verifier.verify_at(&value, now)).unwrap();

    c.bench_function("verify_cache_hit", |b| {
        b.iter(|| {
            runtime
                .block_on(verifier.verify_at(black_box(&value), now))
                .unwrap()
        })
    });

    let full = Verifier::new(VerifierConfig::new("orders-api".parse().unwrap()), FixedSts);
    for n in 1..FULL {
        let other = value_for(&format!("ASIAFILLER{n:010}"));
        runtime.block_on(full.verify_at(&other, now)).unwrap();
    }
    runtime.block_on(full.verify_at(&value, now)).unwrap();
    c.bench_function("verify_cache_hit_full_cache", |b| {
        b.iter(|| {
            runtime
                .block_on(full.verify_at(black_box(&value), now))
                .unwrap()
        })
    });

    // Twice as many values as the cache holds, cycled: each one was evicted before it comes
    // round again, so every iteration is a miss that inserts into a full cache (one STS answer
    // from memory, parse, admission, eviction of the least recently used entry).
    let fresh: Vec<String> = (0..2 * FULL)
        .map(|n| value_for(&format!("ASIAFRESH{n:011}")))
        .collect();
    let mut next = fresh.iter().cycle();
    c.bench_function("verify_miss_into_full_cache", |b| {
        b.iter(|| {
            let value = next.next().expect("cycle");
            runtime
                .block_on(full.verify_at(black_box(value), now))
                .unwrap()
        })
    });

    let policy = ValidationPolicy::default();
    c.bench_function("validate_genuine", |b| {
        b.iter(|| validate(black_box(&value), &policy, now).unwrap())
    });

    let ssrf = value.replacen("sts.eu-west-1.amazonaws.com", "sts.s3.amazonaws.com", 1);
    c.bench_function("validate_reject_ssrf_host", |b| {
        b.iter(|| validate(black_box(&ssrf), &policy, now).unwrap_err())
    });

    let creds = Credentials::new("AKIAEXAMPLE000000001", "secret", None, None, "bench");
    c.bench_function("presign", |b| {
        b.iter(|| {
            presign(
                &creds,
                "eu-west-1",
                "orders-api",
                Duration::from_secs(60),
                SystemTime::now(),
            )
            .unwrap()
        })
    });
}

criterion_group!(identity, benches);
criterion_main!(identity);
