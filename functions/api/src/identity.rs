//! Route guards on top of `fluid_identity`'s [`Authorized`] extractor.
//!
//! Any allowlisted caller (role `readers` or `writers`) may call [`Caller`] routes; [`Writer`]
//! routes also need the `writers` role. A verified identity that no allowlist entry admits gets
//! 403 everywhere (fail closed: strangers learn nothing). The verified principal ARN (`caller`) and
//! the ARN STS returned (`caller_session`: for a role, the session) are recorded on the request span
//! for the access log; the outcome of the check (accepted, the rejection's reason, or
//! `missing-role`) goes to the request's [`IdentityOutcomeSlot`] for the `IdentityChecks` metric.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use fluid_identity::{Authorized, Rejection};

use crate::config::WRITERS;
use crate::error::ApiError;
use crate::metrics::{IdentityOutcome, IdentityOutcomeSlot};

/// An authenticated caller admitted by the allowlist.
#[derive(Debug, Clone)]
pub struct Caller(pub Authorized);

/// An authenticated caller holding the `writers` role.
#[derive(Debug, Clone)]
pub struct Writer(pub Authorized);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let authorized = match Authorized::from_request_parts(parts, state).await {
            Ok(authorized) => authorized,
            Err(rejected) => {
                // The extractor's answer carries its `Rejection`; none means no gate was wired.
                let outcome = rejected
                    .extensions()
                    .get::<Rejection>()
                    .map_or(IdentityOutcome::GATE_MISSING, IdentityOutcome::rejected);
                record_outcome(parts, outcome);
                return Err(rejected);
            }
        };
        record_outcome(parts, IdentityOutcome::ACCEPTED);
        let span = tracing::Span::current();
        span.record("caller", authorized.identity.principal.arn.as_str());
        span.record("caller_session", authorized.identity.caller.arn.as_str());
        Ok(Caller(authorized))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Writer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Caller(authorized) = Caller::from_request_parts(parts, state).await?;
        if !authorized.has_role(WRITERS) {
            record_outcome(parts, IdentityOutcome::MISSING_ROLE);
            return Err(ApiError::MissingRole(WRITERS).into_response());
        }
        Ok(Writer(authorized))
    }
}

/// Records the identity outcome for the request measurement (when the request is observed).
fn record_outcome(parts: &Parts, outcome: IdentityOutcome) {
    if let Some(slot) = parts.extensions.get::<IdentityOutcomeSlot>() {
        slot.set(outcome);
    }
}
