//! The renewal plan, one step at a time, then over years of simulated runs against a model of
//! the store and of Cloudflare.

use std::collections::BTreeMap;

use time::macros::datetime;

use super::*;
use crate::Ca;

const T0: OffsetDateTime = datetime!(2027-01-01 00:00 UTC);

fn policy() -> Policy {
    Policy::from_days(90, 30).unwrap()
}

/// A CA valid for ten years from [`T0`], and a secret whose one certificate became active at
/// `T0` and is valid for 90 days.
fn fresh() -> (Ca, CaSecret) {
    let ca = Ca::generate("renewal CA", Validity::days_from(T0, 3650)).unwrap();
    let mut state = CaSecret {
        ca_certificate_pem: ca.certificate_pem().to_owned(),
        ca_private_key_pem: ca.private_key_pem().clone(),
        certificates: Vec::new(),
    };
    issue(&ca, &mut state, T0);
    let first = state.certificates[0].serial.clone();
    let entry = state.entry_mut(&first).unwrap();
    entry.state = CertState::Active;
    (ca, state)
}

fn issue(ca: &Ca, state: &mut CaSecret, now: OffsetDateTime) -> Serial {
    let cert = ca
        .issue_client("api.example.com", Validity::days_from(now, 90))
        .unwrap();
    let serial = cert.serial.clone();
    record_issued(state, cert, now);
    serial
}

/// A fresh secret whose successor was issued and listed at `at` (T0 + 60 days): the state,
/// the active serial and the listed one.
fn with_next_listed() -> (CaSecret, Serial, Serial, OffsetDateTime) {
    let (ca, mut state) = fresh();
    let old = state.certificates[0].serial.clone();
    let at = T0 + Duration::days(60);
    let next = issue(&ca, &mut state, at);
    let list = Step::List {
        serial: next.clone(),
    };
    apply(&mut state, &list, at).unwrap();
    (state, old, next, at)
}

fn states(state: &CaSecret) -> Vec<CertState> {
    state.certificates.iter().map(|e| e.state).collect()
}

#[test]
fn a_fresh_certificate_needs_nothing() {
    let (_, state) = fresh();
    assert_eq!(
        plan(&state, T0 + Duration::days(59), &policy()),
        Ok(Step::Idle)
    );
}

#[test]
fn a_certificate_expiring_within_renew_before_gets_a_successor_issued() {
    let (_, state) = fresh();
    let now = T0 + Duration::days(60);
    let step = plan(&state, now, &policy()).unwrap();
    assert_eq!(
        step,
        Step::Issue {
            subject_cn: "api.example.com".into(),
            validity: Validity::days_from(now, 90),
        }
    );
}

#[test]
fn an_expired_active_certificate_still_gets_a_successor() {
    let (_, state) = fresh();
    let step = plan(&state, T0 + Duration::days(200), &policy()).unwrap();
    assert!(matches!(step, Step::Issue { .. }), "{step:?}");
}

#[test]
fn an_issued_certificate_is_listed_next() {
    let (ca, mut state) = fresh();
    let now = T0 + Duration::days(60);
    let next = issue(&ca, &mut state, now);
    let step = plan(&state, now, &policy()).unwrap();
    assert_eq!(step, Step::List { serial: next });
    apply(&mut state, &step, now).unwrap();
    assert_eq!(states(&state), [CertState::Active, CertState::Listed]);
}

#[test]
fn a_listed_certificate_waits_for_the_store_to_spread() {
    let (state, _, next, now) = with_next_listed();
    let soon = now + Duration::minutes(59);
    assert_eq!(
        plan(&state, soon, &policy()),
        Ok(Step::Wait {
            serial: next,
            until: now + Duration::hours(1),
        })
    );
}

#[test]
fn a_listed_certificate_is_activated_once_spread_and_the_old_one_retires() {
    let (mut state, old, next, now) = with_next_listed();
    let later = now + Duration::hours(1);
    let step = plan(&state, later, &policy()).unwrap();
    assert_eq!(step, Step::Activate { next, old });
    apply(&mut state, &step, later).unwrap();
    assert_eq!(states(&state), [CertState::Retiring, CertState::Active]);
}

#[test]
fn a_retiring_certificate_stays_listed_until_cloudflare_has_switched_then_goes() {
    let (mut state, old, next, now) = with_next_listed();
    let switched = now + Duration::hours(2);
    let activate = Step::Activate {
        next: next.clone(),
        old: old.clone(),
    };
    apply(&mut state, &activate, switched).unwrap();
    assert!(matches!(
        plan(&state, switched + Duration::minutes(30), &policy()),
        Ok(Step::Wait { .. })
    ));
    let step = plan(&state, switched + Duration::hours(1), &policy()).unwrap();
    assert_eq!(step, Step::Retire { serial: old });
    apply(&mut state, &step, switched + Duration::hours(1)).unwrap();
    assert_eq!(states(&state), [CertState::Active]);
    assert_eq!(state.certificates[0].serial, next);
}

#[test]
fn a_secret_without_an_active_certificate_is_refused() {
    let (_, mut state) = fresh();
    state.certificates[0].state = CertState::Listed;
    assert_eq!(plan(&state, T0, &policy()), Err(PlanError::NoActive));
}

