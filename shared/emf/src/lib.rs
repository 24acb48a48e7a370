//! oac-kit's CloudWatch metrics, in one place: which metrics each function publishes
//! ([`api`], [`range_sync`]: namespace, names, dimension sets, units) and the Embedded Metric
//! Format envelope ([`metadata`]) that turns a log line into those metrics. The functions build
//! their lines with it; `cargo xtask test` writes [`catalogue`] as the table the CDK app's alarms
//! and dashboard are checked against, so a metric renamed on either side fails a test.
//!
//! The shape (AWS, "Specification: Embedded metric format"): a root object with
//! `_aws: {Timestamp, CloudWatchMetrics: [MetricDirective]}`; each directive names a `Namespace`,
//! `Dimensions` (an array of dimension sets, each at most 30 keys) and `Metrics` (at most 100
//! `{Name, Unit}`); every dimension key is a top-level string member and every metric name a
//! top-level number. The caller adds those members.
//!
//! ```
//! use emf::{Directive, Metric, Unit, metadata};
//! const RUNS: Directive = Directive { dimensions: &[&[]], metrics: &[Metric { name: "Runs", unit: Unit::Count }] };
//! let aws = metadata("Example/App", &[&RUNS], 1_700_000_000_000);
//! assert_eq!(aws["CloudWatchMetrics"][0]["Metrics"][0]["Unit"], "Count");
//! assert_eq!(aws["Timestamp"], 1_700_000_000_000u64);
//! ```

pub mod api;
pub mod range_sync;

use serde_json::{Value, json};

/// A CloudWatch unit (the ones oac-kit's metrics use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// `Count`.
    Count,
    /// `Milliseconds`.
    Milliseconds,
}

impl Unit {
    /// The name EMF and CloudWatch use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Count => "Count",
            Self::Milliseconds => "Milliseconds",
        }
    }
}

/// One metric of a directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    /// Its name (also the top-level member holding its value).
    pub name: &'static str,
    /// Its unit.
    pub unit: Unit,
}

/// One MetricDirective without its namespace: which dimension sets apply to which metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directive {
    /// The dimension sets (`&[]`: the metric with no dimension).
    pub dimensions: &'static [&'static [&'static str]],
    /// The metrics published under each set.
    pub metrics: &'static [Metric],
}

/// The `_aws` member of a line: `directives` in `namespace` at `timestamp_ms` (milliseconds
/// since the Unix epoch).
pub fn metadata(namespace: &str, directives: &[&Directive], timestamp_ms: u64) -> Value {
    let directives: Vec<Value> = directives
        .iter()
        .map(|directive| {
            let metrics: Vec<Value> = directive
                .metrics
                .iter()
                .map(|m| json!({"Name": m.name, "Unit": m.unit.as_str()}))
                .collect();
            json!({
                "Namespace": namespace,
                "Dimensions": directive.dimensions,
                "Metrics": metrics,
            })
        })
        .collect();
    json!({"Timestamp": timestamp_ms, "CloudWatchMetrics": directives})
}

/// One metric as CloudWatch stores it: a namespace, a name and one dimension set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The namespace.
    pub namespace: &'static str,
    /// The metric's name.
    pub metric: &'static str,
    /// The dimension keys (empty: none).
    pub dimensions: &'static [&'static str],
    /// The unit.
    pub unit: Unit,
}

/// Every metric `directives` publish in `namespace`, one row per dimension set.
pub fn published(namespace: &'static str, directives: &[&Directive]) -> Vec<Published> {
    directives
        .iter()
        .flat_map(|d| {
            d.metrics.iter().flat_map(move |m| {
                d.dimensions.iter().map(move |dims| Published {
                    namespace,
                    metric: m.name,
                    dimensions: dims,
                    unit: m.unit,
                })
            })
        })
        .collect()
}

/// Every metric oac-kit's functions publish (the api in its default namespace).
pub fn catalogue() -> Vec<Published> {
    let mut rows = published(api::DEFAULT_NAMESPACE, api::DIRECTIVES);
    rows.extend(published(range_sync::NAMESPACE, &[&range_sync::DIRECTIVE]));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_a_row_per_metric_and_dimension_set() {
        let rows = catalogue();
        let has = |ns: &str, metric: &str, dims: &[&str]| {
            rows.iter()
                .any(|r| r.namespace == ns && r.metric == metric && r.dimensions == dims)
        };
        assert!(has("OacKit/Api", "Requests", &["Route", "StatusClass"]));
        assert!(has("OacKit/Api", "Requests", &["StatusClass"]));
        assert!(has("OacKit/Api", "IdentityChecks", &["Outcome"]));
        assert!(!has("OacKit/Api", "IdentityChecks", &[]));
        assert!(has("OacKit/RangeSync", "SyncSucceeded", &[]));
        // Requests (2 sets), Latency (2), IdentityChecks (1), StsLatency (2), StoreLatency and
        // StoreErrors (2 each), and range-sync's three metrics with no dimension.
        assert_eq!(rows.len(), 2 + 2 + 1 + 2 + 4 + 3);
    }

    #[test]
    fn the_envelope_names_each_directive_in_the_namespace() {
        let aws = metadata("N/S", &[&range_sync::DIRECTIVE, &api::LATENCY_DIRECTIVE], 7);
        let directives = aws["CloudWatchMetrics"].as_array().unwrap();
        assert_eq!(directives.len(), 2);
        assert!(directives.iter().all(|d| d["Namespace"] == "N/S"));
        assert_eq!(directives[1]["Dimensions"], json!([["Route"], []]));
        assert_eq!(
            directives[1]["Metrics"],
            json!([{"Name": "Latency", "Unit": "Milliseconds"}])
        );
    }
}
