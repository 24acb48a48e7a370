//! Renewal of the client certificate without a lockout (contract 6 of issue 24), the same
//! discipline as the origin secret's rotation: one step per scheduled `renew` run at most,
//! decided here from the secret alone, carried out by the custom resource Lambda, then recorded
//! with [`apply`] (or [`record_issued`]).
//!
//! | state of the secret | step |
//! | --- | --- |
//! | a `retiring` entry, retiring for at least [`Policy::propagation`] | [`Step::Retire`] (d): delete its serial from the store and its certificate from Cloudflare |
//! | an `issued` entry | [`Step::List`] (b): put its serial in the store — both serials now pass |
//! | a `listed` entry, listed for at least [`Policy::propagation`] | [`Step::Activate`] (c): upload it to Cloudflare, point the hostnames at it; the old one retires |
//! | the `active` entry expires within [`Policy::renew_before`], no next one | [`Step::Issue`] (a): issue the next certificate |
//! | a `retiring` or `listed` entry changed state too recently | [`Step::Wait`] |
//! | otherwise | [`Step::Idle`] |
//!
//! The waits are what keep the invariant: every serial Cloudflare may present is in the store
//! and has reached the edge. A serial is only presented (c) once it has been listed for
//! `propagation`, and only leaves the store (d) once Cloudflare stopped presenting it
//! `propagation` ago. `propagation` must exceed both the KeyValueStore's spread and
//! Cloudflare's certificate switch (neither published; see `docs/viewer-mtls.md`).

use time::{Duration, OffsetDateTime};

use crate::ca::{ClientCertificate, Validity};
use crate::facts::CertificateFacts;
use crate::secret::{CaSecret, CertState, CertificateEntry};
use crate::serial::Serial;

/// The waiting time after a store write or a Cloudflare switch, unless configured.
pub const DEFAULT_PROPAGATION: Duration = Duration::hours(1);

/// When and for how long to renew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Issue the next certificate this long before the active one expires.
    pub renew_before: Duration,
    /// How long a client certificate is valid.
    pub client_validity: Duration,
    /// How long a state change must be old before the next step relies on it.
    pub propagation: Duration,
}

/// Why a policy was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "renewing {renew_before_days} days before expiry needs a validity longer than that, and both above 0 (validity {client_validity_days} days)"
)]
pub struct PolicyError {
    /// `ClientValidityDays`.
    pub client_validity_days: u32,
    /// `RenewBeforeDays`.
    pub renew_before_days: u32,
}

impl Policy {
    /// The policy of the custom resource's `ClientValidityDays` and `RenewBeforeDays`, with
    /// [`DEFAULT_PROPAGATION`]. Refuses a renewal window as long as the validity (every run
    /// would renew).
    ///
    /// ```
    /// use origin_pull_ca::renewal::Policy;
    /// assert!(Policy::from_days(90, 30).is_ok());
    /// assert!(Policy::from_days(30, 30).is_err());
    /// ```
    pub fn from_days(
        client_validity_days: u32,
        renew_before_days: u32,
    ) -> Result<Self, PolicyError> {
        if renew_before_days == 0 || client_validity_days <= renew_before_days {
            return Err(PolicyError {
                client_validity_days,
                renew_before_days,
            });
        }
        Ok(Self {
            renew_before: Duration::days(i64::from(renew_before_days)),
            client_validity: Duration::days(i64::from(client_validity_days)),
            propagation: DEFAULT_PROPAGATION,
        })
    }
}

/// The one step a run takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Nothing to do.
    Idle,
    /// A store write or a Cloudflare switch is too recent to rely on: run again after `until`.
    Wait {
        /// The entry waited on.
        serial: Serial,
        /// When the step it waits for may be taken.
        until: OffsetDateTime,
    },
    /// (a) Issue the next certificate for `subject_cn`, valid for `validity`, and store it
    /// ([`record_issued`]).
    Issue {
        /// The active certificate's subject common name.
        subject_cn: String,
        /// From now for the policy's validity.
        validity: Validity,
    },
    /// (b) Put `serial` in the Connection Function's store.
    List {
        /// The issued certificate's serial.
        serial: Serial,
    },
    /// (c) Upload `next` to Cloudflare and point the hostnames at it; `old` retires.
    Activate {
        /// The listed certificate.
        next: Serial,
        /// The active one.
        old: Serial,
    },
    /// (d) Delete `serial` from the store and its certificate from Cloudflare, then the entry.
    Retire {
        /// The retiring certificate's serial.
        serial: Serial,
    },
}

