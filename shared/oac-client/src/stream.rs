//! [`OacStream`]: an answer whose body is read chunk by chunk, as it arrives, under the cap.

use bytes::{Bytes, BytesMut};
use http::HeaderMap;

use crate::cap::ByteBudget;
use crate::error::Error;
use crate::response::OacResponse;

/// The most [`OacStream::read_to_end`] reserves up front on a `content-length`; a longer body grows.
const MAX_RESERVE: u64 = 8 * 1024 * 1024;

/// An answer with its status and headers, its body still on the wire: read it with
/// [`OacStream::next_chunk`] (server-sent events, NDJSON exports) or whole with
/// [`OacStream::read_to_end`]. Every chunk is counted against the client's
/// [`max_response_bytes`](crate::OacClientBuilder::max_response_bytes); the chunk that would pass
/// it is not handed out and [`Error::ResponseTooLarge`] is returned instead.
///
/// ```no_run
/// # async fn run(client: oac_client::OacClient) -> Result<(), oac_client::Error> {
/// let mut events = client.get("/v1/audit-events/stream").send_streaming().await?;
/// while let Some(chunk) = events.next_chunk().await? {
///     print!("{}", String::from_utf8_lossy(&chunk)); // `id:`/`data:` lines as they come
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct OacStream {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    body: reqwest::Response,
    budget: ByteBudget,
}

impl OacStream {
    /// Takes `response` over with a cap of `limit` bytes; refuses it at once when its
    /// `content-length` is above the cap.
    pub(crate) fn new(response: reqwest::Response, limit: u64) -> Result<Self, Error> {
        // reqwest's length is the body's exact size (none for chunked bodies, 0 for HEAD and
        // 304, whose `content-length` describes a body that is not sent).
        let budget = ByteBudget::new(limit, response.content_length())?;
        Ok(Self {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response,
            budget,
        })
    }

    /// The next chunk as it arrived, or `None` at the end of the body. A chunk that would take
    /// the body past the cap is [`Error::ResponseTooLarge`]; a connection that ends without the
    /// body's end (a stream that failed midway) is [`Error::Transport`].
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        let Some(chunk) = self.body.chunk().await.map_err(Error::Transport)? else {
            return Ok(None);
        };
        self.budget.admit(chunk.len())?;
        Ok(Some(chunk))
    }

    /// The body bytes handed out so far.
    pub fn bytes_read(&self) -> u64 {
        self.budget.read()
    }

    /// The cap this body is read under.
    pub fn max_bytes(&self) -> u64 {
        self.budget.limit()
    }

    /// Reads the rest of the body (under the cap) into an [`OacResponse`].
    pub async fn read_to_end(mut self) -> Result<OacResponse, Error> {
        // Reserve what the server announced (within the cap), up to a bound: with the cap lifted
        // (`u64::MAX`) a header alone must not allocate gigabytes.
        let announced = self.body.content_length().unwrap_or(0).min(MAX_RESERVE);
        let mut body = BytesMut::with_capacity(usize::try_from(announced).unwrap_or(0));
        while let Some(chunk) = self.next_chunk().await? {
            body.extend_from_slice(&chunk);
        }
        Ok(OacResponse {
            status: self.status,
            headers: self.headers,
            body: body.freeze(),
        })
    }

    /// `Ok(self)` below 400; otherwise the body is read (under the cap) and returned as
    /// [`Error::Problem`] or [`Error::Status`], as [`OacResponse::error_for_status`] does.
    pub async fn error_for_status(self) -> Result<Self, Error> {
        if self.status < 400 {
            return Ok(self);
        }
        Err(self
            .read_to_end()
            .await?
            .error_for_status()
            .expect_err("a status of 400 or more is an error"))
    }
}
