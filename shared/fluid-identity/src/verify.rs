//! The verifier: validate → (cache | single-flight fetch under a concurrency cap) → strict parse →
//! ARN/account consistency → normalized principal.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use tokio::sync::{Semaphore, watch};

use crate::error::Rejection;
use crate::principal::Principal;
use crate::response::{CallerIdentity, parse_caller_identity, parse_error_code};
use crate::sts::{FetchError, OutboundRequest, StsClient};
use crate::validate::{ValidationPolicy, validate};

/// Verifier settings.
#[derive(Debug, Clone)]
pub struct VerifierConfig {
    /// This service's audience: sent as `x-fluid-audience`, so only values signed for it verify.
    pub audience: String,
    /// The pure validation rules.
    pub policy: ValidationPolicy,
    /// Cap on concurrent outbound STS calls.
    pub max_concurrent_fetches: usize,
    /// How long a verification may wait for a fetch slot before answering [`Rejection::Busy`].
    pub fetch_slot_wait: Duration,
    /// Maximum number of cached identities.
    pub cache_capacity: usize,
    /// Upper bound on a cache entry's life (it never outlives the URL's own validity).
    pub max_cache_ttl: Duration,
}

impl VerifierConfig {
    /// Defaults for `audience`: 16 concurrent fetches, 2 s slot wait, 10 000 cache entries, TTL ≤ 5 min.
    pub fn new(audience: impl Into<String>) -> Self {
        Self {
            audience: audience.into(),
            policy: ValidationPolicy::default(),
            max_concurrent_fetches: 16,
            fetch_slot_wait: Duration::from_secs(2),
            cache_capacity: 10_000,
            max_cache_ttl: Duration::from_secs(300),
        }
    }
}

/// A verified caller.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifiedIdentity {
    /// The normalized principal to authorize on.
    pub principal: Principal,
    /// What STS said, verbatim.
    pub caller: CallerIdentity,
    /// Unix seconds after which the header value is no longer accepted.
    pub expires_at: u64,
}

type Outcome = Result<Arc<VerifiedIdentity>, Rejection>;

enum Slot {
    Ready {
        identity: Arc<VerifiedIdentity>,
        valid_until: u64,
    },
    Pending(watch::Receiver<Option<Outcome>>),
}

/// Verifies `X-Fluid-Identity` values. Cheap to share behind an `Arc`.
///
/// Runs on a Tokio runtime with timers enabled (the fetch-slot wait is a `tokio::time::timeout`).
pub struct Verifier<C> {
    config: VerifierConfig,
    client: C,
    fetch_slots: Semaphore,
    /// Keyed by SHA-256 of the header value: the bearer value itself is never stored.
    cache: Mutex<HashMap<[u8; 32], Slot>>,
}

