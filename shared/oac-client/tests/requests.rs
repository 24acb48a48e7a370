//! What each request carries: the payload hash of its body, the identity, the default headers;
//! and what the client refuses or keeps out of its `Debug` output.

mod scripted;

use oac_client::{Error, OacClient};
use scripted::{AUDIENCE, Server, client};
use sha2::{Digest, Sha256};

#[tokio::test]
async fn a_request_with_a_body_carries_the_sha256_of_its_exact_bytes() {
    let server = Server::start(vec![]).await;
    let t = client(&server.url(), |b| b).await;
    let body = vec![0xA5u8; 70_000];
    t.client
        .put("/v1/blobs/1")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    let received = &server.received()[0];
    assert_eq!(received.body.as_ref(), body.as_slice());
    assert_eq!(
        received.headers["x-amz-content-sha256"],
        hex::encode(Sha256::digest(&body))
    );
}

#[tokio::test]
async fn a_request_without_a_body_carries_no_payload_hash() {
    let server = Server::start(vec![]).await;
    let t = client(&server.url(), |b| b).await;
    t.client.get("/v1/whoami").send().await.unwrap();
    assert!(
        !server.received()[0]
            .headers
            .contains_key("x-amz-content-sha256")
    );
}

#[tokio::test]
async fn every_request_carries_an_identity_signed_for_the_audience() {
    let server = Server::start(vec![]).await;
    let t = client(&server.url(), |b| b).await;
    t.client.get("/v1/whoami").send().await.unwrap();
    let identity = server.received()[0].identity();
    assert!(identity.starts_with("https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity"));
    assert!(identity.contains("X-Amz-SignedHeaders=host%3Bx-fluid-audience"));
}

#[tokio::test]
async fn default_headers_are_sent_with_every_request() {
    let server = Server::start(vec![]).await;
    let t = client(&server.url(), |b| {
        b.default_header("x-origin-secret", "s3cr3t")
    })
    .await;
    t.client.get("/a").send().await.unwrap();
    t.client.post("/b").body("x").send().await.unwrap();
    for r in server.received() {
        assert_eq!(r.headers["x-origin-secret"], "s3cr3t");
    }
}

#[tokio::test]
async fn a_default_identity_header_is_refused() {
    let err = OacClient::builder("http://127.0.0.1:9", AUDIENCE)
        .region("us-west-2")
        .credentials(aws_credential_types::Credentials::new(
            "AKID", "s", None, None, "t",
        ))
        .default_header("X-Fluid-Identity", "https://sts.amazonaws.com/?forged")
        .build()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
}

#[tokio::test]
async fn a_payload_hash_set_by_the_caller_is_refused() {
    let server = Server::start(vec![]).await;
    let t = client(&server.url(), |b| b).await;
    let err = t
        .client
        .post("/a")
        .header("x-amz-content-sha256", "0".repeat(64).as_str())
        .body("x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    assert_eq!(server.attempts(), 0);
}

#[tokio::test]
async fn a_base_url_with_userinfo_is_refused() {
    let err = OacClient::builder("https://user:pw@api.example.com", AUDIENCE)
        .region("us-west-2")
        .credentials(aws_credential_types::Credentials::new(
            "AKID", "s", None, None, "t",
        ))
        .build()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
}

#[tokio::test]
async fn a_redirect_is_returned_not_followed() {
    let server = Server::start(vec![
        scripted::Scripted::status(307).header("location", "http://127.0.0.1:9/elsewhere"),
    ])
    .await;
    let t = client(&server.url(), |b| b).await;
    let response = t.client.get("/a").send().await.unwrap();
    assert_eq!(response.status, 307);
    assert_eq!(server.attempts(), 1);
}

#[tokio::test]
async fn debug_output_shows_neither_the_identity_nor_default_header_values() {
    let server = Server::start(vec![]).await;
    let t = client(&server.url(), |b| {
        b.default_header("x-origin-secret", "s3cr3t")
    })
    .await;
    let identity = t.client.identity().await.unwrap();
    let value = identity.header_value().to_str().unwrap().to_owned();
    let signature = value.rsplit_once("X-Amz-Signature=").unwrap().1.to_owned();
    let request = t.client.get("/a").header("x-team", "payments");
    for text in [
        format!("{:?}", t.client),
        format!("{identity:?}"),
        format!("{request:?}"),
    ] {
        assert!(!text.contains(&signature), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
    }
}
