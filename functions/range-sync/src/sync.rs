//! Read, plan, write, under the store's ETag: on a conflict (someone wrote between our read and
//! our update) the store is read again and the plan made again, up to [`MAX_ATTEMPTS`] reads;
//! then the run fails. A batch is applied whole or not at all, so no outcome is a partial write.

use std::future::Future;

use crate::plan::{Batch, Inputs, LastGood, Refusal, StoreState, plan};
use crate::report::{Outcome, RunReport};

/// How many times the store is read (and the plan made) before a run gives up on conflicts.
pub const MAX_ATTEMPTS: u32 = 3;

/// Why a batch was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyError {
    /// The store's ETag is no longer the one the batch was planned under.
    Conflict,
    /// Any other failure (its description).
    Other(String),
}

/// The KeyValueStore as the sync sees it.
pub trait KeyValueStore {
    /// The ETag, then the layout's keys.
    fn read(&self) -> impl Future<Output = Result<StoreState, String>> + Send;
    /// Applies `batch` under `batch.if_match`; the new ETag.
    fn apply(&self, batch: &Batch) -> impl Future<Output = Result<String, ApplyError>> + Send;
}

/// Brings `store` up to date with `inputs`; the report of the run.
pub async fn sync(store: &impl KeyValueStore, inputs: Inputs<'_>) -> RunReport {
    let mut report = RunReport::failed(Outcome::Failed, "etag-conflicts", String::new());
    for attempt in 1..=MAX_ATTEMPTS {
        report.attempts = attempt;
        let state = match store.read().await {
            Ok(state) => state,
            Err(message) => return with_error(report, Outcome::Failed, "kvs-read", message),
        };
        report.etag_before = Some(state.etag.clone());
        let plan = match plan(&state, inputs) {
            Ok(plan) => plan,
            Err(refusal) => return refused(report, &refusal),
        };
        report.ranges = Some(plan.ranges);
        report.cloudflare_etag = plan.cloudflare_etag.clone();
        report.last_good = Some(match plan.last_good {
            LastGood::Store => "store",
            LastGood::Compiled => "compiled",
        });
        let Some(batch) = plan.batch else {
            report.outcome = Outcome::Unchanged;
            report.etag_after = Some(state.etag);
            report.reason = None;
            report.message = None;
            return report;
        };
        match store.apply(&batch).await {
            Ok(etag) => {
                report.outcome = Outcome::Updated;
                report.changed = true;
                report.ranges_changed = plan.ranges_changed;
                report.secrets_changed = plan.secrets_changed;
                report.puts = batch.puts.len();
                report.deletes = batch.deletes.len();
                report.etag_after = Some(etag);
                report.reason = None;
                report.message = None;
                return report;
            }
            Err(ApplyError::Conflict) => continue,
            Err(ApplyError::Other(message)) => {
                return with_error(report, Outcome::Failed, "kvs-update", message);
            }
        }
    }
    let message = format!("the store's ETag changed under each of {MAX_ATTEMPTS} attempts");
    with_error(report, Outcome::Failed, "etag-conflicts", message)
}

fn refused(report: RunReport, refusal: &Refusal) -> RunReport {
    with_error(
        report,
        Outcome::Refused,
        refusal.reason(),
        refusal.to_string(),
    )
}

fn with_error(
    mut report: RunReport,
    outcome: Outcome,
    reason: &'static str,
    message: String,
) -> RunReport {
    report.outcome = outcome;
    report.reason = Some(reason);
    report.message = Some(message);
    report
}

#[cfg(test)]
#[path = "sync_tests.rs"]
mod tests;
