//! Authentication plus authorization in one object-safe step, for web-framework adapters.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

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

/// A [`Verifier`] with an [`Allowlist`].
pub struct Gate<C> {
    verifier: Verifier<C>,
    allowlist: Allowlist,
}

impl<C: StsClient> Gate<C> {
    /// Combines a verifier and an allowlist.
    pub fn new(verifier: Verifier<C>, allowlist: Allowlist) -> Self {
        Self {
            verifier,
            allowlist,
        }
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier<C> {
        &self.verifier
    }
}

impl<C: StsClient + 'static> Authenticate for Gate<C> {
    fn authenticate<'a>(&'a self, value: &'a str) -> BoxFuture<'a, Result<Authorized, Rejection>> {
        Box::pin(async move {
            let identity = self.verifier.verify(value).await?;
            let roles: Vec<String> = self
                .allowlist
                .roles_of(&identity.principal)
                .into_iter()
                .map(str::to_owned)
                .collect();
            if roles.is_empty() {
                return Err(Rejection::NotAllowed);
            }
            Ok(Authorized { identity, roles })
        })
    }
}
