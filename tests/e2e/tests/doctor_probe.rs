//! `oac-kit doctor --probe` against oac-dev: the real `oac-dev` binary in front of `oac-echo`,
//! run healthy and with each of its misconfiguration flags, and with viewers the filter refuses;
//! the probe's answers (`oac_kit::probe_http::run`) explained (`oac_doctor::probe::explain`) must
//! name the flag's cause by its check IDs, and the healthy chain must pass; the real `oac-kit
//! doctor --probe URL --json` says the same in its report. Needs `target/edge`
//! (or `$OAC_KIT_EDGE_DIR`) and Node.js (`$OAC_KIT_NODE`).

use std::process::Command;

use oac_doctor::probe::{Diagnosis, explain};
use test_support::cargo_bin::cargo_bin;
use test_support::process::OacDev;

/// A Cloudflare address (173.245.48.0/20): with it, every viewer passes the address filter.
const CLOUDFLARE_V4: &str = "173.245.48.10";
/// The environment variable oac-dev reads origin secrets from.
const SECRET_ENV: &str = oac_dev::secret_source::ENV_VAR;

/// `oac-dev` on a loopback port in front of `oac-echo`, with `flags`.
fn oac_dev(flags: &[&str]) -> Command {
    let mut command = Command::new(cargo_bin("oac-dev", "oac-dev"));
    command
        .args(["--listen", "127.0.0.1:0", "--quiet"])
        .args(["--edge-workers", "1", "--instances", "1"])
        .arg("--function")
        .arg(cargo_bin("oac-dev", "oac-echo"))
        .arg("--edge-dir")
        .arg(test_support::edge_dir())
        .arg("--node")
        .arg(std::env::var("OAC_KIT_NODE").unwrap_or_else(|_| "node".into()))
        .args(flags)
        .env_remove(SECRET_ENV);
    command
}

/// The probe's diagnoses of the chain `command` starts: (GET, POST).
async fn probe(command: Command) -> (Diagnosis, Diagnosis) {
    let chain = OacDev::start(command);
    let url = url::Url::parse(&format!("http://{}/health", chain.address)).unwrap();
    let answers = oac_kit::probe_http::run(&url)
        .await
        .expect("the probe gets answers");
    let diagnoses: Vec<Diagnosis> = answers.iter().map(explain).collect();
    drop(chain);
    let [get, post] = <[Diagnosis; 2]>::try_from(diagnoses).expect("a GET and a POST");
    assert!(get.summary.starts_with("GET /health"), "{get:?}");
    assert!(post.summary.starts_with("POST /health"), "{post:?}");
    (get, post)
}

fn assert_names(d: &Diagnosis, id: &str) {
    assert!(!d.ok, "{d:?}");
    assert!(d.checks.contains(&id), "{id} not named: {d:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_healthy_chain_passes_both_requests() {
    let (get, post) = probe(oac_dev(&["--viewer-ip", CLOUDFLARE_V4])).await;
    for d in [&get, &post] {
        assert!(d.ok, "{d:?}");
        assert!(d.checks.is_empty(), "{d:?}");
        assert!(d.summary.ends_with("→ 200"), "{d:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_body_hash_passes_the_get_and_names_body_hash_for_the_post() {
    let (get, post) = probe(oac_dev(&["--viewer-ip", CLOUDFLARE_V4, "--no-body-hash"])).await;
    assert!(get.ok, "{get:?}");
    assert_eq!(post.checks, ["body-hash"], "{post:?}");
    assert!(!post.ok);
    assert!(
        post.cause.contains("InvalidSignatureException"),
        "{}",
        post.cause
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_include_body_passes_the_get_and_names_body_hash_for_the_post() {
    let (get, post) = probe(oac_dev(&[
        "--viewer-ip",
        CLOUDFLARE_V4,
        "--no-include-body",
    ]))
    .await;
    assert!(get.ok, "{get:?}");
    assert_eq!(post.checks, ["body-hash"], "{post:?}");
    assert!(
        post.cause.contains("include-body-disabled"),
        "{}",
        post.cause
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forwarded_host_names_host_not_forwarded() {
    let (get, post) = probe(oac_dev(&["--viewer-ip", CLOUDFLARE_V4, "--forward-host"])).await;
    for d in [&get, &post] {
        assert_names(d, "host-not-forwarded");
        assert!(d.cause.contains("AccessDeniedException"), "{}", d.cause);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_invoke_function_grant_names_grant_invoke_function() {
    let (get, post) = probe(oac_dev(&[
        "--viewer-ip",
        CLOUDFLARE_V4,
        "--missing-invoke-function-permission",
    ]))
    .await;
    for d in [&get, &post] {
        assert_names(d, "grant-invoke-function");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_outside_cloudflare_is_refused_by_the_filter_and_named() {
    // No --viewer-ip: the probe's own address, 127.0.0.1, is not Cloudflare's.
    for filter in ["cloudfront-function", "lambda-edge"] {
        let (get, post) = probe(oac_dev(&["--viewer-filter", filter])).await;
        for d in [&get, &post] {
            assert_names(d, "viewer-filter");
            assert!(
                d.cause.contains("not-from-cloudflare"),
                "{filter}: {}",
                d.cause
            );
            assert!(d.summary.ends_with("→ 403"), "{d:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_without_the_origin_secret_is_refused_and_named() {
    let mut command = oac_dev(&["--viewer-ip", CLOUDFLARE_V4]);
    command.env(SECRET_ENV, "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa");
    let (get, post) = probe(command).await;
    for d in [&get, &post] {
        assert_names(d, "origin-secret-header");
        assert_names(d, "viewer-filter");
    }
}

/// `oac-kit doctor --probe URL --json`, the real binary: exit 1 and the cause's check IDs in the
/// `probe` array for a misconfigured chain; exit 0 and every answer ok for the healthy one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_oac_kit_binary_reports_the_probe_as_json() {
    let doctor = |chain: &OacDev| {
        let output = Command::new(cargo_bin("oac-kit", "oac-kit"))
            .args(["doctor", "--json", "--probe"])
            .arg(format!("http://{}/health", chain.address))
            .output()
            .expect("running oac-kit");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        (output.status.code(), report)
    };
    let broken = OacDev::start(oac_dev(&[
        "--viewer-ip",
        CLOUDFLARE_V4,
        "--missing-invoke-function-permission",
    ]));
    let (code, report) = tokio::task::block_in_place(|| doctor(&broken));
    drop(broken);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(report["ok"], false, "{report}");
    let probe = report["probe"].as_array().expect("a probe array");
    assert_eq!(probe.len(), 2, "{report}");
    for answer in probe {
        assert_eq!(answer["ok"], false, "{answer}");
        let checks: Vec<&str> = answer["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c.as_str())
            .collect();
        assert!(checks.contains(&"grant-invoke-function"), "{answer}");
    }

    let healthy = OacDev::start(oac_dev(&["--viewer-ip", CLOUDFLARE_V4]));
    let (code, report) = tokio::task::block_in_place(|| doctor(&healthy));
    drop(healthy);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["ok"], true, "{report}");
    assert!(
        report["probe"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["ok"] == true),
        "{report}"
    );
}
