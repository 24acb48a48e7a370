//! The verifier: validate → (remembered verdict | single-flight fetch under a concurrency cap) →
//! strict parse → ARN/account consistency → admission → normalized principal.
//!
//! Two bounded, O(1) LRU caches (see [`crate::cache`]) keyed by the SHA-256 of the value: admitted
//! identities until the value expires (at most `max_cache_ttl`), and final refusals for a few seconds
//! (`negative_cache_ttl`) so that repeating one bogus value costs one STS call, not one per request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use tokio::sync::{Semaphore, watch};

use crate::audience::Audience;
use crate::cache::{ExpiringLru, Key};
use crate::error::Rejection;
use crate::principal::Principal;
use crate::response::{CallerIdentity, parse_caller_identity, parse_error_code};
use crate::sts::{FetchError, OutboundRequest, StsClient, StsResponse};
use crate::validate::{ValidatedRequest, ValidationPolicy, validate};

/// Verifier settings.
#[derive(Debug, Clone)]
pub struct VerifierConfig {
    /// This service's audience: sent as `x-fluid-audience`, so only values signed for it verify.
    pub audience: Audience,
    /// The pure validation rules.
    pub policy: ValidationPolicy,
    /// Cap on concurrent outbound STS calls.
    pub max_concurrent_fetches: usize,
    /// How long a verification may wait for a fetch slot before answering [`Rejection::Busy`].
    pub fetch_slot_wait: Duration,
    /// Maximum number of cached admitted identities (least recently used evicted first).
    pub cache_capacity: usize,
    /// Upper bound on a cache entry's life (it never outlives the URL's own validity).
    pub max_cache_ttl: Duration,
    /// Maximum number of remembered final refusals (least recently used evicted first).
    pub negative_cache_capacity: usize,
    /// How long a final refusal (STS 4xx, not admitted, …) is remembered for the same value. Short,
    /// so a caller whose fresh credentials were not yet known to IAM (eventual consistency) is
    /// not locked out for long; never longer than the value's own validity.
    pub negative_cache_ttl: Duration,
}

