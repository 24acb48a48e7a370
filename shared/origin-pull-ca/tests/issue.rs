//! The CA's certificates checked by an independent verifier (rustls-webpki, the one rustls
//! uses): chain, client-auth usage and validity at a given time.

use origin_pull_ca::{Ca, CaError, CertificateFacts, PrivateKeyPem, Serial, Validity};
use rustls_pki_types::{CertificateDer, UnixTime, pem::PemObject};
use time::{Duration, OffsetDateTime};
use webpki::{EndEntityCert, KeyUsage, anchor_from_trusted_cert};

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn ca() -> Ca {
    Ca::generate("test origin-pull CA", Validity::days_from(now(), 3650)).unwrap()
}

fn der(pem: &str) -> CertificateDer<'static> {
    CertificateDer::from_pem_slice(pem.as_bytes()).unwrap()
}

/// What webpki says of `client_pem` presented for client authentication to a server trusting
/// `ca_pem`, at `at`.
fn verify(ca_pem: &str, client_pem: &str, at: OffsetDateTime) -> Result<(), webpki::Error> {
    let ca_der = der(ca_pem);
    let anchors = [anchor_from_trusted_cert(&ca_der).unwrap()];
    let client_der = der(client_pem);
    let client = EndEntityCert::try_from(&client_der).unwrap();
    let time =
        UnixTime::since_unix_epoch(std::time::Duration::from_secs(at.unix_timestamp() as u64));
    client
        .verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &[],
            time,
            KeyUsage::client_auth(),
            None,
            None,
        )
        .map(|_| ())
}

#[test]
fn an_issued_certificate_verifies_against_the_ca_for_client_auth() {
    let ca = ca();
    let client = ca
        .issue_client("api.example.com", Validity::days_from(now(), 90))
        .unwrap();
    verify(ca.certificate_pem(), &client.cert_pem, now()).unwrap();
}

#[test]
fn an_issued_certificate_is_refused_for_server_auth() {
    let ca = ca();
    let client = ca
        .issue_client("api.example.com", Validity::days_from(now(), 90))
        .unwrap();
    let ca_der = der(ca.certificate_pem());
    let anchors = [anchor_from_trusted_cert(&ca_der).unwrap()];
    let client_der = der(&client.cert_pem);
    let e = EndEntityCert::try_from(&client_der)
        .unwrap()
        .verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &[],
            UnixTime::now(),
            KeyUsage::server_auth(),
            None,
            None,
        )
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(e, webpki::Error::RequiredEkuNotFoundContext(_)),
        "{e:?}"
    );
}

#[test]
fn a_certificate_of_another_ca_does_not_verify() {
    let other = Ca::generate("another CA", Validity::days_from(now(), 3650)).unwrap();
    let theirs = other
        .issue_client("api.example.com", Validity::days_from(now(), 90))
        .unwrap();
    let e = verify(ca().certificate_pem(), &theirs.cert_pem, now()).unwrap_err();
    assert!(matches!(e, webpki::Error::UnknownIssuer), "{e:?}");
}

#[test]
fn a_certificate_of_an_impostor_ca_with_our_cas_name_does_not_verify() {
    // Same common name, another key: the name matches, the signature does not.
    let impostor = ca()
        .issue_client("api.example.com", Validity::days_from(now(), 90))
        .unwrap();
    let e = verify(ca().certificate_pem(), &impostor.cert_pem, now()).unwrap_err();
    assert!(
        matches!(e, webpki::Error::InvalidSignatureForPublicKey),
        "{e:?}"
    );
}

#[test]
fn an_already_expired_certificate_can_be_issued_and_does_not_verify() {
    let ca = ca();
    let past = Validity::between(now() - Duration::days(10), now() - Duration::days(1));
    let expired = ca.issue_client("api.example.com", past).unwrap();
    assert!(expired.not_after < now());
    let e = verify(ca.certificate_pem(), &expired.cert_pem, now()).unwrap_err();
    assert!(matches!(e, webpki::Error::CertExpired { .. }), "{e:?}");
    // The same certificate was valid during its validity.
    verify(
        ca.certificate_pem(),
        &expired.cert_pem,
        now() - Duration::days(5),
    )
    .unwrap();
}

#[test]
fn the_issued_facts_are_what_the_certificate_says() {
    let ca = ca();
    let validity = Validity::days_from(now(), 90);
    let client = ca.issue_client("api.example.com", validity).unwrap();
    let facts = CertificateFacts::of_pem(&client.cert_pem).unwrap();
    assert_eq!(facts.serial, client.serial);
    assert_eq!(facts.not_before, validity.not_before);
    assert_eq!(facts.not_after, validity.not_after);
    assert_eq!(client.not_after, validity.not_after);
    assert_eq!(facts.subject_cn.as_deref(), Some("api.example.com"));
    assert_eq!(facts.issuer_cn.as_deref(), Some("test origin-pull CA"));
    assert!(!facts.is_ca);
    assert_eq!(
        Serial::of_certificate_pem(&client.cert_pem).unwrap(),
        client.serial
    );
}

