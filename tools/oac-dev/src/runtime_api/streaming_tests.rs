use axum::http::HeaderValue;
use http_body::Frame;
use http_body_util::StreamBody;

use super::*;

fn trailers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

#[test]
fn the_response_mode_header_makes_a_stream() {
    let mut headers = HeaderMap::new();
    assert!(!is_streaming(&headers));
    headers.insert(RESPONSE_MODE, HeaderValue::from_static("streaming"));
    assert!(is_streaming(&headers));
}

#[test]
fn error_trailers_name_the_error_and_decode_its_body() {
    let t = trailers(&[
        (ERROR_TYPE_TRAILER, "Runtime.StreamError"),
        (ERROR_BODY_TRAILER, &STANDARD.encode("boom")),
    ]);
    assert_eq!(
        failure(&t),
        Some(FunctionFrame::Failed {
            error_type: "Runtime.StreamError".into(),
            error_body: "boom".into(),
        })
    );
}

#[test]
fn an_error_body_that_is_not_base64_is_kept_as_sent() {
    let t = trailers(&[
        (ERROR_TYPE_TRAILER, "E"),
        (ERROR_BODY_TRAILER, "not base64!"),
    ]);
    assert!(
        matches!(failure(&t), Some(FunctionFrame::Failed { error_body, .. }) if error_body == "not base64!")
    );
}

#[test]
fn trailers_without_an_error_type_are_no_failure() {
    assert_eq!(failure(&trailers(&[("x-other", "1")])), None);
}

fn body_of(frames: Vec<Result<Frame<Bytes>, std::io::Error>>) -> Body {
    Body::new(StreamBody::new(futures_util::stream::iter(frames)))
}

async fn forwarded(body: Body) -> Vec<FunctionFrame> {
    let (tx, mut rx) = mpsc::channel(8);
    forward(body, tx).await;
    let mut out = Vec::new();
    while let Some(frame) = rx.recv().await {
        out.push(frame);
    }
    out
}

#[tokio::test]
async fn data_then_error_trailers_are_handed_on_in_order() {
    let t = trailers(&[
        (ERROR_TYPE_TRAILER, "Custom.Failure"),
        (ERROR_BODY_TRAILER, ""),
    ]);
    let frames = forwarded(body_of(vec![
        Ok(Frame::data(Bytes::from_static(b"ab"))),
        Ok(Frame::trailers(t)),
    ]))
    .await;
    assert_eq!(
        frames,
        [
            FunctionFrame::Data(Bytes::from_static(b"ab")),
            FunctionFrame::Failed {
                error_type: "Custom.Failure".into(),
                error_body: String::new(),
            },
        ]
    );
}

#[tokio::test]
async fn a_body_that_breaks_off_is_a_broken_frame() {
    let frames = forwarded(body_of(vec![
        Ok(Frame::data(Bytes::from_static(b"ab"))),
        Err(std::io::Error::other("connection reset")),
    ]))
    .await;
    assert!(matches!(
        frames.as_slice(),
        [FunctionFrame::Data(_), FunctionFrame::Broken(_)]
    ));
}

#[tokio::test]
async fn a_stream_read_whole_is_its_bytes_or_its_error() {
    let (tx, rx) = mpsc::channel(4);
    tx.send(FunctionFrame::Data(Bytes::from_static(b"x")))
        .await
        .unwrap();
    drop(tx);
    let stream = |rx| FunctionStream {
        content_type: None,
        frames: rx,
    };
    assert_eq!(collect(stream(rx)).await.unwrap(), Bytes::from_static(b"x"));
    let (tx, rx) = mpsc::channel(4);
    tx.send(FunctionFrame::Broken("eof".into())).await.unwrap();
    drop(tx);
    assert!(matches!(
        collect(stream(rx)).await,
        Err(InvokeError::Function { error_type, .. }) if error_type == "Runtime.TruncatedResponse"
    ));
}
