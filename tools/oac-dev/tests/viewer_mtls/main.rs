//! The oac-dev binary with CloudFront's viewer mTLS, over loopback: the zone's certificate
//! passes (through the local Cloudflare side and directly, HTTP/1.1 and HTTP/2); no certificate,
//! another CA's, an expired one and an unlisted serial are refused at the handshake with a TLS
//! alert and named in the log; a serial removed from the KeyValueStore's state file is refused
//! without a restart; renewal keeps both certificates valid during the switch;
//! IgnoreCertificateExpiry lets an expired but listed certificate through; a Connection Function
//! that throws or never answers refuses. Needs Node.js (`OAC_KIT_NODE`, else `node`).

mod client;
mod pki;
mod world;

use std::process::Command;

use client::{Answer, get_http1, get_http2};
use rustls::AlertDescription;
use world::{LIMIT, Options, World};

fn ok(protocol: &str) -> Answer {
    Answer::Status(200, protocol.into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_zone_certificate_passes_through_the_cloudflare_side_and_directly() {
    let world = World::start(Options::default());
    let seen = world.chain.log().len();
    let response = reqwest::Client::builder()
        .timeout(LIMIT)
        .build()
        .unwrap()
        .get(format!("http://{}/health", world.cloudflare))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    let line = world
        .chain
        .wait_for_log("allowed by the Connection Function", seen, LIMIT);
    assert!(
        line.contains(&format!("serial {}", world.zone.serial)),
        "{line}"
    );

    let direct = get_http1(world.chain.address, &world.server_cert, Some(&world.zone)).await;
    assert_eq!(direct, ok("http/1.1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_works_over_the_mtls_listener() {
    let world = World::start(Options::default());
    let answer = get_http2(world.chain.address, &world.server_cert, &world.zone).await;
    assert_eq!(answer, ok("h2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_certificate_is_refused_at_the_handshake() {
    let world = World::start(Options::default());
    let seen = world.chain.log().len();
    let answer = get_http1(world.chain.address, &world.server_cert, None).await;
    assert_eq!(answer, Answer::Alert(AlertDescription::CertificateRequired));
    world.refusal(seen, "no client certificate");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_from_another_ca_is_refused_at_the_handshake() {
    let world = World::start(Options::default());
    let other = pki::Ca::new(world.dir.path(), "other-ca");
    let stranger = other.issue(world.dir.path(), "stranger", (-1, 90));
    // Even listed: the standard check comes first, the function never sees it.
    world.relist(&[&world.zone.serial, &stranger.serial]);
    let seen = world.chain.log().len();
    let answer = get_http1(world.chain.address, &world.server_cert, Some(&stranger)).await;
    assert_eq!(answer, Answer::Alert(AlertDescription::UnknownCA));
    world.refusal(seen, "unknown issuer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_certificate_is_refused_at_the_handshake() {
    let world = World::start(Options::default());
    let expired = world.issue("expired", (-100, -10));
    world.relist(&[&world.zone.serial, &expired.serial]);
    let seen = world.chain.log().len();
    let answer = get_http1(world.chain.address, &world.server_cert, Some(&expired)).await;
    assert_eq!(answer, Answer::Alert(AlertDescription::CertificateExpired));
    world.refusal(seen, "certificate expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlisted_serial_is_refused_at_the_handshake() {
    let world = World::start(Options::default());
    let unlisted = world.issue("unlisted", (-1, 90));
    let seen = world.chain.log().len();
    let answer = get_http1(world.chain.address, &world.server_cert, Some(&unlisted)).await;
    assert_eq!(answer, Answer::Alert(AlertDescription::AccessDenied));
    world.refusal(seen, &format!("serial not listed ({})", unlisted.serial));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serial_removed_from_the_store_is_refused_without_a_restart() {
    let world = World::start(Options::default());
    let pid = world.chain.process();
    assert_eq!(
        get_http1(world.chain.address, &world.server_cert, Some(&world.zone)).await,
        ok("http/1.1")
    );
    world.relist(&[]);
    let seen = world.chain.log().len();
    let answer = get_http1(world.chain.address, &world.server_cert, Some(&world.zone)).await;
    assert_eq!(answer, Answer::Alert(AlertDescription::AccessDenied));
    world.refusal(seen, &format!("serial not listed ({})", world.zone.serial));
    // And through the Cloudflare side, which presents that certificate: Cloudflare's 525.
    let status = reqwest::get(format!("http://{}/health", world.cloudflare))
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 525);
    assert!(pid.exists(), "the same oac-dev process answered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewal_keeps_both_certificates_valid_during_the_switch() {
    let world = World::start(Options::default());
    let (old, new) = (&world.zone, world.issue("zone-next", (-1, 180)));
    world.relist(&[&old.serial, &new.serial]);
    for certificate in [old, &new] {
        let answer = get_http1(world.chain.address, &world.server_cert, Some(certificate)).await;
        assert_eq!(
            answer,
            ok("http/1.1"),
            "both listed: {}",
            certificate.serial
        );
    }
    world.relist(&[&new.serial]);
    let seen = world.chain.log().len();
    let answer = get_http1(world.chain.address, &world.server_cert, Some(old)).await;
    assert_eq!(answer, Answer::Alert(AlertDescription::AccessDenied));
    world.refusal(seen, &format!("serial not listed ({})", old.serial));
    let answer = get_http1(world.chain.address, &world.server_cert, Some(&new)).await;
    assert_eq!(answer, ok("http/1.1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignore_certificate_expiry_lets_an_expired_listed_certificate_through() {
    let world = World::start(Options {
        ignore_expiry: true,
        ..Options::default()
    });
    let expired = world.issue("expired", (-100, -10));
    let unlisted = world.issue("expired-unlisted", (-100, -10));
    world.relist(&[&world.zone.serial, &expired.serial]);
    let seen = world.chain.log().len();
    let answer = get_http1(world.chain.address, &world.server_cert, Some(&expired)).await;
    assert_eq!(answer, ok("http/1.1"));
    let line = world
        .chain
        .wait_for_log("allowed by the Connection Function", seen, LIMIT);
    assert!(line.contains("expired: IgnoreCertificateExpiry"), "{line}");
    // It still goes through the function: an expired, unlisted one is refused by it.
    let seen = world.chain.log().len();
    let answer = get_http1(world.chain.address, &world.server_cert, Some(&unlisted)).await;
    assert_eq!(answer, Answer::Alert(AlertDescription::AccessDenied));
    world.refusal(seen, &format!("serial not listed ({})", unlisted.serial));
    // And another CA's stays refused.
    let other = pki::Ca::new(world.dir.path(), "other-ca");
    let stranger = other.issue(world.dir.path(), "stranger", (-100, -10));
    let answer = get_http1(world.chain.address, &world.server_cert, Some(&stranger)).await;
    assert_eq!(answer, Answer::Alert(AlertDescription::UnknownCA));
}

/// Throws for a listed serial and never settles for any other, so one world shows both
/// failures.
const FAILING_FUNCTION: &str = "import cf from 'cloudfront';\n\
async function connectionHandler(connection) {\n\
  const serial = connection.clientCertInfo.serialNumber.replace(/:/g, '').toLowerCase().replace(/^0+/, '');\n\
  if (await cf.kvs().exists(`serial:${serial}`)) throw new Error('the function broke');\n\
  await new Promise(() => {});\n\
}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_that_throws_or_never_answers_refuses_the_handshake() {
    let world = World::start(Options {
        function: Some(FAILING_FUNCTION),
        ..Options::default()
    });
    let seen = world.chain.log().len();
    let answer = get_http1(world.chain.address, &world.server_cert, Some(&world.zone)).await;
    assert_eq!(answer, Answer::Alert(AlertDescription::AccessDenied));
    world.refusal(seen, "Connection Function error (Error: the function broke");
    let unlisted = world.issue("unlisted", (-1, 90));
    let seen = world.chain.log().len();
    let answer = get_http1(world.chain.address, &world.server_cert, Some(&unlisted)).await;
    assert_eq!(answer, Answer::Alert(AlertDescription::AccessDenied));
    world.refusal(seen, "Connection Function timeout");
}

/// `oac-dev ARGS` with a function that needs nothing: its stderr, after it exited non-zero.
fn refused_flags(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_oac-dev"))
        .args(["--listen", "127.0.0.1:0", "--function"])
        .arg(env!("CARGO_BIN_EXE_oac-echo"))
        .args(args)
        .output()
        .unwrap();
    assert!(!output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn mtls_flags_without_a_trust_store_are_refused() {
    let cases: [&[&str]; 3] = [
        &["--viewer-mtls-kvs-file", "kvs.json"],
        &["--viewer-mtls-ignore-certificate-expiry"],
        &[
            "--cloudflare-listen",
            "127.0.0.1:0",
            "--cloudflare-client-cert",
            "c.pem",
            "--cloudflare-client-key",
            "k.pem",
        ],
    ];
    for args in cases {
        let stderr = refused_flags(args);
        assert!(
            stderr.contains("needs viewer mTLS: give --viewer-mtls-trust-store"),
            "{args:?}: {stderr}"
        );
    }
    let stderr = refused_flags(&["--viewer-mtls-trust-store", "ca.pem"]);
    assert!(
        stderr.contains("--viewer-mtls-trust-store needs --viewer-mtls-kvs-file"),
        "{stderr}"
    );
}
