//! `cargo build --release -p api --bin api && cargo bench -p e2e --bench streaming`: the whole
//! audit log (5,000 events, 21 MB) read through the local chain (the viewer filter and the
//! body-hash bundle under Node.js, OAC signing, the Function URL, the release `api` binary through
//! the Runtime API, SQLite) two ways, alternating, in one run:
//!
//! - `GET /v1/audit-events/export` from a `RESPONSE_STREAM` Function URL (the api in
//!   `API_INVOKE_MODE=response_stream`), Lambda's 2 MB/s pacing after 6 MB off (it would measure
//!   the pacing, not the chain);
//! - `GET /v1/audit-events?limit=100` page after page to the end from a `BUFFERED` one (the api
//!   buffered), the way a client reads the log without the export.
//!
//! Time to first byte, total time and throughput (MiB of body per second); medians of the runs.
//! Needs what the e2e tests need (`OAC_KIT_PYTHON`, `OAC_KIT_NODE`, `OAC_KIT_EDGE_DIR`); the api
//! is `OAC_KIT_API_RELEASE_BIN`, else `target/release/api`. Stops by itself; prints a Markdown
//! table.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::audit_log::{events, expected_export, seed_store};
use common::identity::{AUDIENCE, IDENTITY, api_env, reader};
use common::{CLOUDFLARE_V4, Running, start};
use oac_dev::InvokeMode;
use serde_json::Value;
use test_support::sts_standin::StandIn;

const EVENTS: usize = 5_000;
const RUNS: usize = 5;

/// One read of the whole log.
struct Read {
    first_byte: Duration,
    total: Duration,
    bytes: usize,
}

fn release_api() -> PathBuf {
    std::env::var_os("OAC_KIT_API_RELEASE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| test_support::target_dir().join("release/api"))
}

async fn chain(standin: &StandIn, sqlite: &std::path::Path, streaming: bool) -> Running {
    let mut env = api_env(standin, sqlite, AUDIENCE);
    env.push((
        "API_INVOKE_MODE".into(),
        if streaming {
            "response_stream"
        } else {
            "buffered"
        }
        .into(),
    ));
    env.push(("METRICS".into(), "off".into()));
    let mut config = common::config(release_api(), env);
    config.function_timeout = Duration::from_secs(120);
    config.invoke_mode = if streaming {
        InvokeMode::ResponseStream {
            bandwidth_cap: false,
        }
    } else {
        InvokeMode::Buffered
    };
    start(config).await
}

async fn export(chain: &Running, identity: &str, expected: usize) -> Read {
    let started = Instant::now();
    let mut response = chain
        .request("GET", "/v1/audit-events/export", CLOUDFLARE_V4)
        .header(IDENTITY, identity)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut first_byte = None;
    let mut bytes = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        first_byte.get_or_insert_with(|| started.elapsed());
        bytes += chunk.len();
    }
    assert_eq!(bytes, expected, "the export is incomplete");
    Read {
        first_byte: first_byte.unwrap(),
        total: started.elapsed(),
        bytes,
    }
}

async fn list_pages(chain: &Running, identity: &str) -> Read {
    let started = Instant::now();
    let mut first_byte = None;
    let mut bytes = 0;
    let mut events = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/audit-events?limit=100&cursor={c}"),
            None => "/v1/audit-events?limit=100".to_owned(),
        };
        let mut response = chain
            .request("GET", &path, CLOUDFLARE_V4)
            .header(IDENTITY, identity)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.unwrap() {
            first_byte.get_or_insert_with(|| started.elapsed());
            body.extend_from_slice(&chunk);
        }
        bytes += body.len();
        let page: Value = serde_json::from_slice(&body).unwrap();
        events += page["events"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(events, EVENTS, "the pages missed events");
    Read {
        first_byte: first_byte.unwrap(),
        total: started.elapsed(),
        bytes,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn row(name: &str, reads: &[Read]) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mib = reads[0].bytes as f64 / (1024.0 * 1024.0);
    format!(
        "| {name} | {mib:.1} | {:.1} | {:.0} | {:.1} |",
        median(reads.iter().map(|r| ms(r.first_byte)).collect()),
        median(reads.iter().map(|r| ms(r.total)).collect()),
        median(
            reads
                .iter()
                .map(|r| r.bytes as f64 / (1024.0 * 1024.0) / r.total.as_secs_f64())
                .collect()
        ),
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    assert!(
        release_api().is_file(),
        "{} is missing: cargo build --release -p api --bin api",
        release_api().display()
    );
    let standin = StandIn::start("normal");
    let data = tempfile::tempdir().unwrap();
    let sqlite = data.path().join("api.sqlite");
    let log = events(EVENTS);
    let expected = expected_export(&log).len();
    seed_store(&sqlite, &log).await;
    drop(log);
    let streamed = chain(&standin, &sqlite, true).await;
    let buffered = chain(&standin, &sqlite, false).await;
    // One identity for the run: after the first request it is a verifier cache hit, as in
    // production; a warm-up read of each kind first.
    let identity = reader();
    export(&streamed, &identity, expected).await;
    list_pages(&buffered, &identity).await;
    let (mut exports, mut lists) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        exports.push(export(&streamed, &identity, expected).await);
        lists.push(list_pages(&buffered, &identity).await);
    }
    println!(
        "\nThe whole audit log ({EVENTS} events) through the local chain, median of {RUNS} \
         alternating runs\n"
    );
    println!("| read | MiB of body | first byte (ms) | total (ms) | MiB/s |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "{}",
        row(
            "`GET /v1/audit-events/export`, RESPONSE_STREAM (one response)",
            &exports
        )
    );
    println!(
        "{}",
        row(
            "`GET /v1/audit-events?limit=100` to the end, BUFFERED (50 responses)",
            &lists
        )
    );
}
