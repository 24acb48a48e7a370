//! The range-sync Lambda's metrics: one log line a run, no dimensions, each metric 0 or 1.

use crate::{Directive, Metric, Unit};

/// The CloudWatch namespace of the metrics.
pub const NAMESPACE: &str = "OacKit/RangeSync";

/// `SyncSucceeded`: 1 when the run updated the store or found it up to date.
pub const SYNC_SUCCEEDED: &str = "SyncSucceeded";
/// `SyncFailed`: 1 when the run was refused or failed.
pub const SYNC_FAILED: &str = "SyncFailed";
/// `RangesChanged`: 1 when the run rewrote `ranges:*`.
pub const RANGES_CHANGED: &str = "RangesChanged";

/// The three counts, with no dimension.
pub const DIRECTIVE: Directive = Directive {
    dimensions: &[&[]],
    metrics: &[
        Metric {
            name: SYNC_SUCCEEDED,
            unit: Unit::Count,
        },
        Metric {
            name: SYNC_FAILED,
            unit: Unit::Count,
        },
        Metric {
            name: RANGES_CHANGED,
            unit: Unit::Count,
        },
    ],
};
