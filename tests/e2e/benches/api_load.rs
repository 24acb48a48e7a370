//! `cargo build --release -p api --bin api && cargo bench -p e2e --bench api_load`: a bounded load
//! run on loopback against the release `api` binary (`OAC_KIT_API_RELEASE_BIN`, else
//! `target/release/api`; embedded SQLite store, JSON access logs on), plus binary size and cold
//! init.
//!
//! - `GET /health` and `POST /v1/audit-events` (writer identity verified once against the Python
//!   STS stand-in, then served from the verifier's cache as in production; a fresh
//!   `Idempotency-Key` per request): a fixed number of requests over keep-alive connections from a
//!   small hand-rolled HTTP/1.1 client; requests/s and latency percentiles. Every answer must have
//!   the expected status or the run fails.
//! - cold init: process start → first response through the emulated Lambda Runtime API.
//!
//! Stops by itself; prints a Markdown table. Needs the Python of the tests (`OAC_KIT_PYTHON`).
//! `-- cold-init` runs only the cold-init part (e.g. on the deployed artifact:
//! `OAC_KIT_API_RELEASE_BIN=target/lambda/api/bootstrap`).

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use oac_dev::runtime_api::{FunctionProcess, RuntimeApi};
use test_support::standin_credentials;
use tokio::net::TcpStream;

/// The audience the benchmarked api verifies (required: there is no default).
const AUDIENCE: &str = "api-bench";

fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads one response; returns its status code.
/// `total` requests over `connections` keep-alive connections (the workspace's `http-load`);
/// every answer must have status `expect`.
async fn load(
    port: u16,
    connections: u64,
    total: u64,
    expect: u16,
    request: http_load::RequestFn,
) -> http_load::Run {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let run = http_load::run(address, connections, total, request).await;
    assert_eq!(run.errors, 0, "requests without an answer");
    assert_eq!(
        run.statuses.keys().copied().collect::<Vec<_>>(),
        [expect],
        "unexpected statuses: {:?}",
        run.statuses
    );
    run
}

