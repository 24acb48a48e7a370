//! The CA itself: generated once (ECDSA P-256, self-signed, path length 0), restored from its
//! PEMs, and issuing client certificates for Cloudflare's Authenticated Origin Pulls.

use std::fmt;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, SerialNumber,
};
use time::{Duration, OffsetDateTime};

use crate::facts::{CertificateError, CertificateFacts};
use crate::key::PrivateKeyPem;
use crate::serial::Serial;

/// The longest common name a certificate gets (X.520's upper bound).
pub const MAX_COMMON_NAME: usize = 64;

/// When a certificate is valid: from `not_before` to `not_after`, both whole seconds (X.509
/// times have no fractions). A parameter of every issuance, so a test can issue a certificate
/// that has already expired, or is not valid yet, through the same API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// Valid from.
    pub not_before: OffsetDateTime,
    /// Valid until.
    pub not_after: OffsetDateTime,
}

impl Validity {
    /// `days` days from `start` (both truncated to the second).
    ///
    /// ```
    /// use origin_pull_ca::Validity;
    /// use time::macros::datetime;
    /// let v = Validity::days_from(datetime!(2026-12-01 10:00:00.5 UTC), 90);
    /// assert_eq!(v.not_after, datetime!(2027-03-01 10:00:00 UTC));
    /// ```
    pub fn days_from(start: OffsetDateTime, days: u32) -> Self {
        let not_before = whole_second(start);
        Self {
            not_before,
            not_after: not_before + Duration::days(i64::from(days)),
        }
    }

    /// From `not_before` to `not_after`, truncated to the second.
    pub fn between(not_before: OffsetDateTime, not_after: OffsetDateTime) -> Self {
        Self {
            not_before: whole_second(not_before),
            not_after: whole_second(not_after),
        }
    }
}

/// `t` in UTC without its fraction of a second.
fn whole_second(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("0 is a valid nanosecond")
}

/// Why the CA could not be made, restored or used.
#[derive(Debug, thiserror::Error)]
pub enum CaError {
    /// A common name that is empty, longer than [`MAX_COMMON_NAME`] or has control characters.
    #[error(
        "the common name {0:?} is not 1-{MAX_COMMON_NAME} characters without control characters"
    )]
    CommonName(String),
    /// `not_after` is not after `not_before`.
    #[error("the validity ends ({not_after}) before it starts ({not_before})")]
    EmptyValidity {
        /// Valid from.
        not_before: OffsetDateTime,
        /// Valid until.
        not_after: OffsetDateTime,
    },
    /// A client certificate would outlive the CA that signs it.
    #[error(
        "a certificate valid until {not_after} would outlive its CA (valid until {ca_not_after})"
    )]
    OutlivesCa {
        /// The certificate's end.
        not_after: OffsetDateTime,
        /// The CA's end.
        ca_not_after: OffsetDateTime,
    },
    /// The CA certificate PEM could not be read.
    #[error("the CA certificate: {0}")]
    Certificate(#[from] CertificateError),
    /// The CA certificate is not a CA (no basic constraints with `cA`).
    #[error("the CA certificate is not a CA certificate")]
    NotCa,
    /// The private key PEM is not a P-256 PKCS#8 key (the message never quotes the key).
    #[error("the CA private key is not a PEM ECDSA P-256 key")]
    Key,
    /// The private key is not the one of the CA certificate.
    #[error("the CA private key does not belong to the CA certificate")]
    KeyMismatch,
    /// The system's random source failed.
    #[error("no randomness for a serial number")]
    Random,
    /// rcgen refused to build or sign a certificate.
    #[error("building the certificate: {0}")]
    Build(#[from] rcgen::Error),
}

/// A client certificate the CA issued, with its key.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCertificate {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// Its private key (PKCS#8 PEM), redacted in `Debug`.
    pub key_pem: PrivateKeyPem,
    /// Its serial number.
    pub serial: Serial,
    /// Valid until.
    pub not_after: OffsetDateTime,
}

impl fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("serial", &self.serial)
            .field("not_after", &self.not_after)
            .field("key_pem", &self.key_pem)
            .finish_non_exhaustive()
    }
}

/// The CA: its certificate, its key and what it signs with.
pub struct Ca {
    cert_pem: String,
    key_pem: PrivateKeyPem,
    facts: CertificateFacts,
    issuer: Issuer<'static, KeyPair>,
}

impl fmt::Debug for Ca {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ca")
            .field("facts", &self.facts)
            .field("key_pem", &self.key_pem)
            .finish_non_exhaustive()
    }
}

