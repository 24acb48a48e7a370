//! The verifier on certificates of the origin-pull CA (`origin_pull_ca`), with a recording
//! stand-in for the Connection Function (the real one runs in Node.js: `tests/viewer_mtls`).

use std::sync::atomic::{AtomicUsize, Ordering};

use origin_pull_ca::{Ca, Validity};
use rustls_pki_types::pem::PemObject;
use time::{Duration, OffsetDateTime};

use super::*;

/// Allows exactly `listed`; counts its calls.
#[derive(Debug, Default)]
struct Listed {
    listed: Vec<Serial>,
    calls: AtomicUsize,
}

impl ConnectionFunction for Listed {
    fn run(&self, serial: &Serial) -> Result<(), Refusal> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        if self.listed.contains(serial) {
            Ok(())
        } else {
            Err(Refusal::SerialNotListed(serial.as_str().to_owned()))
        }
    }
}

/// Validity between `days` from now.
fn days(days: (i64, i64)) -> Validity {
    let now = OffsetDateTime::now_utc();
    Validity::between(now + Duration::days(days.0), now + Duration::days(days.1))
}

/// The origin-pull CA and its trust store.
fn ca(name: &str) -> (Ca, rustls::RootCertStore) {
    let ca = Ca::generate(name, days((-400, 3650))).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(ca.certificate_pem().as_bytes()).unwrap())
        .unwrap();
    (ca, roots)
}

/// A client certificate valid between `validity` days from now.
fn client(ca: &Ca, validity: (i64, i64)) -> CertificateDer<'static> {
    let issued = ca.issue_client("zone", days(validity)).unwrap();
    CertificateDer::from_pem_slice(issued.cert_pem.as_bytes()).unwrap()
}

fn serial(certificate: &CertificateDer<'_>) -> Serial {
    Serial::of_certificate_der(certificate).unwrap()
}

fn now() -> UnixTime {
    UnixTime::now()
}

struct Check {
    outcome: Option<Outcome>,
    calls: usize,
    result: Result<(), Error>,
}

fn check(
    roots: rustls::RootCertStore,
    certificate: &CertificateDer<'static>,
    listed: &[&CertificateDer<'static>],
    ignore_expiry: bool,
) -> Check {
    let function = Arc::new(Listed {
        listed: listed.iter().map(|c| serial(c)).collect(),
        calls: AtomicUsize::new(0),
    });
    let parts = VerifierParts {
        trust_store: VerifierParts::trust_store(roots).unwrap(),
        ignore_expiry,
        function: function.clone(),
    };
    let (verifier, outcome) = parts.for_connection();
    let result = verifier
        .verify_client_cert(certificate, &[], now())
        .map(|_| ());
    let outcome = outcome.lock().unwrap().take();
    Check {
        outcome,
        calls: function.calls.load(Ordering::Relaxed),
        result,
    }
}

#[test]
fn a_listed_certificate_of_the_ca_is_allowed() {
    let (ca, roots) = ca("zone");
    let zone = client(&ca, (-1, 90));
    let checked = check(roots, &zone, &[&zone], false);
    assert!(checked.result.is_ok());
    let serial = serial(&zone).as_str().to_owned();
    assert_eq!(
        checked.outcome,
        Some(Outcome::Allowed {
            serial,
            expired: false
        })
    );
}

#[test]
fn an_unlisted_serial_is_refused_by_the_function() {
    let (ca, roots) = ca("zone");
    let zone = client(&ca, (-1, 90));
    let checked = check(roots, &zone, &[], false);
    assert_eq!(checked.calls, 1);
    let serial = serial(&zone).as_str().to_owned();
    assert_eq!(
        checked.outcome,
        Some(Outcome::Refused(Refusal::SerialNotListed(serial)))
    );
    assert!(matches!(
        checked.result,
        Err(Error::InvalidCertificate(
            CertificateError::ApplicationVerificationFailure
        ))
    ));
}

#[test]
fn another_cas_certificate_never_reaches_the_function() {
    let (_, roots) = ca("zone");
    let (other, _) = ca("other");
    let stranger = client(&other, (-1, 90));
    let checked = check(roots, &stranger, &[&stranger], true);
    assert_eq!(checked.calls, 0);
    assert_eq!(
        checked.outcome,
        Some(Outcome::Refused(Refusal::UnknownIssuer))
    );
}

#[test]
fn an_expired_certificate_is_refused_before_the_function() {
    let (ca, roots) = ca("zone");
    let expired = client(&ca, (-100, -10));
    let checked = check(roots, &expired, &[&expired], false);
    assert_eq!(checked.calls, 0);
    assert_eq!(checked.outcome, Some(Outcome::Refused(Refusal::Expired)));
}

#[test]
fn ignoring_expiry_hands_an_expired_certificate_to_the_function() {
    let (ca, roots) = ca("zone");
    let expired = client(&ca, (-100, -10));
    let checked = check(roots.clone(), &expired, &[&expired], true);
    assert_eq!(checked.calls, 1);
    assert!(matches!(
        checked.outcome,
        Some(Outcome::Allowed { expired: true, .. })
    ));
    let unlisted = check(roots, &expired, &[], true);
    assert!(matches!(
        unlisted.outcome,
        Some(Outcome::Refused(Refusal::SerialNotListed(_)))
    ));
}

#[test]
fn ignoring_expiry_does_not_admit_a_certificate_not_yet_valid() {
    let (ca, roots) = ca("zone");
    let early = client(&ca, (10, 100));
    let checked = check(roots, &early, &[&early], true);
    assert_eq!(checked.calls, 0);
    assert!(matches!(
        checked.outcome,
        Some(Outcome::Refused(Refusal::BadCertificate(_)))
    ));
}
