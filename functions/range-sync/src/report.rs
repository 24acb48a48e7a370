//! The one line a run logs: a structured JSON record that is also a CloudWatch Embedded Metric
//! Format document, so the metrics come from the log with no API call. Namespace
//! [`NAMESPACE`], no dimensions, metrics (Count, 0 or 1 per run): `SyncSucceeded`, `SyncFailed`,
//! `RangesChanged` (named, with the envelope, in the `emf` crate: one home, checked against the
//! CDK app's alarms). It never holds a secret: only counts, ETags and reasons.

use emf::range_sync::{DIRECTIVE, RANGES_CHANGED, SYNC_FAILED, SYNC_SUCCEEDED};
use serde::Serialize;
use serde_json::Value;

/// The CloudWatch namespace of the metrics.
pub use emf::range_sync::NAMESPACE;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// One UpdateKeys changed the store.
    Updated,
    /// The store was up to date; nothing was written.
    Unchanged,
    /// An input was refused (answer, guard, secret); that part was not written (the other may
    /// have been: see `changed`).
    Refused,
    /// A call failed (fetch, Secrets Manager, the store, conflicts beyond the retries); what
    /// could still be planned may have been written (see `changed`).
    Failed,
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// How it ended.
    pub outcome: Outcome,
    /// Whether the store changed.
    pub changed: bool,
    /// Whether `ranges:*` were written.
    pub ranges_changed: bool,
    /// Whether `origin-secrets` was written.
    pub secrets_changed: bool,
    /// CIDRs in the list the store holds, when known.
    pub ranges: Option<usize>,
    /// Keys put by the update.
    pub puts: usize,
    /// Keys deleted by the update.
    pub deletes: usize,
    /// Reads of the store (1, more after ETag conflicts).
    pub attempts: u32,
    /// The store's ETag as last read.
    pub etag_before: Option<String>,
    /// The store's ETag after the update.
    pub etag_after: Option<String>,
    /// Cloudflare's etag of its answer.
    pub cloudflare_etag: Option<String>,
    /// `store` or `compiled`: where the last good list came from.
    pub last_good: Option<&'static str>,
    /// The named reason of a refusal or failure.
    pub reason: Option<&'static str>,
    /// Its message.
    pub message: Option<String>,
    /// Why the ranges were not written (Cloudflare's list refused or unreachable), on its own.
    pub ranges_reason: Option<&'static str>,
    /// Its message.
    pub ranges_message: Option<String>,
    /// Why `origin-secrets` was not written (the secret unreadable or refused), on its own.
    pub secrets_reason: Option<&'static str>,
    /// Its message.
    pub secrets_message: Option<String>,
}

impl RunReport {
    /// A run that ended before the store was planned for (`reason`, `message`).
    pub fn failed(outcome: Outcome, reason: &'static str, message: String) -> Self {
        Self {
            outcome,
            changed: false,
            ranges_changed: false,
            secrets_changed: false,
            ranges: None,
            puts: 0,
            deletes: 0,
            attempts: 0,
            etag_before: None,
            etag_after: None,
            cloudflare_etag: None,
            last_good: None,
            reason: Some(reason),
            message: Some(message),
            ranges_reason: None,
            ranges_message: None,
            secrets_reason: None,
            secrets_message: None,
        }
    }

    /// Whether the run is a success for Lambda (and the `SyncSucceeded` metric).
    pub fn succeeded(&self) -> bool {
        matches!(self.outcome, Outcome::Updated | Outcome::Unchanged)
    }

    /// The log line: the report's fields, the metrics' values and the EMF metadata.
    pub fn log_line(&self, timestamp_ms: u64) -> String {
        let mut line = serde_json::to_value(self).expect("a report serializes");
        let fields = line.as_object_mut().expect("a report is an object");
        fields.insert(
            "_aws".into(),
            emf::metadata(NAMESPACE, &[&DIRECTIVE], timestamp_ms),
        );
        let count = |b: bool| Value::from(u8::from(b));
        fields.insert(SYNC_SUCCEEDED.into(), count(self.succeeded()));
        fields.insert(SYNC_FAILED.into(), count(!self.succeeded()));
        fields.insert(RANGES_CHANGED.into(), count(self.ranges_changed));
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_run_counts_one_failure_in_the_namespace() {
        let report = RunReport::failed(Outcome::Refused, "shrink-guard", "m".into());
        let line: Value = serde_json::from_str(&report.log_line(1_764_590_400_000)).unwrap();
        assert_eq!(line["SyncFailed"], 1);
        assert_eq!(line["SyncSucceeded"], 0);
        assert_eq!(line["RangesChanged"], 0);
        assert_eq!(line["reason"], "shrink-guard");
        let emf = &line["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(emf["Namespace"], NAMESPACE);
        let names: Vec<&str> = emf["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["Name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["SyncSucceeded", "SyncFailed", "RangesChanged"]);
        assert_eq!(line["_aws"]["Timestamp"], 1_764_590_400_000u64);
    }

    #[test]
    fn the_log_is_one_line() {
        let report = RunReport::failed(Outcome::Failed, "fetch", "a\nb".into());
        assert!(!report.log_line(0).contains('\n'));
    }
}
