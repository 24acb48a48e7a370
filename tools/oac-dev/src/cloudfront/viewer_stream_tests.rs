use std::sync::{Arc, Mutex};

use http_body_util::BodyExt as _;

use super::*;

/// Where a test's stream report lands.
type Seen = Arc<Mutex<Option<StreamReport>>>;

/// The viewer's body over `chunks`, where its report lands, and the sender when kept open.
fn viewer_body(
    chunks: Vec<ViewerChunk>,
    close: bool,
) -> (Body, Seen, Option<mpsc::Sender<ViewerChunk>>) {
    let (tx, rx) = mpsc::channel(chunks.len() + 1);
    for c in chunks {
        tx.try_send(c).unwrap();
    }
    let seen = Arc::new(Mutex::new(None));
    let sink = seen.clone();
    let report = Report {
        started: Instant::now(),
        sink: Box::new(move |r| *sink.lock().unwrap() = Some(r)),
    };
    let keep = (!close).then_some(tx);
    (body(rx, report), seen, keep)
}

#[tokio::test]
async fn a_whole_stream_reaches_the_viewer_and_reports_its_bytes() {
    let (body, seen, _) = viewer_body(
        vec![
            ViewerChunk::Data(Bytes::from_static(b"ab")),
            ViewerChunk::Data(Bytes::from_static(b"c")),
            ViewerChunk::End,
        ],
        true,
    );
    assert_eq!(body.collect().await.unwrap().to_bytes(), "abc");
    let report = seen.lock().unwrap().clone().unwrap();
    assert_eq!((report.bytes, report.end.clone()), (3, StreamEnd::Complete));
    assert!(report.first_byte.is_some());
    assert!(
        report.line().starts_with("streamed 3 bytes, TTFB "),
        "{}",
        report.line()
    );
}

#[tokio::test]
async fn a_cut_stream_is_a_body_error_after_the_bytes_before_it() {
    let (mut body, seen, _) = viewer_body(
        vec![
            ViewerChunk::Data(Bytes::from_static(b"ab")),
            ViewerChunk::Cut("function error X mid-stream".into()),
        ],
        true,
    );
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(first, "ab");
    assert!(body.frame().await.unwrap().is_err());
    let report = seen.lock().unwrap().clone().unwrap();
    assert_eq!(
        report.end,
        StreamEnd::Cut("function error X mid-stream".into())
    );
    assert!(
        report.line().contains("truncated: function error X"),
        "{}",
        report.line()
    );
}

#[tokio::test]
async fn a_stream_whose_sender_vanished_is_cut() {
    let (body, seen, _) = viewer_body(vec![ViewerChunk::Data(Bytes::from_static(b"a"))], true);
    assert!(body.collect().await.is_err());
    assert!(matches!(
        seen.lock().unwrap().clone().unwrap().end,
        StreamEnd::Cut(_)
    ));
}

#[tokio::test]
async fn a_viewer_that_leaves_is_reported() {
    let (body, seen, _sender) =
        viewer_body(vec![ViewerChunk::Data(Bytes::from_static(b"a"))], false);
    drop(body);
    let report = seen.lock().unwrap().clone().unwrap();
    assert_eq!(
        (report.bytes, report.first_byte, report.end.clone()),
        (0, None, StreamEnd::ViewerLeft)
    );
    let line = report.line();
    assert!(
        line.contains("no body") && line.ends_with("; the viewer went away"),
        "{line}"
    );
}
