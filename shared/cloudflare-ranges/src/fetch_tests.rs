//! The hardened fetch ([`crate::fetch`]) against servers on 127.0.0.1 ([`crate::test_server`]).

use std::io::Write;
use std::thread;
use std::time::Duration;

use crate::fetch::{FetchError, FetchPolicy, MAX_BODY_BYTES, checked_url};
use crate::test_server::{listen, serve, serve_answer};

/// `GET url` under `policy`, driven on a one-off runtime.
fn fetch(url: &str, policy: &FetchPolicy) -> Result<String, FetchError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(crate::fetch::fetch(url, policy))
}

const GOOD: &str = r#"{"result":{"ipv4_cidrs":["173.245.48.0/20"],"ipv6_cidrs":["2400:cb00::/32"],"etag":"e"},"success":true,"errors":[],"messages":[]}"#;

fn policy() -> FetchPolicy {
    FetchPolicy {
        timeout: Duration::from_secs(30),
        max_body_bytes: MAX_BODY_BYTES,
        use_env_proxy: false,
    }
}

#[test]
fn https_and_loopback_http_urls_pass() {
    for ok in [
        "https://api.cloudflare.com/client/v4/ips",
        "http://127.0.0.1:8080/client/v4/ips",
        "http://127.1.2.3/client/v4/ips",
        "http://[::1]:8080/client/v4/ips",
    ] {
        assert!(checked_url(ok).is_ok(), "{ok}");
    }
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    for bad in [
        "http://api.cloudflare.com/client/v4/ips",
        "http://localhost/client/v4/ips", // a name, which DNS or /etc/hosts could point anywhere
        "http://10.0.0.1/client/v4/ips",
    ] {
        let e = checked_url(bad).unwrap_err();
        assert!(e.to_string().contains("plain http"), "{bad}: {e}");
    }
}

#[test]
fn other_schemes_are_refused() {
    for bad in ["ftp://127.0.0.1/ips", "file:///etc/passwd"] {
        let e = checked_url(bad).unwrap_err();
        assert!(e.to_string().contains("https only"), "{bad}: {e}");
    }
}

#[test]
fn good_answer_is_returned() {
    let (base, server) = serve_answer(200, "", GOOD.to_owned());
    assert_eq!(
        fetch(&format!("{base}/client/v4/ips"), &policy()).unwrap(),
        GOOD
    );
    assert_eq!(server.join().unwrap(), "GET /client/v4/ips HTTP/1.1");
}

#[test]
fn redirect_is_refused_and_not_followed() {
    let (target, target_listener) = listen();
    target_listener.set_nonblocking(true).unwrap();
    let (base, server) = serve_answer(
        302,
        &format!("location: {target}/client/v4/ips\r\n"),
        String::new(),
    );
    let e = fetch(&format!("{base}/client/v4/ips"), &policy()).unwrap_err();
    assert!(
        format!("{e:#}").contains("redirects are not followed"),
        "{e:#}"
    );
    server.join().unwrap();
    let accepted = target_listener.accept();
    assert!(
        matches!(&accepted, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the redirect target was contacted"
    );
}

fn assert_too_large(result: Result<String, FetchError>) {
    let e = result.unwrap_err();
    assert!(
        format!("{e:#}").contains("the answer is over 65536 bytes"),
        "{e:#}"
    );
}

#[test]
fn oversized_declared_body_is_refused() {
    let (base, _server) = serve_answer(200, "", " ".repeat(MAX_BODY_BYTES + 1));
    assert_too_large(fetch(&format!("{base}/client/v4/ips"), &policy()));
}

#[test]
fn oversized_streamed_body_is_refused() {
    // No content-length: the body runs until the server closes, and the cap must hold anyway.
    let (base, _server) = serve(|stream| {
        let _ = write!(stream, "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n");
        let chunk = [b' '; 4096];
        for _ in 0..(4 * MAX_BODY_BYTES / chunk.len()) {
            if stream.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    assert_too_large(fetch(&format!("{base}/client/v4/ips"), &policy()));
}

#[test]
fn slow_server_times_out() {
    // The server answers well, but only after far longer than the timeout.
    let (base, _server) = serve(|stream| {
        thread::sleep(Duration::from_secs(20));
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{GOOD}",
            GOOD.len()
        );
    });
    let policy = FetchPolicy {
        timeout: Duration::from_secs(1),
        ..policy()
    };
    let e = fetch(&format!("{base}/client/v4/ips"), &policy).unwrap_err();
    assert!(e.is_timeout(), "{e:#}");
}

/// Runs [`fetch_in_child`] in a child process whose environment names `proxy` as the HTTP
/// proxy (the environment is process-wide, so not in this one); whether the child asks
/// for the proxy is `use_env_proxy`. Returns which server got the request.
fn fetch_with_proxy_env(use_env_proxy: bool) -> (bool, bool) {
    let (origin, origin_listener) = listen();
    let (proxy, proxy_listener) = listen();
    origin_listener.set_nonblocking(true).unwrap();
    proxy_listener.set_nonblocking(true).unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "fetch_tests::fetch_in_child", "--ignored"])
        .env("OAC_KIT_CHILD_FETCH_URL", format!("{origin}/client/v4/ips"))
        .env("OAC_KIT_CHILD_USE_ENV_PROXY", use_env_proxy.to_string())
        .env("HTTP_PROXY", &proxy)
        .env("http_proxy", &proxy)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Whoever is connected to first is the one the child chose; the child's fetch then
    // fails (nobody answers), which does not matter here.
    loop {
        if origin_listener.accept().is_ok() {
            let _ = child.kill();
            let _ = child.wait();
            return (true, false);
        }
        if proxy_listener.accept().is_ok() {
            let _ = child.kill();
            let _ = child.wait();
            return (false, true);
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the child fetch ended ({status}) without connecting anywhere");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn env_proxy_is_ignored_unless_asked() {
    assert_eq!(fetch_with_proxy_env(false), (true, false));
}

#[test]
fn env_proxy_is_used_when_asked() {
    assert_eq!(fetch_with_proxy_env(true), (false, true));
}

/// The child half of [`fetch_with_proxy_env`]; does nothing when run on its own.
#[test]
#[ignore = "run by fetch_with_proxy_env in a child process with a proxy environment"]
fn fetch_in_child() {
    let Ok(url) = std::env::var("OAC_KIT_CHILD_FETCH_URL") else {
        return;
    };
    let policy = FetchPolicy {
        timeout: Duration::from_secs(5),
        use_env_proxy: std::env::var("OAC_KIT_CHILD_USE_ENV_PROXY").as_deref() == Ok("true"),
        ..policy()
    };
    let _ = fetch(&url, &policy);
}