#[test]
fn a_secret_with_two_active_certificates_is_refused() {
    let (ca, mut state) = fresh();
    issue(&ca, &mut state, T0);
    state.certificates[1].state = CertState::Active;
    assert_eq!(
        plan(&state, T0, &policy()),
        Err(PlanError::SeveralActive(2))
    );
}

#[test]
fn a_secret_with_two_next_certificates_is_refused() {
    let (ca, mut state) = fresh();
    issue(&ca, &mut state, T0);
    issue(&ca, &mut state, T0);
    assert_eq!(plan(&state, T0, &policy()), Err(PlanError::SeveralNext(2)));
}

#[test]
fn a_step_recorded_twice_or_out_of_turn_is_refused_and_changes_nothing() {
    let (ca, mut state) = fresh();
    let old = state.certificates[0].serial.clone();
    let next = issue(&ca, &mut state, T0);
    let before = state.clone();
    let activate = Step::Activate {
        next: next.clone(),
        old: old.clone(),
    };
    assert!(apply(&mut state, &activate, T0).is_err(), "not listed yet");
    assert!(
        apply(&mut state, &Step::Retire { serial: old }, T0).is_err(),
        "the active one"
    );
    assert_eq!(state, before);
    apply(
        &mut state,
        &Step::List {
            serial: next.clone(),
        },
        T0,
    )
    .unwrap();
    assert!(
        apply(&mut state, &Step::List { serial: next }, T0).is_err(),
        "twice"
    );
}

#[test]
fn a_renewal_window_as_long_as_the_validity_is_refused() {
    assert!(Policy::from_days(90, 90).is_err());
    assert!(Policy::from_days(90, 0).is_err());
    assert!(Policy::from_days(0, 0).is_err());
}

/// The world the Lambda acts on, as far as the invariant goes: when each serial in the store
/// reaches the edge, and which serials Cloudflare may present (the active one, and the one it
/// replaced until the switch has spread).
struct World {
    store: BTreeMap<Serial, OffsetDateTime>,
    presenting: Serial,
    replaced: Option<(Serial, OffsetDateTime)>,
}

/// A small deterministic generator (xorshift64*), so a failure names its seed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// Runs the renewal every few minutes to 36 hours for three years: each run plans, carries the step out
/// on the world (the store's and Cloudflare's spread each take up to `propagation`), records
/// it, and checks that every serial Cloudflare may present has reached the edge and that the
/// active certificate never expires. Returns how many renewals completed.
fn simulate(seed: u64) -> usize {
    let policy = policy();
    let (ca, mut state) = fresh();
    let first = state.certificates[0].serial.clone();
    let mut world = World {
        store: BTreeMap::from([(first.clone(), T0)]),
        presenting: first,
        replaced: None,
    };
    let mut random = Random(seed | 1);
    let mut now = T0;
    let mut renewals = 0;
    while now < T0 + Duration::days(3 * 365) {
        // Mostly a daily-ish schedule, a quarter of the runs minutes apart (retries, a manual
        // invocation), so a missing wait would show.
        now += if random.below(4) == 0 {
            Duration::minutes(1 + random.below(30) as i64)
        } else {
            Duration::minutes(60 + random.below(35 * 60) as i64)
        };
        let step = plan(&state, now, &policy).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let spread =
            Duration::seconds(random.below(policy.propagation.whole_seconds() as u64 + 1) as i64);
        match &step {
            Step::Issue {
                subject_cn,
                validity,
            } => {
                let cert = ca.issue_client(subject_cn, *validity).unwrap();
                record_issued(&mut state, cert, now);
            }
            Step::List { serial } => {
                world.store.insert(serial.clone(), now + spread);
            }
            Step::Activate { next, old } => {
                assert_eq!(&world.presenting, old, "seed {seed}");
                world.presenting = next.clone();
                world.replaced = Some((old.clone(), now + spread));
                renewals += 1;
            }
            Step::Retire { serial } => {
                world.store.remove(serial);
            }
            Step::Idle | Step::Wait { .. } => {}
        }
        if !matches!(step, Step::Issue { .. }) {
            apply(&mut state, &step, now).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        }
        let mut presented = vec![world.presenting.clone()];
        if let Some((old, until)) = &world.replaced
            && *until > now
        {
            presented.push(old.clone());
        }
        for serial in presented {
            let reached = world.store.get(&serial).is_some_and(|at| *at <= now);
            assert!(
                reached,
                "seed {seed}, {now}, after {step:?}: Cloudflare may present {serial}, which the edge does not list"
            );
        }
        let active = state
            .certificates
            .iter()
            .find(|e| e.state == CertState::Active)
            .unwrap();
        assert!(
            active.not_after > now,
            "seed {seed}, {now}: the active certificate expired"
        );
        assert_eq!(active.serial, world.presenting, "seed {seed}");
    }
    renewals
}

#[test]
fn years_of_runs_never_leave_a_presented_serial_unlisted() {
    for seed in 1..=12u64 {
        let renewals = simulate(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        // 90-day certificates renewed 30 days before expiry: one renewal every ~60 days.
        assert!(
            (15..=20).contains(&renewals),
            "seed {seed}: {renewals} renewals"
        );
    }
}
