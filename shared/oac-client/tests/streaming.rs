//! `send_streaming`: the body handed out chunk by chunk as it arrives, under the cap; retries
//! only before the head is handed out; an error answer read and typed. Loopback servers whose
//! pace the test sets stand for the API, so ordering is shown without timing anything.

mod scripted;

use oac_client::Error;
use scripted::{Scripted, Server, client};
use test_support::paced_listener::{CHUNKED, PacedListener};

#[tokio::test]
async fn the_first_chunk_arrives_before_the_server_has_finished() {
    let server = PacedListener::start(CHUNKED);
    server.send_chunk(b"data: first\n\n");
    let t = client(&server.url(), |b| b).await;
    let mut stream = t
        .client
        .get("/v1/audit-events/stream")
        .send_streaming()
        .await
        .unwrap();
    assert_eq!(stream.status, 200);
    // The server sends the rest only after this: the chunk came while it was still running.
    let first = stream.next_chunk().await.unwrap().unwrap();
    assert_eq!(first.as_ref(), b"data: first\n\n");
    server.send_chunk(b"data: second\n\n");
    server.end_chunks();
    let second = stream.next_chunk().await.unwrap().unwrap();
    assert_eq!(second.as_ref(), b"data: second\n\n");
    assert_eq!(stream.next_chunk().await.unwrap(), None);
    assert_eq!(stream.bytes_read(), 27);
}

#[tokio::test]
async fn a_streamed_body_stops_at_the_chunk_that_passes_the_cap() {
    let server = PacedListener::start(CHUNKED);
    server.send_chunk(b"123456");
    server.send_chunk(b"789012");
    server.end_chunks();
    let t = client(&server.url(), |b| b.max_response_bytes(10)).await;
    let mut stream = t.client.get("/v1/export").send_streaming().await.unwrap();
    assert_eq!(stream.max_bytes(), 10);
    assert_eq!(
        stream.next_chunk().await.unwrap().unwrap().as_ref(),
        b"123456"
    );
    let err = stream.next_chunk().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 10,
                read: 12
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        stream.bytes_read(),
        6,
        "the refused chunk was not handed out"
    );
}

#[tokio::test]
async fn a_stream_cut_midway_is_a_transport_error_and_is_not_retried() {
    let server = PacedListener::start(CHUNKED);
    server.send_chunk(b"{\"id\":1}\n");
    server.close(); // no last chunk: the way a function failing mid-stream ends it
    let t = client(&server.url(), |b| b).await;
    let mut stream = t.client.get("/v1/export").send_streaming().await.unwrap();
    assert!(stream.next_chunk().await.unwrap().is_some());
    let err = stream.next_chunk().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(
        server.connections(),
        1,
        "a body handed out is never retried"
    );
}

#[tokio::test]
async fn a_transient_answer_is_retried_before_the_stream_is_handed_out() {
    let server = Server::start(vec![Scripted::status(503)]).await;
    let t = client(&server.url(), |b| b).await;
    let stream = t.client.get("/v1/export").send_streaming().await.unwrap();
    assert_eq!(stream.status, 200);
    assert_eq!(stream.read_to_end().await.unwrap().body.as_ref(), b"ok");
    assert_eq!(server.attempts(), 2);
}

#[tokio::test]
async fn an_error_answer_is_read_and_typed() {
    let server = Server::start(vec![Scripted::problem(501, "streaming-unavailable")]).await;
    let t = client(&server.url(), |b| b).await;
    let err = t
        .client
        .get("/v1/audit-events/stream")
        .send_streaming()
        .await
        .unwrap_err();
    let Error::Problem {
        status, problem, ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(status, 501);
    assert_eq!(problem.slug(), Some("streaming-unavailable"));
}

#[tokio::test]
async fn send_streaming_raw_hands_out_an_error_answer_as_it_is() {
    let server = Server::start(vec![Scripted::problem(404, "not-found")]).await;
    let t = client(&server.url(), |b| b).await;
    let stream = t
        .client
        .get("/v1/nothing")
        .send_streaming_raw()
        .await
        .unwrap();
    assert_eq!(stream.status, 404);
    let body = stream.read_to_end().await.unwrap().body;
    assert!(body.starts_with(b"{\"type\""), "{body:?}");
}
