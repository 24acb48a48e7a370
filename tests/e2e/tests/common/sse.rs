//! A viewer reading a streamed answer: the next chunk (failing on a stall, never timing), and
//! server-sent-event frames up to the stream's close.

use std::time::{Duration, Instant};

/// How long any single read may wait before the test gives up (a hang, not a timing check).
pub const STALL: Duration = Duration::from_secs(60);

/// The next chunk of `response`, failing the test on a stall.
pub async fn next_chunk(response: &mut reqwest::Response) -> reqwest::Result<Option<bytes::Bytes>> {
    tokio::time::timeout(STALL, response.chunk())
        .await
        .expect("the stream stalled")
}

/// One parsed server-sent-event frame.
#[derive(Debug, Default, Clone)]
pub struct Frame {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: Option<String>,
    pub comment: Option<String>,
    pub retry: Option<String>,
}

pub fn parse_frame(text: &str) -> Frame {
    let mut frame = Frame::default();
    for line in text.lines() {
        if let Some(c) = line.strip_prefix(':') {
            frame.comment = Some(c.trim().to_owned());
        } else if let Some((field, value)) = line.split_once(':') {
            let value = value.strip_prefix(' ').unwrap_or(value).to_owned();
            match field {
                "id" => frame.id = Some(value),
                "event" => frame.event = Some(value),
                "data" => frame.data = Some(value),
                "retry" => frame.retry = Some(value),
                _ => {}
            }
        }
    }
    frame
}

/// Reads SSE frames from `response` until the close frame, calling `seen` on each with the time
/// since `since`; returns every frame in order.
pub async fn read_frames(
    response: &mut reqwest::Response,
    since: Instant,
    mut seen: impl FnMut(&Frame, Duration),
) -> Vec<Frame> {
    let mut buffer = String::new();
    let mut frames = Vec::new();
    while let Some(chunk) = next_chunk(response).await.unwrap() {
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buffer.find("\n\n") {
            let frame = parse_frame(&buffer[..end]);
            buffer.drain(..end + 2);
            seen(&frame, since.elapsed());
            let close = frame.event.as_deref() == Some("close");
            frames.push(frame);
            if close {
                return frames;
            }
        }
    }
    panic!("the stream ended without a close frame: {frames:?}");
}
