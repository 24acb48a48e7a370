//! Hands a streamed body from the function to the viewer as it arrives: decoded when the URL
//! strips its coding, counted against the 200 MB cap, paced by Lambda's bandwidth after the burst,
//! and cut — the viewer's connection ended without the terminating chunk — when the function
//! reports an error in its trailers, breaks off, or runs past its timeout.

use std::time::Duration;

use axum::body::Bytes;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::content_encoding::Decoder;
use super::limits::{Admit, Bandwidth, ResponseCap};
use crate::http::stream::{FunctionFrame, ViewerChunk};

/// One stream's relay.
pub struct Pump {
    /// The function's frames, after the prelude.
    pub frames: mpsc::Receiver<FunctionFrame>,
    /// Decodes the body when the URL strips its `content-encoding`.
    pub decoder: Decoder,
    /// The 200 MB cap.
    pub cap: ResponseCap,
    /// Lambda's bandwidth (`None`: unpaced).
    pub bandwidth: Option<Bandwidth>,
    /// When the function's timeout ends the stream.
    pub deadline: Instant,
    /// The function's timeout, for the log.
    pub timeout: Duration,
    /// Where the viewer's chunks go.
    pub out: mpsc::Sender<ViewerChunk>,
}

impl Pump {
    /// Relays the stream to its end, starting with `first` (body bytes that came with the
    /// prelude), then sends the end: [`ViewerChunk::End`] or why it was cut.
    pub async fn run(mut self, first: Vec<u8>) {
        let end = self.relay(first).await;
        let _ = self.out.send(end).await;
    }

    async fn relay(&mut self, first: Vec<u8>) -> ViewerChunk {
        let started = Instant::now();
        if let Some(end) = self.pass(&first, started).await {
            return end;
        }
        loop {
            let frame = match tokio::time::timeout_at(self.deadline, self.frames.recv()).await {
                Err(_) => return self.timed_out(),
                Ok(None) => break,
                Ok(Some(frame)) => frame,
            };
            match frame {
                FunctionFrame::Data(data) => {
                    if let Some(end) = self.pass(&data, started).await {
                        return end;
                    }
                }
                FunctionFrame::Failed {
                    error_type,
                    error_body,
                } => {
                    return ViewerChunk::Cut(format!(
                        "function error {error_type} mid-stream ({error_body})"
                    ));
                }
                FunctionFrame::Broken(why) => {
                    return ViewerChunk::Cut(format!("the function's response broke off ({why})"));
                }
            }
        }
        match std::mem::replace(&mut self.decoder, Decoder::Identity).finish() {
            Ok(rest) if rest.is_empty() => ViewerChunk::End,
            Ok(rest) => match self.out.send(ViewerChunk::Data(rest.into())).await {
                Ok(()) => ViewerChunk::End,
                Err(_) => viewer_gone(),
            },
            Err(e) => ViewerChunk::Cut(format!("the body does not decode: {e}")),
        }
    }

    /// The cut at the function's timeout.
    fn timed_out(&self) -> ViewerChunk {
        ViewerChunk::Cut(format!(
            "the function timed out after {:?} mid-stream",
            self.timeout
        ))
    }

    /// Passes one chunk on; `Some(end)` when the stream stops here.
    async fn pass(&mut self, bytes: &[u8], started: Instant) -> Option<ViewerChunk> {
        if bytes.is_empty() {
            return None;
        }
        let admitted = match self.cap.admit(bytes.len()) {
            Admit::All => bytes,
            Admit::Part(n) => &bytes[..n],
        };
        if let Some(bandwidth) = self.bandwidth {
            // Lambda's pacing holds the function's writes back, so the timeout bounds what gets
            // out at that rate, however far ahead the function has written (here: buffered).
            let at = started + bandwidth.earliest(self.cap.sent());
            if at > self.deadline {
                tokio::time::sleep_until(self.deadline).await;
                return Some(self.timed_out());
            }
            tokio::time::sleep_until(at).await;
        }
        let decoded = match self.decoder.feed(admitted) {
            Ok(decoded) => decoded,
            Err(e) => return Some(ViewerChunk::Cut(format!("the body does not decode: {e}"))),
        };
        if !decoded.is_empty()
            && self
                .out
                .send(ViewerChunk::Data(Bytes::from(decoded)))
                .await
                .is_err()
        {
            return Some(viewer_gone());
        }
        (admitted.len() < bytes.len()).then(|| {
            ViewerChunk::Cut(format!(
                "response cut at the streaming limit of {} bytes",
                self.cap.sent()
            ))
        })
    }
}

fn viewer_gone() -> ViewerChunk {
    ViewerChunk::Cut("the viewer went away".into())
}

#[cfg(test)]
#[path = "pump_tests.rs"]
mod tests;