/// Quantile `p` of sorted microsecond samples, in milliseconds.
fn pct(sorted: &[u64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

fn row(name: &str, conns: u64, r: &http_load::Run) {
    println!(
        "| {name} | {} | {conns} | {:.0} | {:.2} | {:.2} | {:.2} |",
        r.latencies.len(),
        r.rps(),
        r.percentile_ms(0.50),
        r.percentile_ms(0.99),
        r.percentile_ms(1.0),
    );
}

fn writer_identity() -> String {
    test_support::presign::presign_as(
        (
            standin_credentials::role().access_key_id.as_str(),
            standin_credentials::role().secret_access_key.as_str(),
            standin_credentials::role().session_token.as_deref(),
        ),
        "us-west-2",
        AUDIENCE,
        Duration::from_secs(900),
        SystemTime::now(),
    )
}

async fn http_load() {
    let dir = tempfile::tempdir().unwrap();
    let standin = test_support::sts_standin::StandIn::start("normal");
    let port = free_port();
    let _server = Server(
        Command::new(test_support::binary::api_release())
            .env("PORT", port.to_string())
            .env("STORE", "sqlite")
            .env("SQLITE_PATH", dir.path().join("bench.sqlite3"))
            .env("IDENTITY_AUDIENCE", AUDIENCE)
            .env(
                "IDENTITY_WRITERS",
                standin_credentials::role().principal_arn.as_str(),
            )
            .env("UNSAFE_STS_ENDPOINT_OVERRIDE", standin.base_url())
            .env_remove("AWS_LAMBDA_RUNTIME_API")
            // `API_BENCH_LOG_LEVEL=warn` measures without the access log (default: as deployed).
            .env(
                "LOG_LEVEL",
                std::env::var("API_BENCH_LOG_LEVEL").unwrap_or_else(|_| "info".into()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    println!("| route | requests | connections | req/s | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|---|");
    let health: http_load::RequestFn = Arc::new(|_| {
        b"GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\nx-amz-cf-id: bench\r\n\r\n".to_vec()
    });
    // Warm-up, then the measured run.
    load(port, 32, 5_000, 200, health.clone()).await;
    let r = load(port, 32, 200_000, 200, health).await;
    row("GET /health", 32, &r);

    let identity = writer_identity();
    let post: http_load::RequestFn = Arc::new(move |i| {
        let body = format!(
            r#"{{"action":"bench.append","resource":"arn:aws:s3:::bench/{i}","detail":{{"n":{i}}}}}"#
        );
        format!(
            "POST /v1/audit-events HTTP/1.1\r\nhost: 127.0.0.1\r\nx-fluid-identity: {identity}\r\n\
             content-type: application/json\r\nidempotency-key: bench-{i}\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    });
    let r = load(port, 16, 20_000, 201, post).await;
    row("POST /v1/audit-events", 16, &r);
    assert_eq!(
        standin.count(),
        1,
        "the identity was verified once, then cached"
    );
}

/// Cold init with `env`; a fresh database directory per run unless `db_dir` is given.
async fn cold_init(label: &str, db_dir: Option<&std::path::Path>, extra: &[(&str, &str)]) {
    let event = br#"{"version":"2.0","routeKey":"$default","rawPath":"/health","rawQueryString":"","headers":{"host":"x.lambda-url.us-east-1.on.aws"},"requestContext":{"accountId":"anonymous","apiId":"x","domainName":"x.lambda-url.us-east-1.on.aws","domainPrefix":"x","http":{"method":"GET","path":"/health","protocol":"HTTP/1.1","sourceIp":"130.176.0.1","userAgent":"bench"},"requestId":"r","routeKey":"$default","stage":"$default","time":"23/Nov/2026:12:00:00 +0000","timeEpoch":1795435200000},"isBase64Encoded":false}"#;
    let mut samples = Vec::new();
    for _ in 0..20 {
        let fresh = tempfile::tempdir().unwrap();
        let db = db_dir.unwrap_or(fresh.path()).join("cold.sqlite3");
        let db = db.to_str().unwrap().to_owned();
        let mut env: Vec<(&str, &str)> =
            vec![("SQLITE_PATH", &db), ("IDENTITY_AUDIENCE", AUDIENCE)];
        env.extend_from_slice(extra);
        let api = RuntimeApi::start().await.unwrap();
        let started = Instant::now();
        let _function =
            FunctionProcess::spawn(test_support::binary::api_release(), "api", &api, &env).unwrap();
        let answer = api
            .invoke(event.to_vec(), Duration::from_secs(10))
            .await
            .unwrap();
        samples.push(started.elapsed().as_micros() as u64);
        assert!(String::from_utf8_lossy(&answer).contains("\"statusCode\":200"));
    }
    samples.sort_unstable();
    println!(
        "| {label} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
        samples.len(),
        pct(&samples, 0.0),
        pct(&samples, 0.5),
        pct(&samples, 0.9),
        pct(&samples, 1.0)
    );
}

async fn cold_inits() {
    println!("\ncold init: spawn → first `/health` answer through the Runtime API (ms)\n");
    println!("| store | runs | min | median | p90 | max |");
    println!("|---|---|---|---|---|---|");
    let existing = tempfile::tempdir().unwrap();
    drop(api::store::SqliteStore::open(&existing.path().join("cold.sqlite3")).unwrap());
    cold_init(
        "SQLite, existing database",
        Some(existing.path()),
        &[("STORE", "sqlite")],
    )
    .await;
    cold_init("SQLite, new database", None, &[("STORE", "sqlite")]).await;
    // No network at init: the SDK resolves credentials and connects on first use.
    cold_init(
        "DynamoDB (as deployed)",
        None,
        &[
            ("STORE", "dynamodb"),
            ("TABLE_NAME", "bench"),
            ("AWS_ACCESS_KEY_ID", "AKIDBENCH"),
            ("AWS_SECRET_ACCESS_KEY", "bench"),
            ("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9"),
        ],
    )
    .await;
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("api_load: run with `cargo bench -p e2e --bench api_load`");
        return;
    }
    let binary = test_support::binary::api_release();
    let size = std::fs::metadata(&binary).unwrap().len();
    println!(
        "bench host: {} cores, load average {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    println!(
        "release binary: {} = {:.1} MiB ({size} bytes)\n",
        binary.display(),
        size as f64 / 1048576.0
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let cold_init_only = std::env::args().any(|a| a == "cold-init");
    runtime.block_on(async {
        if !cold_init_only {
            http_load().await;
        }
        cold_inits().await;
    });
}
