//! The Python (botocore) and Node.js (AWS SDK v3 signer) snippets of `clients/` against the real
//! api, behind the local chain and directly: the verifier, asking the STS stand-in (botocore),
//! accepts the identities they mint, and their bodies pass OAC with the hash they compute — a
//! 2 MiB upload too, through the chain to `oac-echo`, past the 1 MiB body-hash sees.
//!
//! And how they read answers, against a loopback server the test paces (no chain needed): each
//! chunk reaches stdout while the server is still sending, `--max-bytes` stops an answer past it
//! (exit 3, a clear error, what came before on stdout) and one whose `content-length` is above it
//! before reading, a body of exactly the cap passes, a stream cut short exits 3.
//!
//! How they are run: `callers::snippet`.

mod callers;
mod common;

use std::io::Read;

use callers::snippet::Snippet;
use callers::{Api, EVENT, Echo, Target, credential_env, data_file};
use common::bodies::{MIB, assert_echoed_byte_identical, random_bytes, rng};
use test_support::paced_listener::{CHUNKED, PacedListener, with_length};
use test_support::standin_credentials;

fn json_out(snippet: Snippet, out: &std::process::Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{snippet:?}: {} {}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn whoami_names_the_signer(snippet: Snippet, api: Api) {
    let url = format!("{}/v1/whoami", api.base_url);
    let me = json_out(
        snippet,
        &snippet.run(&api, standin_credentials::role(), &[url.as_str()]),
    );
    assert_eq!(
        me["arn"],
        standin_credentials::role().principal_arn.as_str()
    );
    assert_eq!(api.standin.count(), 1, "STS checked the minted value");
}

async fn a_posted_event_arrives_intact(snippet: Snippet, api: Api) {
    let url = format!("{}/v1/audit-events", api.base_url);
    let args = [
        "-H",
        "content-type: application/json",
        "--data",
        EVENT,
        url.as_str(),
    ];
    let created = json_out(
        snippet,
        &snippet.run(&api, standin_credentials::role(), &args),
    );
    assert_eq!(created["detail"]["note"], "Zoë ✓");
}

async fn a_2_mib_upload_arrives_byte_identical(snippet: Snippet) {
    let echo = Echo::behind_the_chain().await;
    let dir = tempfile::tempdir().unwrap();
    let body = random_bytes(&mut rng(), 2 * MIB);
    let data = data_file(&dir, &body);
    let url = format!("{}/v1/uploads", echo.base_url());
    let args = [
        "-H",
        "content-type: application/octet-stream",
        "--data",
        data.as_str(),
        url.as_str(),
    ];
    let echoed = json_out(
        snippet,
        &snippet.run(&echo, standin_credentials::role(), &args),
    );
    assert_echoed_byte_identical(&echoed, &body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_whoami_through_the_chain() {
    whoami_names_the_signer(Snippet::Python, Api::behind_the_chain().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_post_through_the_chain() {
    a_posted_event_arrives_intact(Snippet::Python, Api::behind_the_chain().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_2_mib_upload_through_the_chain() {
    a_2_mib_upload_arrives_byte_identical(Snippet::Python).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_whoami_at_the_api_directly() {
    whoami_names_the_signer(Snippet::Python, Api::direct().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_whoami_through_the_chain() {
    whoami_names_the_signer(Snippet::Node, Api::behind_the_chain().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_post_through_the_chain() {
    a_posted_event_arrives_intact(Snippet::Node, Api::behind_the_chain().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_2_mib_upload_through_the_chain() {
    a_2_mib_upload_arrives_byte_identical(Snippet::Node).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_whoami_at_the_api_directly() {
    whoami_names_the_signer(Snippet::Node, Api::direct().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_posting_is_forbidden_and_the_snippets_exit_4() {
    let api = Api::direct().await;
    let url = format!("{}/v1/audit-events", api.base_url);
    let args = [
        "-H",
        "content-type: application/json",
        "--data",
        EVENT,
        url.as_str(),
    ];
    for snippet in Snippet::ALL {
        let out = snippet.run(&api, standin_credentials::user(), &args);
        assert_eq!(out.status.code(), Some(4), "{snippet:?}");
        let problem: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(problem["type"], "urn:oac-kit:problem:identity-forbidden");
    }
}

/// The snippet's command as the stand-in role with `args` (a local server needs no STS).
fn paced_command(snippet: Snippet, args: &[&str]) -> std::process::Command {
    let env = credential_env(standin_credentials::role());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    snippet.command_with_env(args, &env)
}

/// Runs it to its end.
fn run_paced(snippet: Snippet, args: &[&str]) -> std::process::Output {
    let mut child = paced_command(snippet, args).spawn().unwrap();
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// The stderr of a run that got no whole answer (exit 3).
fn no_whole_answer(snippet: Snippet, out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(3), "{snippet:?}: {out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn both_snippets_write_each_chunk_while_the_server_is_still_sending() {
    for snippet in Snippet::ALL {
        let server = PacedListener::start(CHUNKED);
        server.send_chunk(b"data: first\n\n");
        let url = format!("{}/v1/audit-events/stream", server.url());
        let mut child = paced_command(snippet, &[&url]).spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 13];
        stdout.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"data: first\n\n", "{snippet:?}");
        // Only now does the server send the rest: the first chunk came out while it was running.
        server.send_chunk(b"data: second\n\n");
        server.end_chunks();
        let mut rest = Vec::new();
        stdout.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"data: second\n\n", "{snippet:?}");
        assert_eq!(child.wait().unwrap().code(), Some(0), "{snippet:?}");
    }
}

#[test]
fn both_snippets_stop_an_answer_past_max_bytes_with_exit_3() {
    for snippet in Snippet::ALL {
        let server = PacedListener::start(CHUNKED);
        for chunk in [b"0123456789", b"abcdefghij", b"ABCDEFGHIJ"] {
            server.send_chunk(chunk);
        }
        server.end_chunks();
        let url = format!("{}/v1/audit-events/export", server.url());
        let out = run_paced(snippet, &["--max-bytes", "25", &url]);
        let stderr = no_whole_answer(snippet, &out);
        assert!(
            stderr.contains("response too large"),
            "{snippet:?}: {stderr}"
        );
        assert!(stderr.contains("25-byte cap"), "{snippet:?}: {stderr}");
        let body = b"0123456789abcdefghijABCDEFGHIJ";
        assert!(
            body.starts_with(&out.stdout),
            "{snippet:?}: {:?}",
            out.stdout
        );
        assert!(out.stdout.len() <= 25, "{snippet:?}: {:?}", out.stdout);
    }
}

#[test]
fn both_snippets_refuse_a_content_length_above_max_bytes_before_reading() {
    for snippet in Snippet::ALL {
        // 100 bytes announced, none sent: only a refusal before reading returns.
        let server = PacedListener::start(&with_length(100));
        let url = format!("{}/v1/blob", server.url());
        let out = run_paced(snippet, &["--max-bytes", "50", &url]);
        let stderr = no_whole_answer(snippet, &out);
        assert!(
            stderr.contains("(0 bytes received)"),
            "{snippet:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{snippet:?}");
    }
}

#[test]
fn both_snippets_read_a_body_of_exactly_max_bytes_whole() {
    for snippet in Snippet::ALL {
        let server = PacedListener::start(&with_length(30));
        server.send(vec![b'x'; 30]);
        let url = format!("{}/v1/blob", server.url());
        let out = run_paced(snippet, &["--max-bytes", "30", &url]);
        assert_eq!(out.status.code(), Some(0), "{snippet:?}: {out:?}");
        assert_eq!(out.stdout, vec![b'x'; 30], "{snippet:?}");
    }
}

#[test]
fn both_snippets_exit_3_for_a_stream_cut_short_after_writing_what_came() {
    for snippet in Snippet::ALL {
        let server = PacedListener::start(CHUNKED);
        server.send_chunk(b"{\"id\":1}\n");
        server.close();
        let url = format!("{}/v1/audit-events/export", server.url());
        let out = run_paced(snippet, &[&url]);
        let stderr = no_whole_answer(snippet, &out);
        assert!(
            stderr.contains("cut short after 9 bytes"),
            "{snippet:?}: {stderr}"
        );
        assert_eq!(out.stdout, b"{\"id\":1}\n", "{snippet:?}");
    }
}
