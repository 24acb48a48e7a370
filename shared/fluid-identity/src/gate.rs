//! Authentication plus authorization in one object-safe step, for web-framework adapters.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use crate::error::Rejection;
use crate::principal::Allowlist;
use crate::sts::StsClient;
use crate::verify::{VerifiedIdentity, Verifier};

/// A verified caller the allowlist admits, with the named roles it matched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Authorized {
    /// The verified identity.
    pub identity: Arc<VerifiedIdentity>,
    /// The allowlist roles matched (never empty).
    pub roles: Vec<String>,
}

impl Authorized {
    /// Whether the caller holds the named role.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// A boxed future, so [`Authenticate`] can be used as a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Verify a header value and apply the allowlist: 401-class rejections for bad identities,
/// [`Rejection::NotAllowed`] (403) for genuine ones no role admits.
pub trait Authenticate: Send + Sync {
    /// Authenticates and authorizes one header value.
    fn authenticate<'a>(&'a self, value: &'a str) -> BoxFuture<'a, Result<Authorized, Rejection>>;
}

/// A [`Verifier`] with an [`Allowlist`]. The verifier admits only identities the allowlist
/// admits, so only those are cached; every other genuine identity is a briefly remembered
/// [`Rejection::NotAllowed`].
pub struct Gate<C> {
    verifier: Verifier<C>,
    allowlist: Arc<Allowlist>,
}

impl<C: StsClient> Gate<C> {
    /// Combines a verifier and an allowlist (the verifier's cache starts empty).
    pub fn new(verifier: Verifier<C>, allowlist: Allowlist) -> Self {
        let allowlist = Arc::new(allowlist);
        let admits = allowlist.clone();
        Self {
            verifier: verifier.admitting(move |principal| !admits.roles_of(principal).is_empty()),
            allowlist,
        }
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier<C> {
        &self.verifier
    }

    /// Authenticates and authorizes one header value as of `now` (see [`Verifier::verify_at`]).
    pub async fn authenticate_at(
        &self,
        value: &str,
        now: SystemTime,
    ) -> Result<Authorized, Rejection> {
        let identity = self.verifier.verify_at(value, now).await?;
        let roles: Vec<String> = self
            .allowlist
            .roles_of(&identity.principal)
            .into_iter()
            .map(str::to_owned)
            .collect();
        // The verifier admitted it by the same allowlist; checked again so a gate never yields
        // an identity without a role.
        if roles.is_empty() {
            return Err(Rejection::NotAllowed);
        }
        Ok(Authorized { identity, roles })
    }
}

impl<C: StsClient + 'static> Authenticate for Gate<C> {
    fn authenticate<'a>(&'a self, value: &'a str) -> BoxFuture<'a, Result<Authorized, Rejection>> {
        Box::pin(self.authenticate_at(value, SystemTime::now()))
    }
}
