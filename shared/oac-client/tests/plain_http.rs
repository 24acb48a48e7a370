//! Plain `http` only to loopback: every case of `fixtures/clients/plain-http-cases.json` (the
//! table the Python and Node.js snippets are tested against too), the typed error, and proof that
//! a refused URL sends nothing.

mod scripted;

use oac_client::Error;
use scripted::builder;
use test_support::recording_listener::RecordingListener;

#[tokio::test]
async fn every_case_of_the_shared_table_gets_its_verdict() {
    let mut wrong = Vec::new();
    for case in test_support::transport_cases::load() {
        let built = builder(&case.url).build().await;
        if built.is_ok() != case.allowed {
            wrong.push(format!("{} ({}): {built:?}", case.url, case.why));
        }
    }
    assert!(wrong.is_empty(), "wrong verdicts:\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn plain_http_to_a_network_host_is_a_plain_http_error_naming_the_host() {
    let err = builder("http://api.example.com/prefix")
        .build()
        .await
        .unwrap_err();
    match &err {
        Error::PlainHttp { host } => assert_eq!(host, "api.example.com"),
        other => panic!("expected PlainHttp, got {other:?}"),
    }
    assert!(err.to_string().contains("use https"), "{err}");
}

#[tokio::test]
async fn plain_http_to_the_unspecified_address_sends_nothing() {
    // Linux connects 0.0.0.0 to this machine: without the rule, the request would reach the
    // listener, identity and all.
    let listener = RecordingListener::start();
    let url = format!("http://0.0.0.0:{}", listener.port());
    let result = async {
        let client = builder(&url).build().await?;
        client.get("/v1/whoami").send().await
    }
    .await;
    assert!(matches!(result, Err(Error::PlainHttp { .. })), "{result:?}");
    assert_eq!(listener.connections(), 0, "nothing reached the listener");
}

#[tokio::test]
async fn plain_http_to_localhost_is_sent() {
    let listener = RecordingListener::start();
    let client = builder(&format!("http://localhost:{}", listener.port()))
        .build()
        .await
        .unwrap();
    client.get("/v1/whoami").send().await.unwrap();
    assert_eq!(listener.request_lines(), ["GET /v1/whoami HTTP/1.1"]);
}
