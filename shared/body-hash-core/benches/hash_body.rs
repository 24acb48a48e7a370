//! `cargo bench -p body-hash-core`: the streaming base64 → SHA-256 path against the SHA-256 of
//! the already-decoded bytes (the floor: this machine's SHA-256 speed).
// criterion_group! generates public functions that cannot carry doc comments.
#![allow(missing_docs)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("hash_body");
    for size in [0usize, 1 << 10, 64 << 10, 1 << 20] {
        let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let data = STANDARD.encode(&bytes);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("sha256_base64", size), &data, |b, d| {
            b.iter(|| body_hash_core::sha256_base64(d.as_bytes()).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("sha256_only", size), &bytes, |b, d| {
            b.iter(|| body_hash_core::sha256_hex(d))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
