use std::time::Duration;

use super::*;

/// A pump over `frames` (sent, then the channel closed unless `open`), its viewer chunks read.
async fn relay(
    frames: Vec<FunctionFrame>,
    cap: u64,
    bandwidth: Option<Bandwidth>,
) -> Vec<ViewerChunk> {
    let (tx, rx) = mpsc::channel(frames.len().max(1));
    for f in frames {
        tx.send(f).await.unwrap();
    }
    drop(tx);
    run(rx, cap, bandwidth, Decoder::Identity).await
}

async fn run(
    frames: mpsc::Receiver<FunctionFrame>,
    cap: u64,
    bandwidth: Option<Bandwidth>,
    decoder: Decoder,
) -> Vec<ViewerChunk> {
    let (out, mut chunks) = mpsc::channel(64);
    let pump = Pump {
        frames,
        decoder,
        cap: ResponseCap::new(cap),
        bandwidth,
        deadline: Instant::now() + Duration::from_secs(60),
        timeout: Duration::from_secs(60),
        out,
    };
    tokio::spawn(pump.run(b"pre".to_vec()));
    let mut got = Vec::new();
    while let Some(chunk) = chunks.recv().await {
        got.push(chunk);
    }
    got
}

fn data(s: &'static [u8]) -> FunctionFrame {
    FunctionFrame::Data(Bytes::from_static(s))
}

fn chunk(s: &'static [u8]) -> ViewerChunk {
    ViewerChunk::Data(Bytes::from_static(s))
}

#[tokio::test]
async fn chunks_pass_in_order_and_the_stream_ends_whole() {
    let got = relay(vec![data(b"a"), data(b"bc")], 100, None).await;
    assert_eq!(
        got,
        [chunk(b"pre"), chunk(b"a"), chunk(b"bc"), ViewerChunk::End]
    );
}

#[tokio::test]
async fn error_trailers_cut_the_body_naming_the_error() {
    let failed = FunctionFrame::Failed {
        error_type: "Runtime.StreamError".into(),
        error_body: "boom".into(),
    };
    let got = relay(vec![data(b"a"), failed, data(b"never")], 100, None).await;
    assert_eq!(got.len(), 3);
    assert!(
        matches!(&got[2], ViewerChunk::Cut(why) if why.contains("Runtime.StreamError") && why.contains("boom"))
    );
}

#[tokio::test]
async fn a_broken_function_body_cuts_the_viewers() {
    let got = relay(vec![FunctionFrame::Broken("reset".into())], 100, None).await;
    assert!(matches!(got.last(), Some(ViewerChunk::Cut(why)) if why.contains("broke off")));
}

