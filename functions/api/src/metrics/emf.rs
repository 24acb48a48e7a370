//! CloudWatch Embedded Metric Format: one [`Measurement`] → one JSON object on one line, which
//! CloudWatch Logs turns into metrics when Lambda writes it to the function's log stream.
//!
//! The envelope and the metrics' names, dimensions and units are the `emf` crate's (one home,
//! shared with range-sync and checked against the CDK app's alarms); here, which directives,
//! dimension values and metric values each measurement carries. Each measurement uses up to
//! three directives, so that each metric carries only the dimensions it is documented with
//! (docs/metrics.md).

use std::time::Duration;

use ::emf::api::{
    IDENTITY_DIRECTIVE, LATENCY_DIRECTIVE, REQUESTS_DIRECTIVE, STORE_DIRECTIVE, STS_DIRECTIVE,
};
use ::emf::{Directive, metadata};
use serde_json::{Map, Value, json};

use crate::metrics::measurement::Measurement;
use crate::metrics::settings::Namespace;

pub use ::emf::api::{
    IDENTITY_CHECKS, LATENCY, REQUESTS, STORE_ERRORS, STORE_LATENCY, STS_LATENCY, dimension,
};
use dimension::*;

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
    let mut root = Map::new();
    root.insert(
        "_aws".to_owned(),
        metadata(namespace.as_str(), &doc.directives, timestamp_ms),
    );
    for (key, value) in doc.dimensions {
        root.insert(key.to_owned(), Value::from(value));
    }
    for (name, value) in doc.values {
        root.insert(name.to_owned(), value);
    }
    Value::Object(root).to_string()
}
