//! The api's metrics (`functions/api/src/metrics`, documented in docs/metrics.md): per request,
//! per identity check, per STS call, per store operation. Each metric carries only the dimension
//! sets it is documented with, so a line uses up to three directives.

use crate::{Directive, Metric, Unit};

/// The namespace when `METRICS_NAMESPACE` is not set.
pub const DEFAULT_NAMESPACE: &str = "OacKit/Api";

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

/// [`REQUESTS`] by route and status class, and by status class.
pub const REQUESTS_DIRECTIVE: Directive = Directive {
    dimensions: &[&[ROUTE, STATUS_CLASS], &[STATUS_CLASS]],
    metrics: &[Metric {
        name: REQUESTS,
        unit: Unit::Count,
    }],
};
/// [`LATENCY`] by route, and with no dimension.
pub const LATENCY_DIRECTIVE: Directive = Directive {
    dimensions: &[&[ROUTE], &[]],
    metrics: &[Metric {
        name: LATENCY,
        unit: Unit::Milliseconds,
    }],
};
/// [`IDENTITY_CHECKS`] by outcome.
pub const IDENTITY_DIRECTIVE: Directive = Directive {
    dimensions: &[&[OUTCOME]],
    metrics: &[Metric {
        name: IDENTITY_CHECKS,
        unit: Unit::Count,
    }],
};
/// [`STS_LATENCY`] by result, and with no dimension.
pub const STS_DIRECTIVE: Directive = Directive {
    dimensions: &[&[RESULT], &[]],
    metrics: &[Metric {
        name: STS_LATENCY,
        unit: Unit::Milliseconds,
    }],
};
/// [`STORE_LATENCY`] and [`STORE_ERRORS`] by store and operation, and by store.
pub const STORE_DIRECTIVE: Directive = Directive {
    dimensions: &[&[STORE, OPERATION], &[STORE]],
    metrics: &[
        Metric {
            name: STORE_LATENCY,
            unit: Unit::Milliseconds,
        },
        Metric {
            name: STORE_ERRORS,
            unit: Unit::Count,
        },
    ],
};

/// Every directive the api uses.
pub const DIRECTIVES: &[&Directive] = &[
    &REQUESTS_DIRECTIVE,
    &LATENCY_DIRECTIVE,
    &IDENTITY_DIRECTIVE,
    &STS_DIRECTIVE,
    &STORE_DIRECTIVE,
];
