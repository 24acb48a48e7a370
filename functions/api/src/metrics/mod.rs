//! CloudWatch metrics in Embedded Metric Format (EMF): one JSON line on stdout per measurement,
//! which Lambda's log capture hands to CloudWatch Logs, which extracts the metrics. No agent, no
//! `PutMetricData` call, no extra latency. Names, units and dimensions: docs/metrics.md.
//!
//! - [`measurement`] — what is measured, with bounded labels only (route templates, status
//!   classes, rejection reasons): nothing from a request's path, headers or body.
//! - [`emf`] — the pure renderer: a measurement → one EMF line.
//! - [`settings`] — `METRICS` (`on`/`off`) and `METRICS_NAMESPACE` (default `OacKit/Api`).
//! - [`TimedStore`] and [`TimedStsClient`] — decorators that measure store operations and STS
//!   calls; the request measurement is taken by [`crate::observe::observe`].

pub mod emf;
pub mod measurement;
pub mod settings;
mod timed_store;
mod timed_sts;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

pub use measurement::{
    IdentityOutcome, Measurement, Route, StatusClass, StoreKind, StoreOperation, StsResult,
};
pub use settings::{MetricsSettings, Namespace};
pub use timed_store::TimedStore;
pub use timed_sts::TimedStsClient;

/// Where rendered EMF lines go.
pub trait MetricsSink: Send + Sync {
    /// Writes one line (without its newline).
    fn write_line(&self, line: &str);
}

/// Standard output, one `write` per line (Lambda turns each line into one log event; a line
/// shorter than the pipe buffer is never interleaved with the JSON log lines).
pub struct StdoutSink;

impl MetricsSink for StdoutSink {
    fn write_line(&self, line: &str) {
        let mut buffer = String::with_capacity(line.len() + 1);
        buffer.push_str(line);
        buffer.push('\n');
        // A metric that cannot be written is dropped: it must never fail a request.
        let _ = std::io::stdout().lock().write_all(buffer.as_bytes());
    }
}

/// The metrics handle the service records through: cheap to clone, and a no-op when off.
#[derive(Clone, Default)]
pub struct Metrics(Option<Arc<Emitter>>);

struct Emitter {
    namespace: Namespace,
    sink: Box<dyn MetricsSink>,
}

impl Metrics {
    /// Records nothing (`METRICS=off`, and the default of [`crate::router`]).
    pub fn off() -> Self {
        Metrics(None)
    }

    /// Renders every measurement into `namespace` and hands the line to `sink`.
    pub fn new(namespace: Namespace, sink: impl MetricsSink + 'static) -> Self {
        Metrics(Some(Arc::new(Emitter {
            namespace,
            sink: Box::new(sink),
        })))
    }

    /// What the settings say: EMF on stdout, or off.
    pub fn from_settings(settings: &MetricsSettings) -> Self {
        if settings.enabled {
            Self::new(settings.namespace.clone(), StdoutSink)
        } else {
            Self::off()
        }
    }

    /// Whether measurements are recorded.
    pub fn is_on(&self) -> bool {
        self.0.is_some()
    }

    /// Renders and writes one measurement (nothing when off).
    pub fn record(&self, measurement: &Measurement) {
        if let Some(emitter) = &self.0 {
            let now_ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            emitter
                .sink
                .write_line(&emf::render(&emitter.namespace, measurement, now_ms));
        }
    }
}

/// The identity outcome of the request being served: [`crate::observe::observe`] puts one in the
/// request extensions, the identity extractors of [`crate::identity`] fill it, and the request
/// measurement reads it.
#[derive(Debug, Clone, Default)]
pub struct IdentityOutcomeSlot(Arc<Mutex<Option<IdentityOutcome>>>);

impl IdentityOutcomeSlot {
    /// Sets the outcome (a later check of the same request, e.g. the writer role, replaces it).
    pub fn set(&self, outcome: IdentityOutcome) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(outcome);
        }
    }

    /// The outcome, if an identity was checked.
    pub fn get(&self) -> Option<IdentityOutcome> {
        self.0.lock().ok().and_then(|slot| *slot)
    }
}
