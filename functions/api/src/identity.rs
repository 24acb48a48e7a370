//! Route guards on top of `fluid_identity`'s [`Authorized`] extractor.
//!
//! Any allowlisted caller (role `readers` or `writers`) may call [`Caller`] routes; [`Writer`]
//! routes also need the `writers` role. A verified identity that no allowlist entry admits gets
//! 403 everywhere (fail closed: strangers learn nothing). The verified principal ARN (`caller`) and
//! the ARN STS returned (`caller_session`: for a role, the session) are recorded on the request span
//! for the access log.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use fluid_identity::Authorized;

use crate::config::WRITERS;
use crate::error::ApiError;

/// An authenticated caller admitted by the allowlist.
#[derive(Debug, Clone)]
pub struct Caller(pub Authorized);

/// An authenticated caller holding the `writers` role.
#[derive(Debug, Clone)]
pub struct Writer(pub Authorized);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let authorized = Authorized::from_request_parts(parts, state).await?;
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
            return Err(ApiError::MissingRole(WRITERS).into_response());
        }
        Ok(Writer(authorized))
    }
}
