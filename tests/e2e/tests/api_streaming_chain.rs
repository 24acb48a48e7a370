//! The api's streamed routes through the whole chain: the viewer filter and the body-hash bundle
//! under Node.js, OAC signing, a Function URL in `RESPONSE_STREAM` mode relaying the Lambda
//! streaming protocol, and the real `api` binary answering through the Runtime API in
//! `API_INVOKE_MODE=response_stream`, identities checked by the Python STS stand-in.
//!
//! Timings are printed (`--nocapture`) for the record, never asserted: the assertions are about
//! order (an event reached the viewer before the stream's close frame) and bytes.

mod common;

use std::time::{Duration, Instant};

use api::model::AuditEvent;
use common::audit_log::{events, expected_export, seed_store};
use common::identity::{AUDIENCE, IDENTITY, api_env, reader, writer};
use common::sse::{Frame, next_chunk, read_frames};
use common::{CLOUDFLARE_V4, Running, start};
use oac_dev::InvokeMode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use test_support::cargo_bin::cargo_bin;
use test_support::process::Process;
use test_support::sts_standin::StandIn;

/// The chain, the STS stand-in and the database's directory.
struct World {
    chain: Running,
    _standin: StandIn,
    _data: tempfile::TempDir,
}

/// The api on SQLite (seeded with `seed` first) behind a RESPONSE_STREAM Function URL.
/// `instances` function instances: an open event stream holds one for its whole duration, as on
/// Lambda, where other requests get other instances.
async fn world(
    extra_env: &[(&str, &str)],
    function_timeout: Duration,
    bandwidth_cap: bool,
    instances: usize,
    seed: &[AuditEvent],
) -> World {
    let standin = StandIn::start("normal");
    let data = tempfile::tempdir().unwrap();
    let sqlite = data.path().join("api.sqlite");
    seed_store(&sqlite, seed).await;
    let mut env = api_env(&standin, &sqlite, AUDIENCE);
    env.push(("API_INVOKE_MODE".into(), "response_stream".into()));
    env.extend(
        extra_env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let mut config = common::config(cargo_bin("api", "api"), env);
    config.invoke_mode = InvokeMode::ResponseStream { bandwidth_cap };
    config.function_timeout = function_timeout;
    config.instances = instances;
    World {
        chain: start(config).await,
        _standin: standin,
        _data: data,
    }
}

impl World {
    fn get(&self, path: &str, identity: &str) -> reqwest::RequestBuilder {
        self.chain
            .request("GET", path, CLOUDFLARE_V4)
            .header(IDENTITY, identity)
    }

    /// Appends an event as the writer, through the chain; returns its ID.
    async fn append(&self, n: usize) -> String {
        let response = self
            .chain
            .request("POST", "/v1/audit-events", CLOUDFLARE_V4)
            .header(IDENTITY, writer())
            .header("content-type", "application/json")
            .body(json!({"action": "sse.test", "resource": format!("item-{n}")}).to_string())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }
}

/// The api process's peak resident set (bytes): the one `api` child of this test.
fn api_peak_rss() -> Option<u64> {
    let me = Process::of(std::process::id())?;
    let api = me
        .children()
        .into_iter()
        .find(|p| p.executable_name() == "api")?;
    api.peak_rss()
}

fn own_peak_rss() -> u64 {
    Process::of(std::process::id())
        .and_then(|p| p.peak_rss())
        .unwrap()
}

const MIB: f64 = 1024.0 * 1024.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_past_20_mib_arrives_byte_identical_and_unencoded_with_the_api_s_memory_bounded()
{
    let seeded = events(10_000);
    let expected = expected_export(&seeded);
    assert!(
        expected.len() > 20 * 1024 * 1024,
        "{} bytes",
        expected.len()
    );
    let world = world(&[], Duration::from_secs(120), false, 1, &seeded).await;

    // A first, 8 MiB export (the last 2,000 events) warms the api up to its working set: pages,
    // buffers, the allocator's arenas.
    let small = world
        .get(
            &format!("/v1/audit-events/export?after={}", seeded[7_999].id),
            &reader(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), 200);
    let small = small.bytes().await.unwrap();
    assert_eq!(small[..], expected_export(&seeded[8_000..])[..]);
    let before = api_peak_rss().expect("the api child process");
    let started = Instant::now();
    let mut response = world
        .get("/v1/audit-events/export", &reader())
        // The viewer asks for compression: the answer must come back as it was sent.
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    assert!(response.headers().get("content-encoding").is_none());
    let mut hash = Sha256::new();
    let mut read = 0usize;
    let mut first_byte = None;
    let mut chunks = 0usize;
    while let Some(chunk) = next_chunk(&mut response).await.unwrap() {
        first_byte.get_or_insert_with(|| started.elapsed());
        read += chunk.len();
        chunks += 1;
        hash.update(&chunk);
    }
    let total = started.elapsed();
    assert_eq!(read, expected.len());
    assert_eq!(
        hex::encode(hash.finalize()),
        hex::encode(Sha256::digest(&expected)),
        "the export differs from the stored events"
    );
    let api_peak = api_peak_rss().expect("the api child process");
    eprintln!(
        "export through the chain: {read} bytes in {chunks} chunks, first byte after {:.1} ms, \
         all after {:.1} ms ({:.1} MiB/s); api peak RSS {:.1} MiB before, {:.1} MiB after; test \
         process (oac-dev in process) peak RSS {:.1} MiB",
        first_byte.unwrap().as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        read as f64 / MIB / total.as_secs_f64(),
        before as f64 / MIB,
        api_peak as f64 / MIB,
        own_peak_rss() as f64 / MIB,
    );
    // Bounded: a page of 500 events (~2 MiB) at a time in flight, so the export 5 times the size of
    // the first needs about what it did, where holding the answer would need its 34 MiB more. The
    // margin is for the allocator: 1-3 MiB on an idle machine, 8.2 MiB seen on a loaded one (glibc's
    // per-thread arenas as the tasks move between threads), with a 21 MB export.
    let growth = api_peak.saturating_sub(before);
    assert!(
        growth < 14 * 1024 * 1024,
        "the api's peak RSS grew by {growth} bytes from a {} to a {} byte export",
        small.len(),
        expected.len()
    );
}

const QUICK_SSE: [(&str, &str); 4] = [
    ("SSE_POLL_MS", "100"),
    ("SSE_SETTLE_MS", "300"),
    ("SSE_HEARTBEAT_MS", "500"),
    ("SSE_MAX_SECONDS", "3"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sse_event_reaches_the_viewer_while_the_function_is_still_running() {
    let world = world(&QUICK_SSE, Duration::from_secs(30), false, 3, &[]).await;
    let started = Instant::now();
    let mut response = world
        .get("/v1/audit-events/stream", &reader())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    assert!(response.headers().get("content-encoding").is_none());
    let id = world.append(1).await;
    let mut event_at = None;
    let mut open_at = None;
    let frames = read_frames(&mut response, started, |frame, at| {
        if frame.comment.is_some() {
            open_at.get_or_insert(at);
        }
        if frame.id.as_deref() == Some(id.as_str()) {
            event_at = Some(at);
        }
    })
    .await;
    let total = started.elapsed();
    let position = |f: &dyn Fn(&Frame) -> bool| frames.iter().position(f);
    let event = position(&|f| f.id.as_deref() == Some(id.as_str())).expect("the event arrived");
    let close = position(&|f| f.event.as_deref() == Some("close")).unwrap();
    assert!(event < close, "{frames:?}");
    assert_eq!(frames[close].retry.as_deref(), Some("1000"));
    let data: Value = serde_json::from_str(frames[event].data.as_deref().unwrap()).unwrap();
    assert_eq!(data["resource"], "item-1");
    eprintln!(
        "SSE through the chain: first byte (the open comment) after {:.1} ms, the event after \
         {:.1} ms, the function's answer ended after {:.1} ms",
        open_at.unwrap().as_secs_f64() * 1e3,
        event_at.unwrap().as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_with_last_event_id_resumes_without_loss_or_duplicates() {
    let world =
        std::sync::Arc::new(world(&QUICK_SSE, Duration::from_secs(30), false, 3, &[]).await);
    // The first stream is open (it starts at "now") before anyone writes.
    let mut response = world
        .get("/v1/audit-events/stream", &reader())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // Writers append while the first stream runs and after it closed.
    let mut writing = Some({
        let world = world.clone();
        tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 0..12 {
                ids.push(world.append(n).await);
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            ids
        })
    });
    let mut received: Vec<String> = Vec::new();
    let mut written: Option<Vec<String>> = None;
    let mut streams = 1;
    loop {
        let frames = read_frames(&mut response, Instant::now(), |_, _| {}).await;
        received.extend(frames.iter().filter_map(|f| f.id.clone()));
        if writing.as_ref().is_some_and(|w| w.is_finished()) {
            written = Some(writing.take().unwrap().await.unwrap());
        }
        if written
            .as_ref()
            .is_some_and(|w| w.iter().all(|id| received.contains(id)))
        {
            break;
        }
        // Reconnect as EventSource does: from the last event ID seen.
        streams += 1;
        assert!(
            streams <= 8,
            "events never arrived: {received:?} of {written:?}"
        );
        let mut request = world.get("/v1/audit-events/stream", &reader());
        if let Some(last) = received.last() {
            request = request.header("last-event-id", last);
        }
        response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    assert!(streams >= 2, "the first stream already had everything");
    assert_eq!(
        received,
        written.unwrap(),
        "every event exactly once, in the order written, across {streams} streams"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_cut_by_the_function_timeout_reaches_the_viewer_truncated_without_its_end_line() {
    // 2 MB/s after the first 6 MB (Lambda's documented pacing) and a 2 s timeout: about 10 MB get
    // out of a 13 MB export before Lambda ends the invocation mid-stream.
    let seeded = events(3_000);
    let expected = expected_export(&seeded);
    let world = world(&[], Duration::from_secs(2), true, 1, &seeded).await;
    let mut response = world
        .get("/v1/audit-events/export", &reader())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the status went out before the cut");
    let mut received = Vec::new();
    let outcome = loop {
        match next_chunk(&mut response).await {
            Ok(Some(chunk)) => received.extend_from_slice(&chunk),
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    assert!(
        outcome.is_err(),
        "the viewer saw a complete body ({} of {} bytes)",
        received.len(),
        expected.len()
    );
    assert!(received.len() < expected.len());
    assert!(received.len() > 6 * 1024 * 1024, "{} bytes", received.len());
    assert_eq!(
        received[..],
        expected[..received.len()],
        "what arrived is intact"
    );
    eprintln!(
        "export cut by a 2 s timeout: {} of {} bytes reached the viewer",
        received.len(),
        expected.len()
    );
}

/// The callers' client (`oac-client`, signing as the stand-in's reader) capped at 1 MiB.
async fn capped_client(world: &World) -> oac_client::OacClient {
    let user = test_support::standin_credentials::user();
    let credentials = aws_credential_types::Credentials::new(
        user.access_key_id.as_str(),
        user.secret_access_key.as_str(),
        None,
        None,
        "stand-in",
    );
    oac_client::OacClient::builder(format!("http://{}", world.chain.address), AUDIENCE)
        .region(common::identity::REGION)
        .credentials(credentials)
        .default_header(oac_dev::VIEWER_IP_HEADER, CLOUDFLARE_V4)
        .max_response_bytes(1024 * 1024)
        .build()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_s_cap_stops_a_large_export_with_a_clear_error() {
    let seeded = events(600);
    let world = world(&[], Duration::from_secs(30), false, 1, &seeded).await;
    let client = capped_client(&world).await;

    // Streamed: the chunks up to the cap are handed out, the one crossing it is an error.
    let mut stream = client
        .get("/v1/audit-events/export")
        .send_streaming()
        .await
        .unwrap();
    assert_eq!(stream.status, 200);
    let mut handed_out = 0u64;
    let error = loop {
        match stream.next_chunk().await {
            Ok(Some(chunk)) => handed_out += chunk.len() as u64,
            Ok(None) => panic!("a 2.5 MiB export passed a 1 MiB cap"),
            Err(e) => break e,
        }
    };
    assert!(handed_out <= 1024 * 1024, "{handed_out}");
    match &error {
        oac_client::Error::ResponseTooLarge { limit, read } => {
            assert_eq!(*limit, 1024 * 1024);
            assert!(*read > *limit, "{read}");
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    assert!(error.to_string().contains("1048576"), "{error}");

    // Read whole: the same refusal.
    let whole = client.get("/v1/audit-events/export").send().await;
    assert!(
        matches!(whole, Err(oac_client::Error::ResponseTooLarge { .. })),
        "{whole:?}"
    );
}
