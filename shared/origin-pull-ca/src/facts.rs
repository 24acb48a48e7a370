//! What a certificate says of itself, read with x509-parser: its serial, validity and the
//! common names of its issuer and subject. For the CA secret's entries, the custom resource's
//! public `Data` and the tests.

use time::OffsetDateTime;
use x509_parser::prelude::X509Certificate;

use crate::serial::{Serial, SerialError};

/// Why a certificate could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// No PEM block, or one that is not a `CERTIFICATE`.
    #[error("not a PEM certificate: {0}")]
    NotPem(String),
    /// The DER is not an X.509 certificate.
    #[error("not an X.509 certificate: {0}")]
    Unparsable(String),
    /// The serial is not one [`Serial`] takes (empty or over 20 octets).
    #[error("the certificate's serial number: {0}")]
    Serial(SerialError),
}

/// A certificate's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateFacts {
    /// Its serial number.
    pub serial: Serial,
    /// Valid from.
    pub not_before: OffsetDateTime,
    /// Valid until.
    pub not_after: OffsetDateTime,
    /// The issuer's common name, if it has one (the first).
    pub issuer_cn: Option<String>,
    /// The subject's common name, if it has one (the first).
    pub subject_cn: Option<String>,
    /// Whether its basic constraints make it a CA.
    pub is_ca: bool,
}

impl CertificateFacts {
    /// The facts of the first certificate in `pem`.
    ///
    /// ```
    /// use origin_pull_ca::{Ca, CertificateFacts, Validity};
    /// let now = time::OffsetDateTime::now_utc();
    /// let ca = Ca::generate("doc CA", Validity::days_from(now, 30)).unwrap();
    /// let facts = CertificateFacts::of_pem(ca.certificate_pem()).unwrap();
    /// assert_eq!(facts.subject_cn.as_deref(), Some("doc CA"));
    /// assert!(facts.is_ca);
    /// ```
    pub fn of_pem(pem: &str) -> Result<Self, CertificateError> {
        Self::of_der(&certificate_der(pem)?)
    }

    /// The facts of a DER certificate.
    pub fn of_der(der: &[u8]) -> Result<Self, CertificateError> {
        let (_, certificate) = x509_parser::parse_x509_certificate(der)
            .map_err(|e| CertificateError::Unparsable(e.to_string()))?;
        Ok(Self {
            serial: Serial::from_bytes(certificate.raw_serial())
                .map_err(CertificateError::Serial)?,
            not_before: certificate.validity().not_before.to_datetime(),
            not_after: certificate.validity().not_after.to_datetime(),
            issuer_cn: common_name(&certificate, true),
            subject_cn: common_name(&certificate, false),
            is_ca: certificate.is_ca(),
        })
    }
}

impl CertificateFacts {
    /// The certificate's item in the Connection Function's KeyValueStore (contract 2): the key
    /// `serial:<canonical serial>` and the value `{"notAfter":"<RFC 3339>","cn":"<subject CN>"}`
    /// (the CN empty when it has none). The function reads only whether the key exists; the
    /// value tells a person looking at the store what the key admits. Under 1 KiB: a CN the CA
    /// issues is at most 64 characters.
    ///
    /// ```
    /// use origin_pull_ca::{Ca, CertificateFacts, Validity};
    /// use time::macros::datetime;
    /// let ca = Ca::generate("doc CA", Validity::days_from(datetime!(2027-01-01 0:00 UTC), 365)).unwrap();
    /// let client = ca.issue_client("api.example.com", Validity::days_from(datetime!(2027-01-01 0:00 UTC), 90)).unwrap();
    /// let (key, value) = CertificateFacts::of_pem(&client.cert_pem).unwrap().kvs_item();
    /// assert_eq!(key, client.serial.kvs_key());
    /// assert_eq!(value, r#"{"notAfter":"2027-04-01T00:00:00Z","cn":"api.example.com"}"#);
    /// ```
    pub fn kvs_item(&self) -> (String, String) {
        let not_after = self
            .not_after
            .format(&time::format_description::well_known::Rfc3339)
            .expect("a certificate's time formats as RFC 3339");
        let value = serde_json::json!({
            "notAfter": not_after,
            "cn": self.subject_cn.as_deref().unwrap_or(""),
        });
        (self.serial.kvs_key(), value.to_string())
    }
}

/// The first common name of the issuer (or the subject).
fn common_name(certificate: &X509Certificate<'_>, issuer: bool) -> Option<String> {
    let name = if issuer {
        certificate.issuer()
    } else {
        certificate.subject()
    };
    let cn = name.iter_common_name().next()?;
    cn.as_str().ok().map(str::to_owned)
}

/// The DER of the first PEM block of `pem`, which must be a `CERTIFICATE`.
pub(crate) fn certificate_der(pem: &str) -> Result<Vec<u8>, CertificateError> {
    let (_, block) = x509_parser::pem::parse_x509_pem(pem.as_bytes())
        .map_err(|e| CertificateError::NotPem(e.to_string()))?;
    if block.label != "CERTIFICATE" {
        return Err(CertificateError::NotPem(format!(
            "the PEM block is a {}",
            block.label
        )));
    }
    Ok(block.contents)
}
