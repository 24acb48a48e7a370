//! Why a viewer's TLS handshake was refused, named for the log, and the TLS alert the viewer
//! gets for it (rustls picks the alert from the [`CertificateError`] the verifier returns).

use std::fmt;

use rustls::{CertificateError, Error};

/// Why the handshake was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The viewer presented no client certificate (alert `certificate_required`).
    NoCertificate,
    /// The certificate does not chain to the trust store: another CA (alert `unknown_ca`).
    UnknownIssuer,
    /// The certificate has expired (alert `certificate_expired`).
    Expired,
    /// Another certificate failure (not yet valid, bad signature, wrong key usage, …).
    BadCertificate(String),
    /// The Connection Function called `deny()` (or neither): the serial is not listed
    /// (alert `access_denied`). Holds the canonical serial.
    SerialNotListed(String),
    /// The Connection Function threw, or answered something else (alert `access_denied`).
    FunctionError(String),
    /// The Connection Function did not answer in time (alert `access_denied`).
    FunctionTimeout,
    /// The handshake failed before any certificate was looked at (not TLS, no common
    /// protocol version, …).
    Handshake(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoCertificate => f.write_str("no client certificate"),
            Self::UnknownIssuer => {
                f.write_str("unknown issuer (the certificate is not from the trust store's CA)")
            }
            Self::Expired => f.write_str("certificate expired"),
            Self::BadCertificate(why) => write!(f, "bad certificate ({why})"),
            Self::SerialNotListed(serial) => {
                write!(
                    f,
                    "serial not listed ({serial}): the Connection Function denied it"
                )
            }
            Self::FunctionError(why) => write!(f, "Connection Function error ({why})"),
            Self::FunctionTimeout => f.write_str("Connection Function timeout"),
            Self::Handshake(why) => write!(f, "handshake failed ({why})"),
        }
    }
}

impl Refusal {
    /// The refusal of a failed certificate check (rustls-webpki's verdict).
    pub fn of_certificate_error(error: &Error) -> Self {
        match error {
            Error::InvalidCertificate(e) => match e {
                CertificateError::UnknownIssuer => Self::UnknownIssuer,
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    Self::Expired
                }
                other => Self::BadCertificate(other.to_string()),
            },
            Error::NoCertificatesPresented => Self::NoCertificate,
            other => Self::BadCertificate(other.to_string()),
        }
    }

    /// The error the verifier returns for it, which picks the viewer's alert.
    pub fn to_error(&self) -> Error {
        Error::InvalidCertificate(match self {
            Self::UnknownIssuer => CertificateError::UnknownIssuer,
            Self::Expired => CertificateError::Expired,
            Self::SerialNotListed(_) | Self::FunctionError(_) | Self::FunctionTimeout => {
                CertificateError::ApplicationVerificationFailure
            }
            Self::NoCertificate | Self::BadCertificate(_) | Self::Handshake(_) => {
                CertificateError::BadEncoding
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::AlertDescription;

    fn alert(refusal: &Refusal) -> AlertDescription {
        match refusal.to_error() {
            Error::InvalidCertificate(e) => e.into(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_denied_serial_is_access_denied_and_named_with_the_serial() {
        let refusal = Refusal::SerialNotListed("9f3a".into());
        assert_eq!(alert(&refusal), AlertDescription::AccessDenied);
        assert!(refusal.to_string().contains("serial not listed (9f3a)"));
    }

    #[test]
    fn a_function_failure_is_access_denied() {
        assert_eq!(
            alert(&Refusal::FunctionTimeout),
            AlertDescription::AccessDenied
        );
        assert_eq!(
            alert(&Refusal::FunctionError("threw".into())),
            AlertDescription::AccessDenied
        );
    }

    #[test]
    fn webpki_verdicts_keep_their_alerts() {
        let unknown = Error::InvalidCertificate(CertificateError::UnknownIssuer);
        assert_eq!(
            Refusal::of_certificate_error(&unknown),
            Refusal::UnknownIssuer
        );
        assert_eq!(alert(&Refusal::UnknownIssuer), AlertDescription::UnknownCA);
        let now = rustls_pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(9));
        let expired = Error::InvalidCertificate(CertificateError::ExpiredContext {
            time: now,
            not_after: now,
        });
        assert_eq!(Refusal::of_certificate_error(&expired), Refusal::Expired);
        assert_eq!(
            alert(&Refusal::Expired),
            AlertDescription::CertificateExpired
        );
    }

    #[test]
    fn no_certificate_is_named() {
        assert_eq!(
            Refusal::of_certificate_error(&Error::NoCertificatesPresented).to_string(),
            "no client certificate"
        );
    }
}
