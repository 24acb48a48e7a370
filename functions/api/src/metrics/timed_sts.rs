//! An [`StsClient`] decorator that measures every GET to STS (`StsLatency`): the verifier calls it
//! only on a cache miss, so this is STS's latency as the service sees it, not the gate's.

use std::future::Future;
use std::time::Instant;

use fluid_identity::{FetchError, OutboundRequest, StsClient, StsResponse};

use crate::metrics::{Measurement, Metrics, StsResult};

/// `inner`, with each call's duration and result recorded as a [`Measurement::StsCall`]. The
/// request (a bearer credential) is never looked at.
pub struct TimedStsClient<C> {
    inner: C,
    metrics: Metrics,
}

impl<C> TimedStsClient<C> {
    /// Measures the calls of `inner` into `metrics`.
    pub fn new(inner: C, metrics: Metrics) -> Self {
        Self { inner, metrics }
    }
}

impl<C: StsClient> StsClient for TimedStsClient<C> {
    fn get(
        &self,
        request: &OutboundRequest,
    ) -> impl Future<Output = Result<StsResponse, FetchError>> + Send {
        let call = self.inner.get(request);
        async move {
            let started = Instant::now();
            let result = call.await;
            self.metrics.record(&Measurement::StsCall {
                result: StsResult::of(&result),
                latency: started.elapsed(),
            });
            result
        }
    }
}
