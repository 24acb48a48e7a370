//! The verifier on certificates minted here, with a recording stand-in for the Connection
//! Function (the real one runs in Node.js: `tests/viewer_mtls`).

use std::sync::atomic::{AtomicUsize, Ordering};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

use super::*;

/// Allows exactly `listed`; counts its calls.
#[derive(Debug, Default)]
struct Listed {
    listed: Vec<String>,
    calls: AtomicUsize,
}

impl ConnectionFunction for Listed {
    fn run(&self, serial: &SerialNumber, _: SocketAddr) -> Result<(), Refusal> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        if self.listed.contains(&serial.canonical()) {
            Ok(())
        } else {
            Err(Refusal::SerialNotListed(serial.canonical()))
        }
    }
}

fn ca(name: &str) -> (CertifiedIssuer<'static, KeyPair>, rustls::RootCertStore) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(issuer.der().clone()).unwrap();
    (issuer, roots)
}

/// A client certificate valid between `days` from now.
fn client(ca: &CertifiedIssuer<'static, KeyPair>, days: (i64, i64)) -> CertificateDer<'static> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let now = OffsetDateTime::now_utc();
    params.not_before = now + Duration::days(days.0);
    params.not_after = now + Duration::days(days.1);
    let key = KeyPair::generate().unwrap();
    params.signed_by(&key, ca).unwrap().der().clone()
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
        listed: listed
            .iter()
            .map(|c| SerialNumber::of(c).unwrap().canonical())
            .collect(),
        calls: AtomicUsize::new(0),
    });
    let parts = VerifierParts {
        trust_store: VerifierParts::trust_store(roots).unwrap(),
        ignore_expiry,
        function: function.clone(),
    };
    let (verifier, outcome) = parts.for_connection("127.0.0.1:1".parse().unwrap());
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
    let serial = SerialNumber::of(&zone).unwrap().canonical();
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
    let serial = SerialNumber::of(&zone).unwrap().canonical();
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