/// A secret the plan cannot take a step from (something other than the Lambda wrote it, or a
/// step was recorded twice): a run refuses, loudly, rather than guess.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// No `active` entry: nothing says what Cloudflare presents.
    #[error("the CA secret has no active certificate")]
    NoActive,
    /// More than one `active` entry.
    #[error("the CA secret has {0} active certificates")]
    SeveralActive(usize),
    /// More than one `issued` or `listed` entry.
    #[error("the CA secret has {0} next certificates (issued or listed)")]
    SeveralNext(usize),
    /// The active certificate has no subject common name to issue the next one for.
    #[error("the active certificate {0} has no readable subject common name")]
    NoSubject(Serial),
    /// [`apply`] was given a step that does not fit the secret.
    #[error("the step {0} does not fit the CA secret")]
    StepDoesNotFit(String),
}

/// The next step for `state` at `now`.
pub fn plan(state: &CaSecret, now: OffsetDateTime, policy: &Policy) -> Result<Step, PlanError> {
    let active = the_active(state)?;
    let next: Vec<&CertificateEntry> = state
        .certificates
        .iter()
        .filter(|e| matches!(e.state, CertState::Issued | CertState::Listed))
        .collect();
    if next.len() > 1 {
        return Err(PlanError::SeveralNext(next.len()));
    }
    let settled = |e: &CertificateEntry| e.state_since + policy.propagation;
    if let Some(retiring) = state
        .certificates
        .iter()
        .find(|e| e.state == CertState::Retiring)
    {
        return Ok(if settled(retiring) <= now {
            Step::Retire {
                serial: retiring.serial.clone(),
            }
        } else {
            Step::Wait {
                serial: retiring.serial.clone(),
                until: settled(retiring),
            }
        });
    }
    if let Some(next) = next.first() {
        return Ok(match next.state {
            CertState::Issued => Step::List {
                serial: next.serial.clone(),
            },
            _ if settled(next) <= now => Step::Activate {
                next: next.serial.clone(),
                old: active.serial.clone(),
            },
            _ => Step::Wait {
                serial: next.serial.clone(),
                until: settled(next),
            },
        });
    }
    if active.not_after - policy.renew_before <= now {
        let subject_cn = CertificateFacts::of_pem(&active.certificate_pem)
            .ok()
            .and_then(|f| f.subject_cn)
            .ok_or_else(|| PlanError::NoSubject(active.serial.clone()))?;
        return Ok(Step::Issue {
            subject_cn,
            validity: Validity::between(now, now + policy.client_validity),
        });
    }
    Ok(Step::Idle)
}

/// The one `active` entry.
fn the_active(state: &CaSecret) -> Result<&CertificateEntry, PlanError> {
    let mut active = state
        .certificates
        .iter()
        .filter(|e| e.state == CertState::Active);
    match (active.next(), active.count()) {
        (None, _) => Err(PlanError::NoActive),
        (Some(one), 0) => Ok(one),
        (Some(_), more) => Err(PlanError::SeveralActive(more + 1)),
    }
}

/// Records step (a) done: `certificate`, issued at `now`, is stored as the next one.
pub fn record_issued(state: &mut CaSecret, certificate: ClientCertificate, now: OffsetDateTime) {
    state
        .certificates
        .push(CertificateEntry::issued(certificate, now));
}

/// Records `step` (b, c or d) done at `now`: (b) the entry is `listed`; (c) the next one is
/// `active` and the old one `retiring`; (d) the entry is gone. `Idle` and `Wait` change nothing;
/// `Issue` is recorded with [`record_issued`]. A step that does not fit the secret (its entry
/// missing or in another state) is refused and changes nothing.
pub fn apply(state: &mut CaSecret, step: &Step, now: OffsetDateTime) -> Result<(), PlanError> {
    let does_not_fit = || PlanError::StepDoesNotFit(format!("{step:?}"));
    let in_state = |state: &CaSecret, serial: &Serial, wanted: CertState| {
        state
            .certificates
            .iter()
            .any(|e| &e.serial == serial && e.state == wanted)
    };
    let set = |state: &mut CaSecret, serial: &Serial, to: CertState| {
        if let Some(entry) = state.entry_mut(serial) {
            entry.state = to;
            entry.state_since = now;
        }
    };
    match step {
        Step::Idle | Step::Wait { .. } => Ok(()),
        Step::Issue { .. } => Err(does_not_fit()),
        Step::List { serial } => {
            if !in_state(state, serial, CertState::Issued) {
                return Err(does_not_fit());
            }
            set(state, serial, CertState::Listed);
            Ok(())
        }
        Step::Activate { next, old } => {
            if !in_state(state, next, CertState::Listed) || !in_state(state, old, CertState::Active)
            {
                return Err(does_not_fit());
            }
            set(state, next, CertState::Active);
            set(state, old, CertState::Retiring);
            Ok(())
        }
        Step::Retire { serial } => {
            if !in_state(state, serial, CertState::Retiring) {
                return Err(does_not_fit());
            }
            state.certificates.retain(|e| &e.serial != serial);
            Ok(())
        }
    }
}

#[cfg(test)]
#[path = "renewal_tests.rs"]
mod tests;