impl Ca {
    /// A new CA named `common_name`, valid for `validity`: a fresh P-256 key, a self-signed
    /// certificate (CA, path length 0, key usages certificate and CRL signing) and a random
    /// serial.
    ///
    /// ```
    /// use origin_pull_ca::{Ca, Validity};
    /// let now = time::OffsetDateTime::now_utc();
    /// let ca = Ca::generate("oac-kit origin-pull CA", Validity::days_from(now, 3650)).unwrap();
    /// let client = ca.issue_client("api.example.com", Validity::days_from(now, 90)).unwrap();
    /// assert!(client.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    /// assert!(!format!("{client:?}").contains("PRIVATE KEY"));
    /// ```
    pub fn generate(common_name: &str, validity: Validity) -> Result<Self, CaError> {
        let mut params = params(common_name, validity)?;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let certificate = params.self_signed(&key)?;
        let cert_pem = certificate.pem();
        let key_pem = PrivateKeyPem::new(key.serialize_pem());
        Ok(Self {
            facts: CertificateFacts::of_der(certificate.der())?,
            cert_pem,
            key_pem,
            issuer: Issuer::new(params, key),
        })
    }

    /// The CA as stored (contract 4: `caCertificatePem`, `caPrivateKeyPem`). Refuses a
    /// certificate that is not a CA and a key that is not the certificate's.
    pub fn from_pem(cert_pem: &str, key_pem: &PrivateKeyPem) -> Result<Self, CaError> {
        let facts = CertificateFacts::of_pem(cert_pem)?;
        if !facts.is_ca {
            return Err(CaError::NotCa);
        }
        let key = KeyPair::from_pem(key_pem.expose()).map_err(|_| CaError::Key)?;
        if key.algorithm() != &PKCS_ECDSA_P256_SHA256 {
            return Err(CaError::Key);
        }
        let der = crate::facts::certificate_der(cert_pem)?;
        let (_, parsed) = x509_parser::parse_x509_certificate(&der)
            .map_err(|e| CertificateError::Unparsable(e.to_string()))?;
        if parsed.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
            return Err(CaError::KeyMismatch);
        }
        let issuer = Issuer::from_ca_cert_pem(cert_pem, key)?;
        Ok(Self {
            cert_pem: cert_pem.to_owned(),
            key_pem: key_pem.clone(),
            facts,
            issuer,
        })
    }

    /// The CA certificate, PEM: CloudFront's trust store bundle.
    pub fn certificate_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA's private key, PEM (for the secret only).
    pub fn private_key_pem(&self) -> &PrivateKeyPem {
        &self.key_pem
    }

    /// The CA certificate's facts.
    pub fn facts(&self) -> &CertificateFacts {
        &self.facts
    }

    /// Issues a client certificate for `subject_cn`, valid for `validity`: a fresh P-256 key,
    /// a random serial (contract 1), extended key usage client authentication only, key usage
    /// digital signature, not a CA, the CA's key identifier. Refuses a validity that ends after
    /// the CA's; one that has already ended is issued (for tests of expired certificates).
    pub fn issue_client(
        &self,
        subject_cn: &str,
        validity: Validity,
    ) -> Result<ClientCertificate, CaError> {
        if validity.not_after > self.facts.not_after {
            return Err(CaError::OutlivesCa {
                not_after: validity.not_after,
                ca_not_after: self.facts.not_after,
            });
        }
        let mut params = params(subject_cn, validity)?;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.use_authority_key_identifier_extension = true;
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let certificate = params.signed_by(&key, &self.issuer)?;
        let facts = CertificateFacts::of_der(certificate.der())?;
        Ok(ClientCertificate {
            cert_pem: certificate.pem(),
            key_pem: PrivateKeyPem::new(key.serialize_pem()),
            serial: facts.serial,
            not_after: facts.not_after,
        })
    }
}

/// The parameters every certificate shares: the subject (CN only), the validity and a random
/// serial.
fn params(common_name: &str, validity: Validity) -> Result<CertificateParams, CaError> {
    if common_name.is_empty()
        || common_name.chars().count() > MAX_COMMON_NAME
        || common_name.chars().any(char::is_control)
    {
        return Err(CaError::CommonName(common_name.to_owned()));
    }
    let validity = Validity::between(validity.not_before, validity.not_after);
    if validity.not_after <= validity.not_before {
        return Err(CaError::EmptyValidity {
            not_before: validity.not_before,
            not_after: validity.not_after,
        });
    }
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    params.distinguished_name = name;
    params.not_before = validity.not_before;
    params.not_after = validity.not_after;
    let serial = Serial::random_bytes().map_err(|_| CaError::Random)?;
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    Ok(params)
}
