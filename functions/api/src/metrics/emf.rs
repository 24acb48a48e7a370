//! CloudWatch Embedded Metric Format: one [`Measurement`] → one JSON object on one line, which
//! CloudWatch Logs turns into metrics when Lambda writes it to the function's log stream.
//!
//! The shape (AWS, "Specification: Embedded metric format"): a root object with
//! `_aws: {Timestamp, CloudWatchMetrics: [MetricDirective]}`; each directive names a `Namespace`,
//! `Dimensions` (an array of dimension sets, each at most 30 keys) and `Metrics` (at most 100
//! `{Name, Unit}`); every dimension key is a top-level string member and every metric name a
//! top-level number. Each measurement uses up to three directives, so that each metric carries
//! only the dimensions it is documented with (docs/metrics.md).

use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::metrics::measurement::Measurement;
use crate::metrics::settings::Namespace;

/// `Requests` (Count): one per request, by `Route` and `StatusClass`, and by `StatusClass` alone.
pub const REQUESTS: &str = "Requests";
/// `Latency` (Milliseconds): router latency per request, by `Route`, and with no dimension.
pub const LATENCY: &str = "Latency";
/// `IdentityChecks` (Count): one per identity check, by `Outcome`.
pub const IDENTITY_CHECKS: &str = "IdentityChecks";
/// `StsLatency` (Milliseconds): one per STS call, by `Result`, and with no dimension.
pub const STS_LATENCY: &str = "StsLatency";
/// `StoreLatency` (Milliseconds): one per store operation, by `Store` and `Operation`, and by `Store`.
pub const STORE_LATENCY: &str = "StoreLatency";
/// `StoreErrors` (Count): 1 for a failed store operation, 0 otherwise; same dimensions as
/// [`STORE_LATENCY`].
pub const STORE_ERRORS: &str = "StoreErrors";

/// The dimension keys.
pub mod dimension {
    /// The matched route template, or `unmatched`.
    pub const ROUTE: &str = "Route";
    /// `1xx` … `5xx`.
    pub const STATUS_CLASS: &str = "StatusClass";
    /// `accepted`, a rejection reason, `missing-role` or `gate-missing`.
    pub const OUTCOME: &str = "Outcome";
    /// `2xx`, `4xx`, `5xx`, `unreachable` or `too-large`.
    pub const RESULT: &str = "Result";
    /// `sqlite` or `dynamodb`.
    pub const STORE: &str = "Store";
    /// `append`, `get` or `list`.
    pub const OPERATION: &str = "Operation";
}

use dimension::*;

/// One MetricDirective: which dimension sets apply to which metrics.
struct Directive {
    dimensions: &'static [&'static [&'static str]],
    metrics: &'static [(&'static str, &'static str)],
}

const REQUESTS_DIRECTIVE: Directive = Directive {
    dimensions: &[&[ROUTE, STATUS_CLASS], &[STATUS_CLASS]],
    metrics: &[(REQUESTS, "Count")],
};
const LATENCY_DIRECTIVE: Directive = Directive {
    dimensions: &[&[ROUTE], &[]],
    metrics: &[(LATENCY, "Milliseconds")],
};
const IDENTITY_DIRECTIVE: Directive = Directive {
    dimensions: &[&[OUTCOME]],
    metrics: &[(IDENTITY_CHECKS, "Count")],
};
const STS_DIRECTIVE: Directive = Directive {
    dimensions: &[&[RESULT], &[]],
    metrics: &[(STS_LATENCY, "Milliseconds")],
};
const STORE_DIRECTIVE: Directive = Directive {
    dimensions: &[&[STORE, OPERATION], &[STORE]],
    metrics: &[(STORE_LATENCY, "Milliseconds"), (STORE_ERRORS, "Count")],
};

/// A measurement laid out as EMF: directives, then the top-level dimension and metric members.
struct Document<'a> {
    directives: Vec<&'static Directive>,
    dimensions: Vec<(&'static str, &'a str)>,
    values: Vec<(&'static str, Value)>,
}

fn milliseconds(latency: Duration) -> Value {
    // Microsecond resolution is what the clock gives meaningfully; keeps lines short.
    json!(latency.as_micros() as f64 / 1000.0)
}

fn document(measurement: &Measurement) -> Document<'_> {
    match measurement {
        Measurement::Request {
            route,
            status,
            latency,
            identity,
        } => {
            let mut doc = Document {
                directives: vec![&REQUESTS_DIRECTIVE, &LATENCY_DIRECTIVE],
                dimensions: vec![(ROUTE, route.as_str()), (STATUS_CLASS, status.as_str())],
                values: vec![(REQUESTS, json!(1)), (LATENCY, milliseconds(*latency))],
            };
            if let Some(outcome) = identity {
                doc.directives.push(&IDENTITY_DIRECTIVE);
                doc.dimensions.push((OUTCOME, outcome.as_str()));
                doc.values.push((IDENTITY_CHECKS, json!(1)));
            }
            doc
        }
        Measurement::StsCall { result, latency } => Document {
            directives: vec![&STS_DIRECTIVE],
            dimensions: vec![(RESULT, result.as_str())],
            values: vec![(STS_LATENCY, milliseconds(*latency))],
        },
        Measurement::StoreCall {
            store,
            operation,
            failed,
            latency,
        } => Document {
            directives: vec![&STORE_DIRECTIVE],
            dimensions: vec![(STORE, store.as_str()), (OPERATION, operation.as_str())],
            values: vec![
                (STORE_LATENCY, milliseconds(*latency)),
                (STORE_ERRORS, json!(u8::from(*failed))),
            ],
        },
    }
}

/// The EMF document of `measurement` in `namespace` at `timestamp_ms` (milliseconds since the
/// Unix epoch), as one line of JSON without the trailing newline.
///
/// ```
/// use std::time::Duration;
/// use api::metrics::{Measurement, Namespace, StsResult, emf};
/// let line = emf::render(
///     &Namespace::default(),
///     &Measurement::StsCall { result: StsResult::of(&Err(fluid_identity::FetchError::Unavailable)), latency: Duration::from_millis(2) },
///     1_700_000_000_000,
/// );
/// let doc: serde_json::Value = serde_json::from_str(&line).unwrap();
/// assert_eq!(doc["_aws"]["CloudWatchMetrics"][0]["Namespace"], "OacKit/Api");
/// assert_eq!((doc["Result"].as_str(), doc["StsLatency"].as_f64()), (Some("unreachable"), Some(2.0)));
/// ```
pub fn render(namespace: &Namespace, measurement: &Measurement, timestamp_ms: u64) -> String {
    let doc = document(measurement);
    let directives: Vec<Value> = doc
        .directives
        .iter()
        .map(|directive| {
            let metrics: Vec<Value> = directive
                .metrics
                .iter()
                .map(|(name, unit)| json!({"Name": name, "Unit": unit}))
                .collect();
            json!({
                "Namespace": namespace.as_str(),
                "Dimensions": directive.dimensions,
                "Metrics": metrics,
            })
        })
        .collect();
    let mut root = Map::new();
    root.insert(
        "_aws".to_owned(),
        json!({"Timestamp": timestamp_ms, "CloudWatchMetrics": directives}),
    );
    for (key, value) in doc.dimensions {
        root.insert(key.to_owned(), Value::from(value));
    }
    for (name, value) in doc.values {
        root.insert(name.to_owned(), value);
    }
    Value::Object(root).to_string()
}
