//! `GET /v1/audit-events/export`: the whole log as NDJSON, read from the store one page at a time
//! and sent page by page, so memory holds one page whatever the log's size (the buffered 6 MB
//! limit does not apply to a streamed answer).

use std::convert::Infallible;
use std::sync::Arc;

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use futures_util::Stream;
use serde::Deserialize;

use super::framing::{export_end_line, export_error_line, push_ndjson_line};
use super::{NDJSON, storage_unavailable};
use crate::AppState;
use crate::error::ApiError;
use crate::identity::Caller;
use crate::model::is_event_id;
use crate::observe::RequestId;
use crate::routes::ProblemDoc;
use crate::store::{AuditStore, Page};

/// Query of `GET /v1/audit-events/export`. Unknown parameters are refused.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Start after this event ID (the `id` of the last line a cut export delivered): a lowercase
    /// hyphenated UUID.
    #[param(
        min_length = 36,
        max_length = 36,
        pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub after: Option<String>,
}

#[utoipa::path(get, path = "/v1/audit-events/export", tag = "audit", security(("fluid_identity" = [])),
    params(ExportParams),
    responses(
        (status = 200, description = "Every event after `after` (from the first without it), oldest first, as NDJSON: one line per event, exactly as the list's items, then `{\"end\":true,\"count\":N}`. A store failure part way ends the body with `{\"error\":<problem>}` instead of the end line.", body = String, content_type = "application/x-ndjson"),
        (status = 400, description = "Bad `after`, unknown parameter.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid identity.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not allowlisted.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 501, description = "This deployment answers buffered (`API_INVOKE_MODE=buffered`).", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 503, description = "Storage or STS unavailable.", body = ProblemDoc, content_type = "application/problem+json"),
    ))]
pub(crate) async fn export_events(
    State(state): State<AppState>,
    _caller: Caller,
    request_id: Option<Extension<RequestId>>,
    query: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = query.map_err(|e| ApiError::InvalidQuery(e.body_text()))?;
    if let Some(after) = &params.after
        && !is_event_id(after)
    {
        return Err(ApiError::InvalidQuery(
            "after must be an event ID (a lowercase hyphenated UUID)".to_owned(),
        ));
    }
    // After validation: a request is refused for the same reasons in both modes.
    let Some(settings) = state.streaming.as_ref() else {
        return Err(ApiError::StreamingUnavailable);
    };
    let page_size = settings.export_page_size;
    // The first page is read before the headers go out: a store that is down is a plain 503.
    let first = state
        .store
        .list(params.after.as_deref(), page_size)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "export failed");
            ApiError::StorageUnavailable
        })?;
    let request_id = request_id
        .map(|Extension(RequestId(id))| id)
        .unwrap_or_default();
    let body = Body::from_stream(export_stream(
        state.store.clone(),
        first,
        page_size,
        request_id,
    ));
    let mut response = Response::new(body);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(NDJSON));
    Ok(response)
}

/// The NDJSON body: `first`, then every following page, one chunk per page; the end line, or
/// the error line if a later page fails. Never an `Err` item: `lambda_runtime` would send one as
/// body text, not as an error trailer.
pub fn export_stream(
    store: Arc<dyn AuditStore>,
    first: Page,
    page_size: usize,
    request_id: String,
) -> impl Stream<Item = Result<Bytes, Infallible>> + Send + 'static {
    async_stream::stream! {
        let mut page = first;
        let mut count: u64 = 0;
        let mut bytes: u64 = 0;
        loop {
            let mut chunk = Vec::new();
            for event in &page.events {
                push_ndjson_line(&mut chunk, event);
            }
            count += page.events.len() as u64;
            bytes += chunk.len() as u64;
            let last = page.events.last().map(|event| event.id.clone());
            let more = page.more;
            drop(page);
            if !chunk.is_empty() {
                yield Ok(Bytes::from(chunk));
            }
            let Some(after) = last.filter(|_| more) else { break };
            page = match store.list(Some(&after), page_size).await {
                Ok(next) => next,
                Err(e) => {
                    tracing::error!(request_id = %request_id, error = %e, events = count, "export cut by a store failure");
                    yield Ok(export_error_line(&storage_unavailable()));
                    return;
                }
            };
        }
        tracing::info!(request_id = %request_id, events = count, bytes, "export finished");
        yield Ok(export_end_line(count));
    }
}
