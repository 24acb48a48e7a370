//! `GET /v1/audit-events/stream`: the events appended from now on (or after `Last-Event-ID`) as
//! server-sent events, by polling the store.
//!
//! **The settle rule.** An append takes its UUIDv7 ID before it commits, so two writers can
//! commit out of ID order: a poller that passed ID `b` could later see a smaller `a` appear and
//! would skip it. The stream therefore only sends events whose ID time is older than now −
//! `SSE_SETTLE_MS` (an append that has not committed by then has failed: its STS and store
//! timeouts are shorter), and resumes strictly after the last ID it sent — so a reconnect with
//! `Last-Event-ID` loses and repeats nothing.
//!
//! **The end.** The response closes before the invocation's deadline (less
//! `SSE_CLOSE_MARGIN_MS`) and after at most `SSE_MAX_SECONDS` (a client's disconnect is not seen
//! through a Function URL, and the invocation is billed until it ends), with `retry: 1000` and
//! `event: close`, so an EventSource reconnects with `Last-Event-ID`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::SystemTime;

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use futures_util::Stream;
use lambda_http::Context;
use tokio::time::Instant;

use super::framing::{
    sse_close, sse_comment, sse_error, sse_event, stream_budget, unix_millis, uuidv7_floor,
};
use super::{EVENT_STREAM, storage_unavailable};
use crate::AppState;
use crate::config::StreamSettings;
use crate::error::ApiError;
use crate::identity::Caller;
use crate::model::is_event_id;
use crate::observe::RequestId;
use crate::routes::ProblemDoc;
use crate::store::{AuditStore, Page};

/// The request header an EventSource sends on reconnect.
pub const LAST_EVENT_ID: &str = "last-event-id";

/// Events read per store call while catching up.
const POLL_PAGE: usize = 100;

/// The `Last-Event-ID` of a request: `None` when absent, the ID when it is one event ID sent
/// once, else 400 `invalid-last-event-id`.
pub fn last_event_id(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    crate::routes::single_header(
        headers,
        LAST_EVENT_ID,
        is_event_id,
        ApiError::InvalidLastEventId,
    )
}

#[utoipa::path(get, path = "/v1/audit-events/stream", tag = "audit", security(("fluid_identity" = [])),
    params(("Last-Event-ID" = Option<String>, Header, nullable = false, min_length = 36, max_length = 36,
        pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        description = "Resume after this event (the `id:` of the last event received); without it the stream starts now.")),
    responses(
        (status = 200, description = "Server-sent events: one message per appended event (`id:` its ID, `data:` the event as the list returns it), `:` heartbeat comments every SSE_HEARTBEAT_MS, and at the end (before the function's deadline, or after SSE_MAX_SECONDS) `retry: 1000` with `event: close`. A store failure sends `event: error` (a problem) and closes.", body = String, content_type = "text/event-stream"),
        (status = 400, description = "Bad Last-Event-ID.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid identity.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not allowlisted.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 501, description = "This deployment answers buffered (`API_INVOKE_MODE=buffered`).", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 503, description = "Storage or STS unavailable.", body = ProblemDoc, content_type = "application/problem+json"),
    ))]
pub(crate) async fn stream_events(
    State(state): State<AppState>,
    _caller: Caller,
    request_id: Option<Extension<RequestId>>,
    lambda: Option<Extension<Context>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let resume = last_event_id(&headers)?;
    // After validation: a request is refused for the same reasons in both modes.
    let Some(settings) = state.streaming.clone() else {
        return Err(ApiError::StreamingUnavailable);
    };
    let now = SystemTime::now();
    let cursor = resume.unwrap_or_else(|| uuidv7_floor(now - settings.settle));
    // The first read happens before the headers go out: a store that is down is a plain 503.
    let first = state
        .store
        .list(Some(&cursor), POLL_PAGE)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "event stream failed");
            ApiError::StorageUnavailable
        })?;
    let deadline_ms = lambda.map_or(0, |Extension(context)| context.deadline);
    let budget = stream_budget(
        settings.max_duration,
        deadline_ms,
        unix_millis(now),
        settings.close_margin,
    );
    let request_id = request_id
        .map(|Extension(RequestId(id))| id)
        .unwrap_or_default();
    let stream = event_stream(
        state.store.clone(),
        settings,
        StreamStart {
            cursor,
            first,
            ends: Instant::now() + budget.lasts,
            reason: budget.reason,
        },
        request_id,
    );
    let mut response = Response::new(Body::from_stream(stream));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(EVENT_STREAM));
    Ok(response)
}

/// Where a stream starts and how long it lasts.
pub struct StreamStart {
    /// Events strictly after this ID are sent.
    pub cursor: String,
    /// The first page after `cursor`, already read.
    pub first: Page,
    /// When the stream closes (unless the store fails first).
    pub ends: Instant,
    /// Why it closes then: `deadline` or `max-duration`.
    pub reason: &'static str,
}

/// The SSE body: an opening comment, settled events as they appear, heartbeats, then the close.
/// Never an `Err` item (`lambda_runtime` would send one as body text).
pub fn event_stream(
    store: Arc<dyn AuditStore>,
    settings: StreamSettings,
    start: StreamStart,
    request_id: String,
) -> impl Stream<Item = Result<Bytes, Infallible>> + Send + 'static {
    async_stream::stream! {
        let StreamStart { mut cursor, first, ends, reason: closes_for } = start;
        let started = Instant::now();
        let mut pending = Some(first);
        let mut sent: u64 = 0;
        // The first bytes go out at once: the client knows the stream is open.
        yield Ok(sse_comment("stream open"));
        let mut last_write = Instant::now();
        let reason = 'polling: loop {
            let settled = uuidv7_floor(SystemTime::now() - settings.settle);
            loop {
                let page = match pending.take() {
                    Some(page) => page,
                    None => match store.list(Some(&cursor), POLL_PAGE).await {
                        Ok(page) => page,
                        Err(e) => {
                            tracing::error!(request_id = %request_id, error = %e, "event stream cut by a store failure");
                            yield Ok(sse_error(&storage_unavailable()));
                            break 'polling "storage-unavailable";
                        }
                    },
                };
                let mut caught_up = !page.more;
                // One chunk per page: a backlog goes out in few writes.
                let mut chunk = Vec::new();
                for event in &page.events {
                    if event.id >= settled {
                        caught_up = true;
                        break;
                    }
                    cursor.clone_from(&event.id);
                    sent += 1;
                    chunk.extend_from_slice(&sse_event(event));
                }
                if !chunk.is_empty() {
                    yield Ok(Bytes::from(chunk));
                    last_write = Instant::now();
                }
                if caught_up || page.events.is_empty() {
                    break;
                }
            }
            let now = Instant::now();
            if now >= ends {
                break closes_for;
            }
            if now >= last_write + settings.heartbeat {
                yield Ok(sse_comment("heartbeat"));
                last_write = now;
            }
            let wake = (now + settings.poll)
                .min(last_write + settings.heartbeat)
                .min(ends);
            tokio::time::sleep_until(wake).await;
        };
        tracing::info!(request_id = %request_id, events = sent, reason, duration_ms = started.elapsed().as_millis() as u64, "event stream closed");
        yield Ok(sse_close(reason));
    }
}
