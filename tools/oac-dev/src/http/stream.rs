//! The plain types a streamed answer travels in: from the Runtime API to the Function URL (what
//! the function posted, frame by frame) and from the Function URL to CloudFront (what the viewer
//! gets, chunk by chunk). Both are bounded channels, so a slow viewer slows the function down
//! instead of the chain buffering the whole body.

use axum::body::Bytes;
use tokio::sync::mpsc;

use super::HttpResponse;

/// Frames in flight between two stages (each at most one chunk as the function wrote it).
pub const CHANNEL_FRAMES: usize = 16;

/// One frame of a function's streamed response as the Runtime API received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FunctionFrame {
    /// Body bytes, the prelude included (the Runtime API does not read the body).
    Data(Bytes),
    /// The trailers `Lambda-Runtime-Function-Error-Type` / `-Error-Body`: the function failed
    /// after its response had started.
    Failed {
        /// `Lambda-Runtime-Function-Error-Type`.
        error_type: String,
        /// `Lambda-Runtime-Function-Error-Body`, base64-decoded (as sent if it was not base64).
        error_body: String,
    },
    /// The response body broke off: the function's connection ended mid-body (it crashed).
    Broken(String),
}

/// A streamed answer (`Lambda-Runtime-Function-Response-Mode: streaming`): Runtime API →
/// Function URL. The channel closing after the last frame is the normal end.
#[derive(Debug)]
pub struct FunctionStream {
    /// The `Content-Type` the runtime posted with
    /// (`application/vnd.awslambda.http-integration-response` for an HTTP answer with a prelude).
    pub content_type: Option<String>,
    /// The frames, in order.
    pub frames: mpsc::Receiver<FunctionFrame>,
}

/// What an invocation produced: a buffered payload or a stream.
#[derive(Debug)]
pub enum FunctionAnswer {
    /// The whole payload, posted at once.
    Buffered(Bytes),
    /// A response streamed as the function writes it.
    Streamed(FunctionStream),
}

/// One item of a streamed response on its way to the viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewerChunk {
    /// Body bytes.
    Data(Bytes),
    /// The body is complete: the viewer gets the terminating chunk.
    End,
    /// The body is cut here: the viewer's connection ends without the terminating chunk. Says
    /// why, for the log.
    Cut(String),
}

/// A response whose status and headers are known and whose body is still arriving.
#[derive(Debug)]
pub struct StreamedResponse {
    /// Status code.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body; a channel closed without [`ViewerChunk::End`] is a cut body.
    pub body: mpsc::Receiver<ViewerChunk>,
}

/// What the origin answered: a whole response, or one that streams.
#[derive(Debug)]
pub enum OriginResponse {
    /// The whole response.
    Buffered(HttpResponse),
    /// A streamed response.
    Streamed(StreamedResponse),
}

impl OriginResponse {
    /// Its status code.
    pub fn status(&self) -> u16 {
        match self {
            Self::Buffered(r) => r.status,
            Self::Streamed(r) => r.status,
        }
    }
}

impl From<HttpResponse> for OriginResponse {
    fn from(response: HttpResponse) -> Self {
        Self::Buffered(response)
    }
}
