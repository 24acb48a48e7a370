//! `X-Fluid-Identity` for the client: minted with fluid-identity's signer, cached per audience,
//! re-minted before it expires.
//!
//! A value is a bearer credential until it expires, so it is never logged: [`IdentityValue`]'s
//! `Debug` redacts it and the header is marked sensitive.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use http::HeaderValue;

use crate::clock::Clock;
use crate::error::Error;

/// How long a minted value is valid by default (the api accepts up to 900 s).
pub const DEFAULT_IDENTITY_LIFETIME: Duration = Duration::from_secs(300);

/// A cached value is never sent with less than this left: it must survive the request's trip,
/// retries and the verifier's clock.
pub const DEFAULT_REMINT_MARGIN: Duration = Duration::from_secs(60);

/// A minted `X-Fluid-Identity` value. `Debug` never shows it.
#[derive(Clone)]
pub struct IdentityValue(HeaderValue);

impl IdentityValue {
    /// The header value (marked sensitive, so HTTP stacks that log headers redact it).
    pub fn header_value(&self) -> &HeaderValue {
        &self.0
    }
}

impl std::fmt::Debug for IdentityValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityValue(<redacted>)")
    }
}

/// Whether a value valid until `valid_until` may still be sent at `now`: strictly more than
/// `margin` left.
pub fn is_fresh(valid_until: SystemTime, now: SystemTime, margin: Duration) -> bool {
    valid_until
        .duration_since(now)
        .is_ok_and(|left| left > margin)
}

#[derive(Clone)]
struct Minted {
    value: IdentityValue,
    valid_until: SystemTime,
}

/// Mints and caches identities for one set of credentials and one STS region.
pub(crate) struct IdentitySource {
    credentials: SharedCredentialsProvider,
    region: String,
    lifetime: Duration,
    margin: Duration,
    clock: Arc<dyn Clock>,
    cache: Mutex<HashMap<String, Minted>>,
}

impl IdentitySource {
    pub(crate) fn new(
        credentials: SharedCredentialsProvider,
        region: String,
        lifetime: Duration,
        margin: Duration,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            credentials,
            region,
            lifetime,
            margin,
            clock,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The STS region values are signed for.
    pub(crate) fn region(&self) -> &str {
        &self.region
    }

    /// A value for `audience` with more than the margin left: the cached one, else a new one.
    pub(crate) async fn identity_for(&self, audience: &str) -> Result<IdentityValue, Error> {
        let now = self.clock.now();
        let cached = self
            .lock()
            .get(audience)
            .filter(|minted| is_fresh(minted.valid_until, now, self.margin))
            .map(|minted| minted.value.clone());
        if let Some(value) = cached {
            return Ok(value);
        }
        let minted = self.mint(audience).await?;
        let value = minted.value.clone();
        self.lock().insert(audience.to_owned(), minted);
        Ok(value)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Minted>> {
        // The map holds only finished values: a panic elsewhere cannot leave it half-written.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn mint(&self, audience: &str) -> Result<Minted, Error> {
        let credentials = self
            .credentials
            .provide_credentials()
            .await
            .map_err(|e| Error::Credentials(e.to_string()))?;
        let signed_at = self.clock.now();
        let value = fluid_identity::presign(
            &credentials,
            &self.region,
            audience,
            self.lifetime,
            signed_at,
        )?;
        // A value signed with session credentials dies with them.
        let mut valid_until = signed_at + self.lifetime;
        if let Some(expiry) = credentials.expiry() {
            valid_until = valid_until.min(expiry);
        }
        if !is_fresh(valid_until, signed_at, self.margin) {
            return Err(Error::Credentials(format!(
                "the AWS credentials expire within the re-mint margin ({} s)",
                self.margin.as_secs()
            )));
        }
        let mut header = HeaderValue::from_str(&value)
            .map_err(|_| Error::Credentials("the signer produced an invalid header".into()))?;
        header.set_sensitive(true);
        Ok(Minted {
            value: IdentityValue(header),
            valid_until,
        })
    }
}

impl std::fmt::Debug for IdentitySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentitySource")
            .field("region", &self.region)
            .field("lifetime", &self.lifetime)
            .field("margin", &self.margin)
            .field("cached_audiences", &self.lock().len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARGIN: Duration = Duration::from_secs(60);

    #[test]
    fn a_value_with_more_than_the_margin_left_is_fresh() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        assert!(is_fresh(now + Duration::from_secs(61), now, MARGIN));
    }

    #[test]
    fn a_value_with_exactly_the_margin_left_is_not_fresh() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        assert!(!is_fresh(now + MARGIN, now, MARGIN));
    }

    #[test]
    fn an_expired_value_is_not_fresh() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        assert!(!is_fresh(now - Duration::from_secs(1), now, MARGIN));
    }

    #[test]
    fn debug_of_a_value_redacts_it() {
        let value = IdentityValue(HeaderValue::from_static(
            "https://sts.example/?X-Amz-Signature=abc",
        ));
        assert_eq!(format!("{value:?}"), "IdentityValue(<redacted>)");
    }
}
