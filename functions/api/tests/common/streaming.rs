//! Support for the streamed routes' tests: a router with streaming on, a store that fails on
//! cue, and readers of a body chunk by chunk and frame by frame.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use api::config::StreamSettings;
use api::metrics::Metrics;
use api::model::AuditEvent;
use api::store::{
    Appended, AuditStore, BoxFuture, IdempotencyClaim, Page, SqliteStore, StoreError,
};
use axum::Router;
use axum::body::{Body, BodyDataStream, Bytes};
use axum::http::{Request, Response};
use fluid_identity::axum::IdentityGate;
use futures_util::StreamExt;
use tower::ServiceExt;

use super::TestGate;

/// Settings for tests: quick polls and heartbeats, a short stream.
pub fn quick(max: Duration) -> StreamSettings {
    StreamSettings {
        heartbeat: Duration::from_millis(5_000),
        poll: Duration::from_millis(20),
        settle: Duration::from_millis(200),
        max_duration: max,
        close_margin: Duration::from_millis(500),
        export_page_size: 3,
    }
}

/// The router with the streamed routes on, over `store`.
pub fn streaming_app_on(store: Arc<dyn AuditStore>, settings: StreamSettings) -> Router {
    api::streaming_router(
        store,
        IdentityGate::new(TestGate),
        64 * 1024,
        Metrics::off(),
        settings,
    )
}

/// The router with the streamed routes on, over a fresh in-memory store.
pub fn streaming_app(settings: StreamSettings) -> (Router, Arc<SqliteStore>) {
    let store = Arc::new(SqliteStore::in_memory().unwrap());
    (streaming_app_on(store.clone(), settings), store)
}

/// The response, its body not read yet.
pub async fn open(app: &Router, request: Request<Body>) -> Response<Body> {
    app.clone().oneshot(request).await.unwrap()
}

/// Every chunk of a body as it was sent.
pub async fn chunks(response: Response<Body>) -> Vec<Bytes> {
    response
        .into_body()
        .into_data_stream()
        .map(|chunk| chunk.unwrap())
        .collect()
        .await
}

/// Reads an event stream frame by frame (a frame: the lines before a blank line).
pub struct Frames {
    body: BodyDataStream,
    buffer: String,
}

impl Frames {
    pub fn of(response: Response<Body>) -> Self {
        Frames {
            body: response.into_body().into_data_stream(),
            buffer: String::new(),
        }
    }

    /// The next frame without its blank line; `None` when the body ends.
    pub async fn next(&mut self) -> Option<String> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame = self.buffer[..end].to_owned();
                self.buffer.drain(..end + 2);
                return Some(frame);
            }
            let chunk = self.body.next().await?.unwrap();
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// Every remaining frame.
    pub async fn rest(&mut self) -> Vec<String> {
        let mut frames = Vec::new();
        while let Some(frame) = self.next().await {
            frames.push(frame);
        }
        assert!(
            self.buffer.is_empty(),
            "a partial frame at the end: {:?}",
            self.buffer
        );
        frames
    }
}

/// The `id:` of an event frame.
pub fn frame_id(frame: &str) -> Option<&str> {
    frame.lines().find_map(|line| line.strip_prefix("id: "))
}

/// The event of an event frame (its `data:` line).
pub fn frame_event(frame: &str) -> Option<AuditEvent> {
    frame_id(frame)?;
    let data = frame.lines().find_map(|line| line.strip_prefix("data: "))?;
    Some(serde_json::from_str(data).unwrap())
}

/// A store that works until its `fail_from`-th `list` call (0-based), then fails every call.
pub struct FailingStore {
    pub inner: SqliteStore,
    pub fail_from: usize,
    pub lists: AtomicUsize,
}

impl FailingStore {
    pub fn new(inner: SqliteStore, fail_from: usize) -> Self {
        FailingStore {
            inner,
            fail_from,
            lists: AtomicUsize::new(0),
        }
    }
}

impl AuditStore for FailingStore {
    fn append(
        &self,
        event: AuditEvent,
        claim: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, Result<Appended, StoreError>> {
        self.inner.append(event, claim)
    }
    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<AuditEvent>, StoreError>> {
        self.inner.get(id)
    }
    fn list<'a>(
        &'a self,
        after: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, Result<Page, StoreError>> {
        if self.lists.fetch_add(1, Ordering::SeqCst) >= self.fail_from {
            return Box::pin(async { Err(StoreError("table gone".into())) });
        }
        self.inner.list(after, limit)
    }
}

/// Appends `n` events straight to the store (no identity, no HTTP), returning them in order.
pub async fn seed(store: &dyn AuditStore, n: usize) -> Vec<AuditEvent> {
    let mut events = Vec::new();
    for i in 0..n {
        let new: api::model::NewAuditEvent = serde_json::from_value(serde_json::json!({
            "action": "deploy.started",
            "resource": format!("arn:aws:lambda:eu-west-1:111122223333:function:f{i}"),
            "detail": {"n": i, "text": "line\nbreak"},
        }))
        .unwrap();
        let event = new.into_event(super::WRITER_ARN, super::WRITER_SESSION_ARN);
        match store.append(event, None).await.unwrap() {
            Appended::Created(event) => events.push(event),
            other => panic!("{other:?}"),
        }
    }
    events
}
