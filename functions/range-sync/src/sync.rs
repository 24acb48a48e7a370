//! Read, plan, write, under the store's ETag: on a conflict (someone wrote between our read and
//! our update) the store is read again and the plan made again, up to [`MAX_ATTEMPTS`] reads;
//! then the run fails. A batch is applied whole or not at all, so no outcome is a partial write.
//!
//! The scheduled run ([`sync`]) and the rotation Lambda ([`sync_secrets`], `origin-secrets` only)
//! share this one writer of the store.

use std::future::Future;

use crate::plan::{Batch, Inputs, LastGood, Plan, RangesInput, StoreState, plan};
use crate::report::{Outcome, RunReport};
use crate::secret_string::SecretStrings;

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

/// Writes `origin-secrets` alone (the hashes of `secrets`' stages), never touching `ranges:*`:
/// the rotation Lambda's write.
pub async fn sync_secrets(store: &impl KeyValueStore, secrets: SecretStrings) -> RunReport {
    let inputs = Inputs {
        ranges: RangesInput::Untouched,
        secrets: Ok(secrets),
    };
    sync(store, &inputs).await
}

/// Brings `store` up to date with `inputs`; the report of the run. A part that could not be
/// planned fails the run (with its reason) but does not keep the other part from being written.
pub async fn sync(store: &impl KeyValueStore, inputs: &Inputs) -> RunReport {
    let mut report = RunReport::failed(Outcome::Failed, "etag-conflicts", String::new());
    for attempt in 1..=MAX_ATTEMPTS {
        report.attempts = attempt;
        let state = match store.read().await {
            Ok(state) => state,
            Err(message) => return with_error(report, Outcome::Failed, "kvs-read", message),
        };
        report.etag_before = Some(state.etag.clone());
        let plan = plan(&state, inputs);
        report.ranges = plan.ranges;
        report.cloudflare_etag = plan.cloudflare_etag.clone();
        report.last_good = plan.last_good.map(|l| match l {
            LastGood::Store => "store",
            LastGood::Compiled => "compiled",
        });
        let Some(batch) = &plan.batch else {
            report.etag_after = Some(state.etag);
            return finish(report, &plan, Outcome::Unchanged);
        };
        match store.apply(batch).await {
            Ok(etag) => {
                report.changed = true;
                report.ranges_changed = plan.ranges_changed;
                report.secrets_changed = plan.secrets_changed;
                report.puts = batch.puts.len();
                report.deletes = batch.deletes.len();
                report.etag_after = Some(etag);
                return finish(report, &plan, Outcome::Updated);
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

/// The report of a planned run: `done` when every part was planned, else the first failure
/// (ranges, then secrets) is the run's reason, and each part's own is kept beside it.
fn finish(mut report: RunReport, plan: &Plan, done: Outcome) -> RunReport {
    let (ranges, secrets) = (&plan.ranges_failure, &plan.secrets_failure);
    report.ranges_reason = ranges.as_ref().map(|f| f.reason);
    report.ranges_message = ranges.as_ref().map(|f| f.message.clone());
    report.secrets_reason = secrets.as_ref().map(|f| f.reason);
    report.secrets_message = secrets.as_ref().map(|f| f.message.clone());
    match ranges.as_ref().or(secrets.as_ref()) {
        None => {
            report.outcome = done;
            report.reason = None;
            report.message = None;
            report
        }
        Some(first) => {
            let all_refusals = [ranges, secrets]
                .iter()
                .all(|f| f.as_ref().is_none_or(|f| f.refused));
            let outcome = if all_refusals {
                Outcome::Refused
            } else {
                Outcome::Failed
            };
            with_error(report, outcome, first.reason, first.message.clone())
        }
    }
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
