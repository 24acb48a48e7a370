//! axum integration: put an [`IdentityGate`] in the request extensions (with
//! `axum::Extension(gate)` as a layer) and take [`Authorized`] as a handler argument.
//!
//! ```no_run
//! use axum::{Extension, Router, routing::get};
//! use fluid_identity::{Allowlist, Authorized, Gate, HttpStsClient, Verifier, VerifierConfig};
//! use fluid_identity::axum::IdentityGate;
//!
//! async fn whoami(caller: Authorized) -> String {
//!     caller.identity.principal.arn.clone()
//! }
//!
//! let client = HttpStsClient::new(std::time::Duration::from_secs(2), 16 * 1024).unwrap();
//! let mut allow = Allowlist::new();
//! allow.add("readers", "arn:aws:iam::111122223333:role/*").unwrap();
//! let gate = Gate::new(Verifier::new(VerifierConfig::new("orders-api".parse().unwrap()), client), allow);
//! let app: Router = Router::new()
//!     .route("/whoami", get(whoami))
//!     .layer(Extension(IdentityGate::new(gate)));
//! ```

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::{HeaderValue, header, request::Parts};
use axum::response::{IntoResponse, Response};

use crate::HEADER;
use crate::error::Rejection;
use crate::gate::{Authenticate, Authorized};

/// The shared, type-erased gate the extractor looks for in the request extensions.
#[derive(Clone)]
pub struct IdentityGate(Arc<dyn Authenticate>);

impl IdentityGate {
    /// Wraps any [`Authenticate`] (usually a [`crate::Gate`]).
    pub fn new(gate: impl Authenticate + 'static) -> Self {
        Self(Arc::new(gate))
    }
}

/// The problem response; the [`Rejection`] itself rides along in the response extensions, so a
/// service can count rejections by [`Rejection::reason`] without parsing the body.
impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let mut response = self.to_problem().into_response();
        if let Some(secs) = self.retry_after_secs() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(self);
        response
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Authorized {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(gate) = parts.extensions.get::<IdentityGate>().cloned() else {
            // A wiring mistake, not the caller's: fail closed without detail.
            let problem = problem_details::Problem::new(
                "identity-misconfigured",
                "Identity verification is not configured",
                500,
            );
            return Err(problem.into_response());
        };
        let mut values = parts.headers.get_all(HEADER).iter();
        let value = match (values.next(), values.next()) {
            (None, _) => return Err(Rejection::Missing.into_response()),
            (Some(_), Some(_)) => return Err(Rejection::MultipleValues.into_response()),
            (Some(v), None) => v
                .to_str()
                .map_err(|_| Rejection::InvalidCharacter.into_response())?,
        };
        gate.0
            .authenticate(value)
            .await
            .map_err(IntoResponse::into_response)
    }
}
