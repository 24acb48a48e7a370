//! An [`AuditStore`] decorator that measures every operation (`StoreLatency`, `StoreErrors`).

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use crate::metrics::{Measurement, Metrics, StoreKind, StoreOperation};
use crate::model::AuditEvent;
use crate::store::{Appended, AuditStore, BoxFuture, IdempotencyClaim, Page, StoreError};

/// `inner`, with each operation's duration and failure recorded as a
/// [`Measurement::StoreCall`].
pub struct TimedStore {
    inner: Arc<dyn AuditStore>,
    store: StoreKind,
    metrics: Metrics,
}

impl TimedStore {
    /// Measures the operations of `inner` (a store of kind `store`) into `metrics`.
    pub fn new(inner: Arc<dyn AuditStore>, store: StoreKind, metrics: Metrics) -> Self {
        Self {
            inner,
            store,
            metrics,
        }
    }

    async fn timed<T>(
        &self,
        operation: StoreOperation,
        call: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let started = Instant::now();
        let result = call.await;
        self.metrics.record(&Measurement::StoreCall {
            store: self.store,
            operation,
            failed: result.is_err(),
            latency: started.elapsed(),
        });
        result
    }
}

impl AuditStore for TimedStore {
    fn append(
        &self,
        event: AuditEvent,
        claim: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, Result<Appended, StoreError>> {
        Box::pin(self.timed(StoreOperation::Append, self.inner.append(event, claim)))
    }

    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<AuditEvent>, StoreError>> {
        Box::pin(self.timed(StoreOperation::Get, self.inner.get(id)))
    }

    fn list<'a>(
        &'a self,
        after: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, Result<Page, StoreError>> {
        Box::pin(self.timed(StoreOperation::List, self.inner.list(after, limit)))
    }
}