impl VerifierConfig {
    /// Defaults for `audience`: 16 concurrent fetches, 2 s slot wait, 10 000 admitted identities
    /// for ≤ 5 min, 10 000 refusals for 10 s.
    pub fn new(audience: Audience) -> Self {
        Self {
            audience,
            policy: ValidationPolicy::default(),
            max_concurrent_fetches: 16,
            fetch_slot_wait: Duration::from_secs(2),
            cache_capacity: 10_000,
            max_cache_ttl: Duration::from_secs(300),
            negative_cache_capacity: 10_000,
            negative_cache_ttl: Duration::from_secs(10),
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

/// Which genuine identities the verifier accepts (and so caches); the rest are
/// [`Rejection::NotAllowed`].
type Admission = Box<dyn Fn(&Principal) -> bool + Send + Sync>;

/// What a verification leaves behind for the next one with the same value.
enum Remember {
    /// An admitted identity, until this Unix second.
    Admitted(u64),
    /// A final refusal, until this Unix second.
    Refused(u64),
    /// Nothing: the outcome was decided without STS, or was transient.
    Nothing,
}

/// The remembered verdicts and the verifications under way, behind one lock (every operation on
/// them is O(1)).
struct Caches {
    admitted: ExpiringLru<Arc<VerifiedIdentity>>,
    refused: ExpiringLru<Rejection>,
    /// One entry per value being verified right now: followers wait on the leader's outcome.
    in_flight: HashMap<Key, watch::Receiver<Option<Outcome>>>,
}

impl Caches {
    fn new(config: &VerifierConfig) -> Self {
        Self {
            admitted: ExpiringLru::new(config.cache_capacity),
            refused: ExpiringLru::new(config.negative_cache_capacity),
            in_flight: HashMap::new(),
        }
    }
}

/// Verifies `X-Fluid-Identity` values. Cheap to share behind an `Arc`.
///
/// Runs on a Tokio runtime with timers enabled (the fetch-slot wait is a `tokio::time::timeout`).
pub struct Verifier<C> {
    config: VerifierConfig,
    client: C,
    fetch_slots: Semaphore,
    admission: Option<Admission>,
    /// Keyed by SHA-256 of the header value: the bearer value itself is never stored.
    caches: Mutex<Caches>,
}

impl<C: StsClient> Verifier<C> {
    /// A verifier sending its STS calls through `client`. It accepts (and caches) every genuine
    /// identity until [`Verifier::admitting`] narrows that; a [`crate::Gate`] does so with its
    /// allowlist.
    pub fn new(config: VerifierConfig, client: C) -> Self {
        Self {
            fetch_slots: Semaphore::new(config.max_concurrent_fetches.max(1)),
            caches: Mutex::new(Caches::new(&config)),
            admission: None,
            config,
            client,
        }
    }

    /// Accepts only genuine identities whose principal `admit` approves; the others are
    /// [`Rejection::NotAllowed`] and remembered only briefly as refusals, so callers the service
    /// does not know never fill (or evict from) the cache of admitted identities. Forgets anything
    /// cached so far.
    pub fn admitting(mut self, admit: impl Fn(&Principal) -> bool + Send + Sync + 'static) -> Self {
        self.admission = Some(Box::new(admit));
        self.caches = Mutex::new(Caches::new(&self.config));
        self
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
    /// admitted identities are cached until the value expires (or `max_cache_ttl`), final refusals
    /// for `negative_cache_ttl`; transient failures (STS unreachable or throttling, busy) are not.
    pub async fn verify_at(&self, value: &str, now: SystemTime) -> Outcome {
        if value.len() > self.config.policy.max_header_len {
            return Err(Rejection::TooLong);
        }
        let key: Key = Sha256::digest(value.as_bytes()).into();
        let now_secs = unix(now);
        loop {
            let step = {
                let mut caches = self.caches.lock().expect("cache lock");
                if let Some(identity) = caches.admitted.get(&key, now_secs) {
                    return Ok(identity);
                }
                if let Some(refusal) = caches.refused.get(&key, now_secs) {
                    return Err(refusal);
                }
                match caches.in_flight.get(&key) {
                    Some(rx) => Step::Follow(rx.clone()),
                    None => {
                        let (tx, rx) = watch::channel(None);
                        caches.in_flight.insert(key, rx);
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
                    let mut guard = InFlightGuard {
                        caches: &self.caches,
                        key,
                        armed: true,
                    };
                    let (outcome, remember) = self.verify_uncached(value, now).await;
                    {
                        let mut caches = self.caches.lock().expect("cache lock");
                        caches.in_flight.remove(&key);
                        match (&outcome, remember) {
                            (Ok(identity), Remember::Admitted(until)) => {
                                caches.admitted.insert(key, identity.clone(), until)
                            }
                            (Err(refusal), Remember::Refused(until)) => {
                                caches.refused.insert(key, refusal.clone(), until)
                            }
                            _ => {}
                        }
                    }
                    guard.armed = false;
                    tx.send_replace(Some(outcome.clone()));
                    return outcome;
                }
            }
        }
    }

    /// One verification without the caches, and what of it may be remembered.
    async fn verify_uncached(&self, value: &str, now: SystemTime) -> (Outcome, Remember) {
        let validated = match validate(value, &self.config.policy, now) {
            Ok(validated) => validated,
            // Decided without STS, and cheaply: remembering would only let distinct bogus values
            // crowd out useful refusals (and `date-in-future` becomes valid later).
            Err(rejection) => return (Err(rejection), Remember::Nothing),
        };
        let expires_at = validated.expires_at();
        let outcome = self.ask_sts(&validated).await;
        let now_secs = unix(now);
        let remember = match &outcome {
            Ok(_) => Remember::Admitted(
                expires_at.min(now_secs.saturating_add(self.config.max_cache_ttl.as_secs())),
            ),
            Err(rejection) if rejection.is_final_verdict() => Remember::Refused(
                expires_at.min(now_secs.saturating_add(self.config.negative_cache_ttl.as_secs())),
            ),
            Err(_) => Remember::Nothing,
        };
        (outcome, remember)
    }

    /// The STS call under the concurrency cap, the answer judged, the identity admitted or not.
    async fn ask_sts(&self, validated: &ValidatedRequest) -> Outcome {
        let request = OutboundRequest::new(validated, self.config.audience.as_str());
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
        judge_status(&response)?;
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
        if let Some(admit) = &self.admission
            && !admit(&principal)
        {
            return Err(Rejection::NotAllowed);
        }
        Ok(Arc::new(VerifiedIdentity {
            principal,
            caller,
            expires_at: validated.expires_at(),
        }))
    }
}

/// A non-200 answer: throttling and server errors are STS's trouble (503, retried later), any
/// other status is STS refusing this value (401).
fn judge_status(response: &StsResponse) -> Result<(), Rejection> {
    if response.status == 200 {
        return Ok(());
    }
    let code = parse_error_code(&response.body);
    if response.status == 429 || code.as_deref().is_some_and(|c| c.contains("Throttling")) {
        return Err(Rejection::StsThrottled);
    }
    if (500..=599).contains(&response.status) {
        return Err(Rejection::StsUnavailable);
    }
    Err(Rejection::StsRejected {
        status: response.status,
        code,
    })
}

enum Step {
    Follow(watch::Receiver<Option<Outcome>>),
    Lead(watch::Sender<Option<Outcome>>),
}

/// Removes a leader's in-flight entry if the leader is dropped mid-flight, so followers retry.
struct InFlightGuard<'a> {
    caches: &'a Mutex<Caches>,
    key: Key,
    armed: bool,
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        if self.armed
            && let Ok(mut caches) = self.caches.lock()
        {
            caches.in_flight.remove(&self.key);
        }
    }
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
