//! The Python (botocore) and Node.js (AWS SDK v3 signer) snippets of `clients/` against the real
//! api, behind the local chain and directly: the verifier, asking the STS stand-in (botocore),
//! accepts the identities they mint, and their bodies pass OAC with the hash they compute — a
//! 2 MiB upload too, through the chain to `oac-echo`, past the 1 MiB body-hash sees.
//!
//! How they are run: `callers::snippet`.

mod callers;
mod common;

use callers::snippet::Snippet;
use callers::{Api, EVENT, Echo, Target, data_file};
use common::bodies::{MIB, assert_echoed_byte_identical, random_bytes, rng};
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
