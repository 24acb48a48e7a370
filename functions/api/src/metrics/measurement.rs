//! What the api measures, as typed values whose labels are bounded by construction: a route is a
//! template of the router (or `unmatched`), a status is its class, an identity outcome is
//! `accepted` or one of `fluid_identity`'s fixed rejection reasons. No constructor takes a raw
//! path, a header value, an ARN or a body, so none can reach a metric line.

use std::time::Duration;

use axum::extract::MatchedPath;
use fluid_identity::{FetchError, Rejection, StsResponse};

/// The route label of a request: the matched route template (`/v1/audit-events/{id}`), never the
/// raw path, so the dimension has as many values as the router has routes, plus [`Route::UNMATCHED`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route(RouteLabel);

#[derive(Debug, Clone, PartialEq, Eq)]
enum RouteLabel {
    Template(String),
    Unmatched,
}

impl Route {
    /// Requests no route matched (the 404 `not-found` fallback).
    pub const UNMATCHED: Route = Route(RouteLabel::Unmatched);

    /// The route of a request, from the template axum matched (none: [`Route::UNMATCHED`]).
    pub fn from_matched(matched: Option<&MatchedPath>) -> Self {
        match matched {
            Some(path) => Route(RouteLabel::Template(path.as_str().to_owned())),
            None => Self::UNMATCHED,
        }
    }

    /// The dimension value.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            RouteLabel::Template(template) => template,
            RouteLabel::Unmatched => "unmatched",
        }
    }
}

/// `1xx` … `5xx`: the class of an HTTP status (a status outside 100–599 counts as `5xx`, which
/// only a bug could produce).
///
/// ```
/// use api::metrics::StatusClass;
/// assert_eq!(StatusClass::of(201).as_str(), "2xx");
/// assert_eq!(StatusClass::of(404).as_str(), "4xx");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusClass(&'static str);

impl StatusClass {
    /// The class of `status`.
    pub fn of(status: u16) -> Self {
        StatusClass(match status {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        })
    }

    /// The dimension value.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// How the identity check of a request ended: `accepted`, a rejection reason of
/// [`Rejection::reason`] (`missing`, `expired`, `not-allowed`, `sts-unavailable`, …),
/// `missing-role` (allowlisted, but not a writer) or `gate-missing` (no gate wired: a bug).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdentityOutcome(&'static str);

impl IdentityOutcome {
    /// The gate admitted the caller (and, on writer routes, the caller is a writer).
    pub const ACCEPTED: IdentityOutcome = IdentityOutcome("accepted");
    /// A genuine, allowlisted caller without the `writers` role on a writer route.
    pub const MISSING_ROLE: IdentityOutcome = IdentityOutcome("missing-role");
    /// The identity extractor found no gate (a wiring bug; answered 500).
    pub const GATE_MISSING: IdentityOutcome = IdentityOutcome("gate-missing");

    /// The outcome of a rejection: its stable reason.
    pub fn rejected(rejection: &Rejection) -> Self {
        IdentityOutcome(rejection.reason())
    }

    /// The dimension value.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// The store an operation ran on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// `SqliteStore`.
    Sqlite,
    /// `DynamoStore`.
    DynamoDb,
}

impl StoreKind {
    /// The dimension value (`sqlite`, `dynamodb`).
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Sqlite => "sqlite",
            StoreKind::DynamoDb => "dynamodb",
        }
    }
}

/// An operation of `AuditStore`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreOperation {
    /// `append` (with or without an idempotency claim).
    Append,
    /// `get`.
    Get,
    /// `list`.
    List,
}

impl StoreOperation {
    /// The dimension value (`append`, `get`, `list`).
    pub fn as_str(self) -> &'static str {
        match self {
            StoreOperation::Append => "append",
            StoreOperation::Get => "get",
            StoreOperation::List => "list",
        }
    }
}

/// How one STS call ended: the class of STS's status (`2xx`, `4xx`, `5xx`), `unreachable`
/// (timeout, connection or TLS failure) or `too-large` (the answer exceeded the cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StsResult(&'static str);

impl StsResult {
    /// The result of a call as the STS client returned it.
    pub fn of(result: &Result<StsResponse, FetchError>) -> Self {
        StsResult(match result {
            Ok(response) => StatusClass::of(response.status).as_str(),
            Err(FetchError::Unavailable) => "unreachable",
            Err(FetchError::TooLarge) => "too-large",
        })
    }

    /// The dimension value.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// One measurement, rendered as one EMF line by [`crate::metrics::emf::render`].
#[derive(Debug, Clone, PartialEq)]
pub enum Measurement {
    /// A request the router answered.
    Request {
        /// The matched route.
        route: Route,
        /// The class of the answer's status.
        status: StatusClass,
        /// From the request reaching the router to the response leaving it.
        latency: Duration,
        /// How the identity check ended, on routes that check one.
        identity: Option<IdentityOutcome>,
    },
    /// One GET to STS (cache hits and values refused before the call make none).
    StsCall {
        /// How it ended.
        result: StsResult,
        /// The call's duration.
        latency: Duration,
    },
    /// One store operation.
    StoreCall {
        /// Which store.
        store: StoreKind,
        /// Which operation.
        operation: StoreOperation,
        /// Whether it failed (the api answered 503 `storage-unavailable`).
        failed: bool,
        /// The operation's duration.
        latency: Duration,
    },
}