#[test]
fn issued_serials_are_random_positive_and_16_bytes() {
    let ca = ca();
    let serials: Vec<Serial> = (0..20)
        .map(|_| {
            ca.issue_client("api.example.com", Validity::days_from(now(), 1))
                .unwrap()
                .serial
        })
        .collect();
    for serial in &serials {
        assert!((31..=32).contains(&serial.as_str().len()), "{serial}");
    }
    let mut unique = serials.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), serials.len());
}

#[test]
fn a_ca_restored_from_its_pems_issues_certificates_that_verify() {
    let original = ca();
    let restored = Ca::from_pem(original.certificate_pem(), original.private_key_pem()).unwrap();
    let client = restored
        .issue_client("api.example.com", Validity::days_from(now(), 90))
        .unwrap();
    verify(original.certificate_pem(), &client.cert_pem, now()).unwrap();
    assert_eq!(restored.facts(), original.facts());
}

#[test]
fn a_ca_with_another_cas_key_is_refused() {
    let (one, two) = (ca(), ca());
    let e = Ca::from_pem(one.certificate_pem(), two.private_key_pem()).unwrap_err();
    assert!(matches!(e, CaError::KeyMismatch), "{e}");
}

#[test]
fn a_client_certificate_is_refused_as_a_ca() {
    let ca = ca();
    let client = ca
        .issue_client("api.example.com", Validity::days_from(now(), 90))
        .unwrap();
    let e = Ca::from_pem(&client.cert_pem, &client.key_pem).unwrap_err();
    assert!(matches!(e, CaError::NotCa), "{e}");
}

#[test]
fn a_key_that_is_not_a_key_is_refused_without_quoting_it() {
    let ca = ca();
    let garbage =
        PrivateKeyPem::new("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n");
    let e = Ca::from_pem(ca.certificate_pem(), &garbage).unwrap_err();
    assert!(matches!(e, CaError::Key), "{e}");
    assert!(!format!("{e} {e:?}").contains("c2VjcmV0"));
}

#[test]
fn a_certificate_outliving_its_ca_is_refused() {
    let short = Ca::generate("short CA", Validity::days_from(now(), 30)).unwrap();
    let e = short
        .issue_client("api.example.com", Validity::days_from(now(), 90))
        .unwrap_err();
    assert!(matches!(e, CaError::OutlivesCa { .. }), "{e}");
}

#[test]
fn an_empty_validity_is_refused() {
    let at = now();
    let e = ca()
        .issue_client("api.example.com", Validity::between(at, at))
        .unwrap_err();
    assert!(matches!(e, CaError::EmptyValidity { .. }), "{e}");
}

#[test]
fn bad_common_names_are_refused() {
    let ca = ca();
    for cn in ["", "a\nb", &"x".repeat(65)] {
        let e = ca
            .issue_client(cn, Validity::days_from(now(), 1))
            .unwrap_err();
        assert!(matches!(e, CaError::CommonName(_)), "{cn:?}: {e}");
    }
    assert!(
        ca.issue_client(&"x".repeat(64), Validity::days_from(now(), 1))
            .is_ok()
    );
}

#[test]
fn no_debug_or_display_shows_a_private_key() {
    let ca = ca();
    let client = ca
        .issue_client("api.example.com", Validity::days_from(now(), 90))
        .unwrap();
    let shown = format!(
        "{ca:?} {client:?} {} {:?}",
        client.key_pem,
        ca.private_key_pem()
    );
    assert!(!shown.contains("PRIVATE KEY"), "{shown}");
    for key in [ca.private_key_pem().expose(), client.key_pem.expose()] {
        let body = key.lines().nth(1).unwrap();
        assert!(!shown.contains(body), "{shown}");
    }
    assert!(
        client
            .key_pem
            .expose()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
}

#[test]
fn a_private_key_pem_is_not_a_certificate() {
    let ca = ca();
    let e = CertificateFacts::of_pem(ca.private_key_pem().expose()).unwrap_err();
    let body = ca
        .private_key_pem()
        .expose()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    assert!(!format!("{e} {e:?}").contains(&body), "{e}");
}

/// The key identifiers of a PEM certificate: (subject key id, authority key id).
fn key_ids(pem: &str) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    use x509_parser::extensions::ParsedExtension;
    let der = der(pem);
    let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
    let (mut ski, mut aki) = (None, None);
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => ski = Some(id.0.to_vec()),
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                aki = a.key_identifier.as_ref().map(|id| id.0.to_vec())
            }
            _ => {}
        }
    }
    (ski, aki)
}

#[test]
fn issued_certificates_name_the_cas_key_identifier_before_and_after_a_restore() {
    // Path builders (OpenSSL among them) match a certificate's authority key identifier with
    // its issuer's subject key identifier: a restored CA must keep writing the same one.
    let original = ca();
    let (ca_ski, _) = key_ids(original.certificate_pem());
    assert!(ca_ski.is_some());
    let restored = Ca::from_pem(original.certificate_pem(), original.private_key_pem()).unwrap();
    for issuer in [&original, &restored] {
        let client = issuer
            .issue_client("api.example.com", Validity::days_from(now(), 90))
            .unwrap();
        assert_eq!(key_ids(&client.cert_pem).1, ca_ski);
    }
}
