//! The client's own cost per request with a warm identity cache, and hashing a 5 MiB body.
//!
//! - `client_overhead_small_body`: what `oac-client` adds before the network — resolving the URL,
//!   hashing a 1 KiB body, assembling the headers, the identity cache hit — per request.
//! - `loopback_get/{oac_client,plain_reqwest}`: the same GET to a local axum server through the
//!   client and through a bare `reqwest::Client`; the difference is the client's overhead with
//!   the network in the picture.
//! - `content_sha256_5mib`: `x-amz-content-sha256` of a 5 MiB body (throughput).
// `criterion_group!` generates an undocumented function.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use oac_client::{OacClient, content_sha256};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn client(rt: &tokio::runtime::Runtime, base: &str) -> OacClient {
    let credentials = aws_credential_types::Credentials::new(
        "AKIDEXAMPLE0000000000",
        "secret",
        None,
        None,
        "bench",
    );
    let client = rt.block_on(
        OacClient::builder(base, "orders-api")
            .region("us-west-2")
            .credentials(credentials)
            .build(),
    );
    let client = client.unwrap();
    rt.block_on(client.identity()).unwrap(); // warm the cache
    client
}

fn overhead(c: &mut Criterion) {
    let rt = runtime();
    let client = client(&rt, "http://127.0.0.1:9");
    let body = bytes::Bytes::from(vec![b'x'; 1024]);
    c.bench_function("client_overhead_small_body", |b| {
        b.iter(|| {
            let (client, request) = client
                .post("/v1/audit-events")
                .header("content-type", "application/json")
                .body(body.clone())
                .prepare()
                .unwrap();
            let identity = rt.block_on(client.identity()).unwrap();
            std::hint::black_box(request.headers_with(&identity))
        })
    });
}

fn loopback(c: &mut Criterion) {
    let rt = runtime();
    let address = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = axum::Router::new().fallback(|| async { "ok" });
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        address
    });
    let base = format!("http://{address}");
    let client = client(&rt, &base);
    let plain = reqwest::Client::new();
    let url = format!("{base}/health");
    let mut group = c.benchmark_group("loopback_get");
    group.bench_function("oac_client", |b| {
        b.iter(|| rt.block_on(client.get("/health").send()).unwrap())
    });
    group.bench_function("plain_reqwest", |b| {
        b.iter(|| {
            rt.block_on(async {
                let r = plain.get(&url).send().await.unwrap();
                r.bytes().await.unwrap()
            })
        })
    });
    group.finish();
}

fn sha256(c: &mut Criterion) {
    let body = vec![0x5Au8; 5 * 1024 * 1024];
    let mut group = c.benchmark_group("content_sha256");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("5mib", |b| {
        b.iter(|| content_sha256(std::hint::black_box(&body)))
    });
    group.finish();
}

criterion_group!(benches, overhead, loopback, sha256);
criterion_main!(benches);
