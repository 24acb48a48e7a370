//! CloudFront passing a streamed origin response on to the viewer as the chunks arrive (it
//! neither buffers nor compresses a response without `Content-Length`), and what the chain's
//! line says of it: bytes, time to first byte, and how it ended. A cut body ends the viewer's
//! connection without the terminating chunk, so the viewer sees a truncated body.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use futures_util::Stream;
use tokio::sync::mpsc;

use crate::http::stream::ViewerChunk;

/// How a streamed response ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEnd {
    /// The whole body, with the terminating chunk.
    Complete,
    /// Cut (the reason); the viewer's connection ended without the terminating chunk.
    Cut(String),
    /// The viewer went away before the end.
    ViewerLeft,
}

/// What the chain's line says of a streamed response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamReport {
    /// Body bytes passed to the viewer.
    pub bytes: u64,
    /// From the request's arrival to the first body byte passed on.
    pub first_byte: Option<Duration>,
    /// From the request's arrival to the end.
    pub total: Duration,
    /// How it ended.
    pub end: StreamEnd,
}

impl StreamReport {
    /// `streamed N bytes, TTFB x ms, y ms` and how it ended, for the chain's line.
    pub fn line(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let ttfb = match self.first_byte {
            Some(d) => format!("TTFB {:.1} ms", ms(d)),
            None => "no body".to_owned(),
        };
        let end = match &self.end {
            StreamEnd::Complete => String::new(),
            StreamEnd::Cut(why) => format!("; cut, the viewer's body truncated: {why}"),
            StreamEnd::ViewerLeft => "; the viewer went away".to_owned(),
        };
        format!(
            "streamed {} bytes, {ttfb}, {:.1} ms{end}",
            self.bytes,
            ms(self.total)
        )
    }
}

/// Where the report goes when the stream ends, and when the request arrived.
pub struct Report {
    /// When the viewer's request arrived.
    pub started: Instant,
    /// Called once, at the end.
    pub sink: Box<dyn FnOnce(StreamReport) + Send>,
}

/// The viewer's body error when a stream is cut.
#[derive(Debug, thiserror::Error)]
#[error("streamed response cut: {0}")]
pub struct StreamCut(String);

/// The viewer's body: each chunk as it arrives.
pub fn body(chunks: mpsc::Receiver<ViewerChunk>, report: Report) -> Body {
    Body::from_stream(Relay {
        chunks,
        bytes: 0,
        first_byte: None,
        report: Some(report),
    })
}

struct Relay {
    chunks: mpsc::Receiver<ViewerChunk>,
    bytes: u64,
    first_byte: Option<Duration>,
    report: Option<Report>,
}

impl Relay {
    fn finish(&mut self, end: StreamEnd) {
        if let Some(report) = self.report.take() {
            (report.sink)(StreamReport {
                bytes: self.bytes,
                first_byte: self.first_byte,
                total: report.started.elapsed(),
                end,
            });
        }
    }
}

impl Stream for Relay {
    type Item = Result<Bytes, StreamCut>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(started) = self.report.as_ref().map(|r| r.started) else {
            return Poll::Ready(None);
        };
        let cut = match std::task::ready!(self.chunks.poll_recv(cx)) {
            Some(ViewerChunk::Data(data)) => {
                if self.first_byte.is_none() {
                    self.first_byte = Some(started.elapsed());
                }
                self.bytes += data.len() as u64;
                return Poll::Ready(Some(Ok(data)));
            }
            Some(ViewerChunk::End) => {
                self.finish(StreamEnd::Complete);
                return Poll::Ready(None);
            }
            Some(ViewerChunk::Cut(why)) => why,
            None => "the Function URL stage stopped".to_owned(),
        };
        self.finish(StreamEnd::Cut(cut.clone()));
        Poll::Ready(Some(Err(StreamCut(cut))))
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.finish(StreamEnd::ViewerLeft);
    }
}

#[cfg(test)]
#[path = "viewer_stream_tests.rs"]
mod tests;
