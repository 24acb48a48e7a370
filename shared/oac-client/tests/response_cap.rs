//! The response-size cap, enforced while reading: a body past it is refused at the chunk that
//! passes it, one whose `content-length` says so before a byte is read, one exactly at it is
//! read whole. Loopback servers stand for the API; nothing waits on a clock.

mod scripted;

use oac_client::{DEFAULT_MAX_RESPONSE_BYTES, Error};
use scripted::client;
use test_support::paced_listener::{CHUNKED, PacedListener, with_length};

const MIB: usize = 1024 * 1024;

/// `(limit, read)` of a [`Error::ResponseTooLarge`].
fn too_large<T: std::fmt::Debug>(result: Result<T, Error>) -> (u64, u64) {
    match result {
        Err(Error::ResponseTooLarge { limit, read }) => (limit, read),
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn a_chunked_body_past_the_cap_is_refused_while_reading() {
    let server = PacedListener::start(CHUNKED);
    for _ in 0..32 {
        server.send_chunk(&[7u8; 64 * 1024]); // 2 MiB in all
    }
    server.end_chunks();
    let t = client(&server.url(), |b| b.max_response_bytes(MIB as u64)).await;
    let (limit, read) = too_large(t.client.get("/v1/audit-events/export").send().await);
    assert_eq!(limit, MIB as u64);
    assert!(
        read > limit,
        "stopped at the chunk that passed the cap: {read}"
    );
    assert!(read < 2 * MIB as u64, "not read to the end: {read}");
}

#[tokio::test]
async fn a_content_length_above_the_cap_is_refused_before_the_body_is_read() {
    // The server announces 2 MiB and sends none of it: only an early refusal returns.
    let server = PacedListener::start(&with_length(2 * MIB as u64));
    let t = client(&server.url(), |b| b.max_response_bytes(MIB as u64)).await;
    let result = t.client.get("/v1/blob").send().await;
    assert_eq!(too_large(result), (MIB as u64, 0));
}

#[tokio::test]
async fn the_default_cap_is_64_mib() {
    assert_eq!(DEFAULT_MAX_RESPONSE_BYTES, 64 * MIB as u64);
    let server = PacedListener::start(&with_length(DEFAULT_MAX_RESPONSE_BYTES + 1));
    let t = client(&server.url(), |b| b).await;
    let result = t.client.get("/v1/blob").send().await;
    assert_eq!(too_large(result), (DEFAULT_MAX_RESPONSE_BYTES, 0));
}

#[tokio::test]
async fn a_body_of_exactly_the_cap_with_its_length_is_read_whole() {
    let server = PacedListener::start(&with_length(1000));
    server.send(vec![b'x'; 1000]);
    let t = client(&server.url(), |b| b.max_response_bytes(1000)).await;
    let response = t.client.get("/v1/blob").send().await.unwrap();
    assert_eq!(response.body.len(), 1000);
}

#[tokio::test]
async fn a_chunked_body_of_exactly_the_cap_is_read_whole() {
    let server = PacedListener::start(CHUNKED);
    server.send_chunk(&[b'a'; 600]);
    server.send_chunk(&[b'b'; 400]);
    server.end_chunks();
    let t = client(&server.url(), |b| b.max_response_bytes(1000)).await;
    let response = t.client.get("/v1/blob").send().await.unwrap();
    assert_eq!(response.body.len(), 1000);
    assert!(response.body.starts_with(b"aaa") && response.body.ends_with(b"bbb"));
}

#[tokio::test]
async fn a_refused_answer_is_not_retried() {
    let server = PacedListener::start(&with_length(2 * MIB as u64));
    let t = client(&server.url(), |b| b.max_response_bytes(MIB as u64)).await;
    too_large(t.client.get("/v1/blob").send().await);
    assert_eq!(
        server.connections(),
        1,
        "the same GET would get the same answer"
    );
    assert!(t.sleep.waits().is_empty());
}

#[tokio::test]
async fn the_error_names_the_cap_and_the_way_out() {
    let server = PacedListener::start(&with_length(2048));
    let t = client(&server.url(), |b| b.max_response_bytes(1024)).await;
    let err = t.client.get("/v1/blob").send().await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("1024-byte cap"), "{text}");
    assert!(text.contains("max_response_bytes"), "{text}");
}