impl<C: StsClient> Verifier<C> {
    /// A verifier sending its STS calls through `client`.
    pub fn new(config: VerifierConfig, client: C) -> Self {
        Self {
            fetch_slots: Semaphore::new(config.max_concurrent_fetches.max(1)),
            config,
            client,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &VerifierConfig {
        &self.config
    }

    /// Verifies a header value now.
    pub async fn verify(&self, value: &str) -> Outcome {
        self.verify_at(value, SystemTime::now()).await
    }

    /// Verifies a header value as of `now`. Identical concurrent values share one STS call;
    /// successes are cached until the value expires (or `max_cache_ttl`), failures are not.
    pub async fn verify_at(&self, value: &str, now: SystemTime) -> Outcome {
        if value.len() > self.config.policy.max_header_len {
            return Err(Rejection::TooLong);
        }
        let key: [u8; 32] = Sha256::digest(value.as_bytes()).into();
        let now_secs = unix(now);
        loop {
            let step = {
                let mut cache = self.cache.lock().expect("cache lock");
                match cache.get(&key) {
                    Some(Slot::Ready {
                        identity,
                        valid_until,
                    }) if now_secs < *valid_until => return Ok(identity.clone()),
                    Some(Slot::Pending(rx)) => Step::Follow(rx.clone()),
                    _ => {
                        let (tx, rx) = watch::channel(None);
                        cache.insert(key, Slot::Pending(rx));
                        Step::Lead(tx)
                    }
                }
            };
            match step {
                Step::Follow(mut rx) => match rx.wait_for(Option::is_some).await {
                    Ok(outcome) => return outcome.clone().expect("checked is_some"),
                    // The leader was cancelled before finishing; try again (maybe as leader).
                    Err(_) => continue,
                },
                Step::Lead(tx) => {
                    let mut guard = PendingGuard {
                        cache: &self.cache,
                        key,
                        armed: true,
                    };
                    let outcome = self.verify_uncached(value, now).await;
                    {
                        let mut cache = self.cache.lock().expect("cache lock");
                        cache.remove(&key);
                        if let Ok(identity) = &outcome {
                            let valid_until = identity
                                .expires_at
                                .min(now_secs + self.config.max_cache_ttl.as_secs());
                            if cache.len() >= self.config.cache_capacity {
                                cache.retain(|_, slot| match slot {
                                    Slot::Ready { valid_until, .. } => now_secs < *valid_until,
                                    Slot::Pending(_) => true,
                                });
                            }
                            if cache.len() < self.config.cache_capacity {
                                cache.insert(
                                    key,
                                    Slot::Ready {
                                        identity: identity.clone(),
                                        valid_until,
                                    },
                                );
                            }
                        }
                    }
                    guard.armed = false;
                    tx.send_replace(Some(outcome.clone()));
                    return outcome;
                }
            }
        }
    }

    async fn verify_uncached(&self, value: &str, now: SystemTime) -> Outcome {
        let validated = validate(value, &self.config.policy, now)?;
        let request = OutboundRequest::new(&validated, &self.config.audience);
        let response = {
            let _permit =
                tokio::time::timeout(self.config.fetch_slot_wait, self.fetch_slots.acquire())
                    .await
                    .map_err(|_| Rejection::Busy)?
                    .map_err(|_| Rejection::Busy)?;
            self.client.get(&request).await.map_err(|e| match e {
                FetchError::Unavailable => Rejection::StsUnavailable,
                FetchError::TooLarge => Rejection::ResponseTooLarge,
            })?
        };
        if response.status != 200 {
            let code = parse_error_code(&response.body);
            if response.status == 429 || code.as_deref().is_some_and(|c| c.contains("Throttling")) {
                return Err(Rejection::StsThrottled);
            }
            return Err(Rejection::StsRejected {
                status: response.status,
                code,
            });
        }
        let caller = parse_caller_identity(response.content_type.as_deref(), &response.body)
            .map_err(|_| Rejection::MalformedResponse)?;
        let principal =
            Principal::from_caller_arn(&caller.arn).ok_or(Rejection::UnsupportedPrincipal)?;
        if principal.account != caller.account {
            return Err(Rejection::AccountMismatch);
        }
        if principal.partition != validated.partition() {
            return Err(Rejection::UnsupportedPrincipal);
        }
        Ok(Arc::new(VerifiedIdentity {
            principal,
            caller,
            expires_at: validated.expires_at(),
        }))
    }
}

enum Step {
    Follow(watch::Receiver<Option<Outcome>>),
    Lead(watch::Sender<Option<Outcome>>),
}

/// Removes a leader's `Pending` slot if the leader is dropped mid-flight, so followers retry.
struct PendingGuard<'a> {
    cache: &'a Mutex<HashMap<[u8; 32], Slot>>,
    key: [u8; 32],
    armed: bool,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        if self.armed
            && let Ok(mut cache) = self.cache.lock()
            && matches!(cache.get(&self.key), Some(Slot::Pending(_)))
        {
            cache.remove(&self.key);
        }
    }
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
