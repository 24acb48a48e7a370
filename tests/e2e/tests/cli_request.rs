//! `fluid-identity request` (built on oac-client) against the real api behind the local chain:
//! credentials from the standard chain's environment variables, the body from a file, the
//! documented exit codes; a 2 MiB file through the chain to `oac-echo`.

mod callers;
mod common;

use callers::{AUDIENCE, Api, EVENT, Echo, Target, credential_env, data_file};
use common::bodies::{MIB, assert_echoed_byte_identical, random_bytes, rng};
use test_support::standin_credentials::{self, StandInCredential};

/// `fluid-identity request --audience AUDIENCE <args…>` as `who`, with the caller's headers.
fn request(
    target: &impl Target,
    who: &StandInCredential,
    args: &[&str],
    stdin: &str,
) -> std::process::Output {
    let headers = target.header_args();
    let mut all = vec!["request", "--audience", AUDIENCE];
    all.extend(headers.iter().map(String::as_str));
    all.extend_from_slice(args);
    let env = credential_env(who);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    test_support::cli::run_clean(
        test_support::cargo_bin::cargo_bin("fluid-identity-cli", "fluid-identity"),
        &all,
        stdin,
        &env,
    )
}

fn stdout_json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "stdout is not JSON: {:?} stderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_get_prints_the_body_and_exits_0() {
    let api = Api::behind_the_chain().await;
    let url = format!("{}/v1/whoami", api.base_url);
    let out = request(&api, standin_credentials::role(), &[url.as_str()], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout_json(&out)["arn"],
        standin_credentials::role().principal_arn.as_str()
    );
    assert!(out.stderr.is_empty(), "nothing on stderr without -i");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_from_a_file_is_posted_and_include_prints_the_status_to_stderr() {
    let api = Api::behind_the_chain().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("event.json");
    std::fs::write(&file, EVENT).unwrap();
    let data = format!("@{}", file.display());
    let url = format!("{}/v1/audit-events", api.base_url);
    let out = request(
        &api,
        standin_credentials::role(),
        &[
            "-i",
            "-H",
            "content-type: application/json",
            "--data",
            data.as_str(),
            url.as_str(),
        ],
        "",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.starts_with("< HTTP 201 Created"), "{stderr}");
    assert_eq!(stdout_json(&out)["detail"]["note"], "Zoë ✓");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4xx_prints_the_problem_and_exits_4() {
    let api = Api::behind_the_chain().await;
    let url = format!("{}/v1/audit-events", api.base_url);
    let out = request(
        &api,
        standin_credentials::user(),
        &[
            "-X",
            "POST",
            "-H",
            "content-type: application/json",
            "--data",
            EVENT,
            url.as_str(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        stdout_json(&out)["type"],
        "urn:oac-kit:problem:identity-forbidden"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_answer_is_a_problem_on_stderr_and_exit_3() {
    let api = Api::direct().await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}/v1/whoami", listener.local_addr().unwrap());
    drop(listener);
    // POST without a key: one attempt, no retries to wait for.
    let out = request(
        &api,
        standin_credentials::role(),
        &["--data", "{}", closed.as_str()],
        "",
    );
    assert_eq!(out.status.code(), Some(3));
    let problem: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(problem["type"], "urn:oac-kit:problem:request-failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2_mib_file_goes_through_the_chain_byte_identical_and_exits_0() {
    let echo = Echo::behind_the_chain().await;
    let dir = tempfile::tempdir().unwrap();
    let body = random_bytes(&mut rng(), 2 * MIB);
    let data = data_file(&dir, &body);
    let url = format!("{}/v1/uploads", echo.base_url());
    let out = request(
        &echo,
        standin_credentials::role(),
        &[
            "-H",
            "content-type: application/octet-stream",
            "--data",
            data.as_str(),
            url.as_str(),
        ],
        "",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_echoed_byte_identical(&stdout_json(&out), &body);
}