#[tokio::test]
async fn the_cap_cuts_the_chunk_that_crosses_it_and_ends_the_body() {
    let got = relay(vec![data(b"abcdef"), data(b"more")], 6, None).await;
    assert_eq!(got[..2], [chunk(b"pre"), chunk(b"abc")]);
    assert!(matches!(&got[2], ViewerChunk::Cut(why) if why.contains("limit of 6 bytes")));
    assert_eq!(got.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn the_function_timeout_cuts_a_stream_that_runs_on() {
    let (tx, rx) = mpsc::channel(1);
    let (out, mut chunks) = mpsc::channel(4);
    let pump = Pump {
        frames: rx,
        decoder: Decoder::Identity,
        cap: ResponseCap::new(100),
        bandwidth: None,
        deadline: Instant::now() + Duration::from_secs(3),
        timeout: Duration::from_secs(3),
        out,
    };
    tokio::spawn(pump.run(Vec::new()));
    let end = chunks.recv().await.unwrap();
    assert!(
        matches!(&end, ViewerChunk::Cut(why) if why.contains("timed out after 3s")),
        "{end:?}"
    );
    drop(tx);
}

/// The limiter at small scale on tokio's paused clock: a burst of 1,000 bytes, then 1,000
/// bytes a second. Chunks of 500 bytes: the first two go at once, each later one half a second
/// after the one before (virtual time: no wall-clock assertion).
#[tokio::test(start_paused = true)]
async fn after_the_burst_the_limiter_paces_the_stream_at_its_rate() {
    let bandwidth = Bandwidth {
        burst: 1_000,
        bytes_per_second: 1_000,
    };
    let (tx, rx) = mpsc::channel(8);
    for _ in 0..5 {
        tx.send(FunctionFrame::Data(Bytes::from(vec![b'x'; 500])))
            .await
            .unwrap();
    }
    drop(tx);
    let (out, mut chunks) = mpsc::channel(8);
    let pump = Pump {
        frames: rx,
        decoder: Decoder::Identity,
        cap: ResponseCap::new(u64::MAX),
        bandwidth: Some(bandwidth),
        deadline: Instant::now() + Duration::from_secs(60),
        timeout: Duration::from_secs(60),
        out,
    };
    let start = Instant::now();
    tokio::spawn(pump.run(Vec::new()));
    let mut at = Vec::new();
    while let Some(ViewerChunk::Data(_)) = chunks.recv().await {
        at.push(start.elapsed().as_millis());
    }
    assert_eq!(at, [0, 0, 500, 1000, 1500]);
}

/// A function that wrote its whole answer ahead of the pacing is still cut at its timeout: the
/// rate bounds what gets out before then (1,000-byte burst, 1,000 bytes a second, 2 s timeout:
/// the burst and two paced chunks, then the cut).
#[tokio::test(start_paused = true)]
async fn the_timeout_cuts_a_paced_stream_the_function_already_wrote() {
    let (tx, rx) = mpsc::channel(8);
    for _ in 0..8 {
        tx.send(FunctionFrame::Data(Bytes::from(vec![b'x'; 500])))
            .await
            .unwrap();
    }
    drop(tx);
    let (out, mut chunks) = mpsc::channel(16);
    let pump = Pump {
        frames: rx,
        decoder: Decoder::Identity,
        cap: ResponseCap::new(u64::MAX),
        bandwidth: Some(Bandwidth {
            burst: 1_000,
            bytes_per_second: 1_000,
        }),
        deadline: Instant::now() + Duration::from_secs(2),
        timeout: Duration::from_secs(2),
        out,
    };
    tokio::spawn(pump.run(Vec::new()));
    let mut data = 0;
    let end = loop {
        match chunks.recv().await.unwrap() {
            ViewerChunk::Data(d) => data += d.len(),
            end => break end,
        }
    };
    assert_eq!(data, 3_000);
    assert!(
        matches!(&end, ViewerChunk::Cut(why) if why.contains("timed out after 2s")),
        "{end:?}"
    );
}

#[tokio::test]
async fn a_gzip_body_reaches_the_viewer_decoded() {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(b"plain text").unwrap();
    let gz = enc.finish().unwrap();
    let (tx, rx) = mpsc::channel(4);
    let (head, tail) = gz.split_at(gz.len() / 2);
    tx.send(FunctionFrame::Data(Bytes::copy_from_slice(head)))
        .await
        .unwrap();
    tx.send(FunctionFrame::Data(Bytes::copy_from_slice(tail)))
        .await
        .unwrap();
    drop(tx);
    let mut headers = vec![("content-encoding".to_owned(), "gzip".to_owned())];
    let (_, decoder) = super::super::content_encoding::strip(&mut headers);
    let (out, mut chunks) = mpsc::channel(8);
    let pump = Pump {
        frames: rx,
        decoder,
        cap: ResponseCap::new(100),
        bandwidth: None,
        deadline: Instant::now() + Duration::from_secs(60),
        timeout: Duration::from_secs(60),
        out,
    };
    tokio::spawn(pump.run(Vec::new()));
    let mut body = Vec::new();
    loop {
        match chunks.recv().await.unwrap() {
            ViewerChunk::Data(d) => body.extend_from_slice(&d),
            ViewerChunk::End => break,
            ViewerChunk::Cut(why) => panic!("cut: {why}"),
        }
    }
    assert_eq!(body, b"plain text");
}
