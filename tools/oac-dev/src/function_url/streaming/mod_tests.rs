use axum::body::Bytes;

use super::*;
use crate::http::stream::ViewerChunk;

fn rules() -> StreamRules {
    StreamRules {
        bandwidth: None,
        cap: limits::RESPONSE_CAP,
        timeout: Duration::from_secs(5),
        deadline: Instant::now() + Duration::from_secs(5),
    }
}

/// A streamed answer of `content_type` whose frames are `parts`, then the end.
fn streamed(content_type: Option<&str>, parts: &[&[u8]]) -> FunctionAnswer {
    let (tx, rx) = mpsc::channel(parts.len().max(1));
    for p in parts {
        tx.try_send(FunctionFrame::Data(Bytes::copy_from_slice(p)))
            .unwrap();
    }
    FunctionAnswer::Streamed(FunctionStream {
        content_type: content_type.map(str::to_owned),
        frames: rx,
    })
}

async fn body_of(response: StreamedResponse) -> (Vec<u8>, ViewerChunk) {
    let mut rx = response.body;
    let mut body = Vec::new();
    loop {
        match rx.recv().await.expect("an end") {
            ViewerChunk::Data(d) => body.extend_from_slice(&d),
            end => return (body, end),
        }
    }
}

fn stream_of(answer: UrlAnswer) -> StreamedResponse {
    match answer.response {
        OriginResponse::Streamed(s) => s,
        OriginResponse::Buffered(r) => panic!("buffered: {r:?}"),
    }
}

#[tokio::test]
async fn an_integration_response_gives_the_preludes_status_headers_and_cookies() {
    let answer = streamed(
        Some(HTTP_INTEGRATION_RESPONSE),
        &[br#"{"statusCode":202,"headers":{"content-type":"text/plain"},"cookies":["a=1","b=2"]}"#, &[0; 8], b"body"],
    );
    let response = stream_of(response_stream(answer, rules()).await.unwrap());
    assert_eq!(response.status, 202);
    assert_eq!(
        response.headers,
        [
            ("content-type".to_owned(), "text/plain".to_owned()),
            ("set-cookie".to_owned(), "a=1".to_owned()),
            ("set-cookie".to_owned(), "b=2".to_owned()),
        ]
    );
    assert_eq!(
        body_of(response).await,
        (b"body".to_vec(), ViewerChunk::End)
    );
}

#[tokio::test]
async fn gzip_from_the_function_is_stripped_and_noted() {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(b"unzipped").unwrap();
    let gz = enc.finish().unwrap();
    let answer = streamed(
        Some(HTTP_INTEGRATION_RESPONSE),
        &[
            br#"{"statusCode":200,"headers":{"content-encoding":"gzip"}}"#,
            &[0; 8],
            &gz,
        ],
    );
    let answered = response_stream(answer, rules()).await.unwrap();
    assert!(
        answered.notes[0].contains("content-encoding gzip removed"),
        "{:?}",
        answered.notes
    );
    let response = stream_of(answered);
    assert!(response.headers.is_empty(), "{:?}", response.headers);
    assert_eq!(body_of(response).await.0, b"unzipped");
}

#[tokio::test]
async fn a_stream_without_a_prelude_is_a_200_of_the_runtimes_content_type() {
    let answer = streamed(Some("text/csv"), &[b"a,b\n"]);
    let response = stream_of(response_stream(answer, rules()).await.unwrap());
    assert_eq!(response.status, 200);
    assert_eq!(
        response.headers,
        [("content-type".to_owned(), "text/csv".to_owned())]
    );
    assert_eq!(body_of(response).await.0, b"a,b\n");
}

#[tokio::test]
async fn a_prelude_refused_is_a_502_with_the_cause_logged() {
    let answer = streamed(Some(HTTP_INTEGRATION_RESPONSE), &[b"[]", &[0; 8]]);
    let early = response_stream(answer, rules()).await.unwrap_err();
    assert_eq!(early.response.status, 502);
    assert!(early.log.contains("not a JSON object"), "{}", early.log);
}

#[tokio::test]
async fn a_stream_that_ends_before_the_delimiter_is_a_502() {
    let answer = streamed(Some(HTTP_INTEGRATION_RESPONSE), &[br#"{"statusCode":200}"#]);
    let early = response_stream(answer, rules()).await.unwrap_err();
    assert_eq!(early.response.status, 502);
    assert!(
        early.log.contains("ended before the prelude delimiter"),
        "{}",
        early.log
    );
}

#[tokio::test]
async fn error_trailers_before_the_prelude_are_a_502() {
    let (tx, rx) = mpsc::channel(1);
    tx.try_send(FunctionFrame::Failed {
        error_type: "Runtime.StreamError".into(),
        error_body: "early".into(),
    })
    .unwrap();
    let answer = FunctionAnswer::Streamed(FunctionStream {
        content_type: Some(HTTP_INTEGRATION_RESPONSE.into()),
        frames: rx,
    });
    let early = response_stream(answer, rules()).await.unwrap_err();
    assert_eq!(early.response.status, 502);
    assert!(
        early.log.contains("Runtime.StreamError before its prelude"),
        "{}",
        early.log
    );
}

#[tokio::test(start_paused = true)]
async fn no_prelude_before_the_timeout_is_a_504() {
    let (_tx, rx) = mpsc::channel(1);
    let answer = FunctionAnswer::Streamed(FunctionStream {
        content_type: Some(HTTP_INTEGRATION_RESPONSE.into()),
        frames: rx,
    });
    let early = response_stream(answer, rules()).await.unwrap_err();
    assert_eq!(early.response.status, 504);
}

#[tokio::test]
async fn a_buffered_answer_behind_a_response_stream_url_is_its_payload_as_a_200_json_body() {
    let payload = br#"{"statusCode":404,"body":"x"}"#;
    let answered = response_stream(
        FunctionAnswer::Buffered(Bytes::from_static(payload)),
        rules(),
    )
    .await
    .unwrap();
    assert!(
        answered.notes[0].contains("invoke mode mismatch"),
        "{:?}",
        answered.notes
    );
    let OriginResponse::Buffered(response) = answered.response else {
        panic!("a buffered response");
    };
    assert_eq!(
        (response.status, response.body.as_slice()),
        (200, &payload[..])
    );
    assert_eq!(
        response.headers,
        [("content-type".to_owned(), "application/json".to_owned())]
    );
}

#[tokio::test]
async fn a_stream_behind_a_buffered_url_is_a_200_with_an_empty_body() {
    let answer = streamed(
        Some(HTTP_INTEGRATION_RESPONSE),
        &[br#"{"statusCode":404}"#, &[0; 8], b"lost"],
    );
    let answered = buffered(answer, Instant::now() + Duration::from_secs(5)).await;
    assert!(
        answered.notes[0].contains("streamed behind a BUFFERED URL"),
        "{:?}",
        answered.notes
    );
    let OriginResponse::Buffered(response) = answered.response else {
        panic!("a buffered response");
    };
    assert_eq!((response.status, response.body.len()), (200, 0));
}

#[tokio::test]
async fn a_buffered_url_maps_a_buffered_answer_as_before() {
    let answer = FunctionAnswer::Buffered(Bytes::from_static(br#"{"statusCode":201,"body":"hi"}"#));
    let answered = buffered(answer, Instant::now()).await;
    assert!(answered.notes.is_empty());
    let OriginResponse::Buffered(response) = answered.response else {
        panic!("a buffered response");
    };
    assert_eq!(
        (response.status, response.body.as_slice()),
        (201, &b"hi"[..])
    );
}
