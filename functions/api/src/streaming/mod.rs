//! The two streamed routes (issue 20), answered through Lambda's response streaming when
//! `API_INVOKE_MODE=response_stream` (and as ordinary streamed bodies on loopback):
//!
//! - [`export`]: `GET /v1/audit-events/export`, the whole log as NDJSON, one store page in
//!   memory at a time;
//! - [`sse`]: `GET /v1/audit-events/stream`, appended events as server-sent events.
//!
//! Both are identity-gated like the list and answer 501 `streaming-unavailable` when the
//! function answers buffered (an export would break at Lambda's 6 MB payload limit, and a buffered
//! event stream would arrive in one piece when it closes). Their bodies never carry an `Err`:
//! `lambda_runtime` 1.5 writes an error item into the body as text instead of sending the error
//! trailers, so each format ends itself in-band ([`framing`]). Neither route (nor any other)
//! compresses or sets `Content-Encoding` (docs/api.md, "Streaming").

pub mod export;
pub mod framing;
pub mod sse;

use problem_details::Problem;

use crate::error::ApiError;

/// The export's media type.
pub const NDJSON: &str = "application/x-ndjson";
/// The event stream's media type.
pub const EVENT_STREAM: &str = "text/event-stream";

/// The problem a streamed body ends with when the store fails part way.
fn storage_unavailable() -> Problem {
    ApiError::StorageUnavailable.to_problem()
}
