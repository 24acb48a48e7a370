//! `request` sends the identity only where it is safe: plain `http://` to anything but loopback
//! is a usage error before anything is sent, and the environment's proxy variables are ignored
//! unless `--use-env-proxy`. Local listeners stand for the API and the proxy and show what
//! reached them. No STS needed: the identity is minted locally from fake credentials.

mod common;

use common::request;
use test_support::recording_listener::{RecordingListener, proxy_env};

/// The usage problem of a refused run (exit 2, nothing on stdout).
fn usage_detail(out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    let problem = common::problem(out);
    assert_eq!(problem["type"], "urn:oac-kit:problem:identity-usage");
    problem["detail"].as_str().unwrap().to_owned()
}

#[test]
fn plain_http_to_the_unspecified_address_is_a_usage_error_and_sends_nothing() {
    // Linux connects 0.0.0.0 to this machine: without the rule the listener would be called.
    let api = RecordingListener::start();
    let url = format!("http://0.0.0.0:{}/v1/whoami", api.port());
    let detail = usage_detail(&request(&[&url], &[]));
    assert!(detail.contains("refusing plain http"), "{detail}");
    assert_eq!(api.connections(), 0, "nothing reached the listener");
}

#[test]
fn plain_http_to_a_network_name_is_refused_even_through_an_opted_in_proxy() {
    // The name doesn't resolve here, but a proxy would take the request anyway.
    let proxy = RecordingListener::start();
    let out = request(
        &["--use-env-proxy", "http://api.example.com/v1/whoami"],
        &proxy_env(&proxy.url()),
    );
    let detail = usage_detail(&out);
    assert!(detail.contains("\"api.example.com\""), "{detail}");
    assert_eq!(proxy.connections(), 0, "nothing reached the proxy");
}

#[test]
fn plain_http_to_loopback_is_sent() {
    let api = RecordingListener::start();
    let url = format!("http://localhost:{}/v1/whoami", api.port());
    let out = request(&[&url], &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(api.request_lines(), ["GET /v1/whoami HTTP/1.1"]);
}

#[test]
fn the_proxy_variables_are_ignored_by_default() {
    let (api, proxy) = (RecordingListener::start(), RecordingListener::start());
    let url = format!("{}/v1/whoami", api.url());
    let out = request(&[&url], &proxy_env(&proxy.url()));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(api.request_lines(), ["GET /v1/whoami HTTP/1.1"]);
    assert_eq!(proxy.connections(), 0, "the proxy was not used");
}

#[test]
fn the_proxy_variables_are_used_with_use_env_proxy() {
    let (api, proxy) = (RecordingListener::start(), RecordingListener::start());
    let url = format!("{}/v1/whoami", api.url());
    let out = request(&["--use-env-proxy", &url], &proxy_env(&proxy.url()));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(proxy.request_lines(), [format!("GET {url} HTTP/1.1")]);
    assert_eq!(api.connections(), 0, "the request went through the proxy");
}
