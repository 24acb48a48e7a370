//! Certificate serial numbers in one canonical form (contract 1 of issue 24): lowercase hex of
//! the serial's unsigned big-endian bytes, no separators, no leading zeros (`"0"` for zero).
//!
//! The Connection Function looks serials up in its KeyValueStore by this form, and AWS does not
//! publish the exact format of `connection.clientCertInfo.serialNumber` (its revocation tutorial
//! shows both `ABC123DEF456` and colon-separated pairs), so a presented serial is normalised by
//! [`Serial::from_presented`] — the same rule as the generated JavaScript
//! (`mtls-connection-function`, held to this one by the Node tests on cases Rust writes).
//!
//! Issued serials ([`Serial::random_bytes`]) are 16 random bytes with the high bit cleared (a
//! positive DER integer, no `00` padding) and a non-zero first byte: 31 or 32 hex digits.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::facts::{CertificateError, certificate_der};

/// The bounds the Connection Function's JavaScript applies too, from one home:
/// `MAX_HEX_DIGITS` (RFC 5280: at most 20 octets) and `MAX_PRESENTED_LEN` (the longest
/// presented form read at all, separators and leading zeros included).
pub use mtls_connection_function::{MAX_HEX_DIGITS, MAX_PRESENTED_LEN};

/// How many random bytes an issued serial has.
pub const ISSUED_BYTES: usize = 16;

/// A certificate serial number in canonical form.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Serial(String);

/// Why a presented serial was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SerialError {
    /// Nothing but separators (or nothing at all).
    #[error("the serial number is empty")]
    Empty,
    /// A character other than a hex digit, `:` or ASCII space / tab / CR / LF.
    #[error("the serial number has a character that is not a hex digit or a separator")]
    NotHex,
    /// More than [`MAX_HEX_DIGITS`] significant digits, or a presented form longer than
    /// [`MAX_PRESENTED_LEN`].
    #[error("the serial number is too long")]
    TooLong,
}

/// The separators a presented serial may contain: `:` and ASCII white space. Exactly the
/// generated JavaScript's `/[:\t\n\r ]/g`; any other character (Unicode white space included)
/// is refused, so the two rules cannot differ on what counts as a separator.
fn is_separator(c: char) -> bool {
    matches!(c, ':' | ' ' | '\t' | '\n' | '\r')
}

impl Serial {
    /// Normalises a serial as presented (by CloudFront's `clientCertInfo.serialNumber`, by
    /// `openssl x509 -serial`, by a user): separators removed, lowercased, leading zeros
    /// stripped. Refuses anything that is not hex.
    ///
    /// ```
    /// use origin_pull_ca::Serial;
    /// let canonical = Serial::from_presented("00:AB:0c").unwrap();
    /// assert_eq!(canonical.as_str(), "ab0c");
    /// assert_eq!(Serial::from_presented("0x1").is_err(), true);
    /// ```
    pub fn from_presented(presented: &str) -> Result<Self, SerialError> {
        if presented.len() > MAX_PRESENTED_LEN {
            return Err(SerialError::TooLong);
        }
        let mut digits = String::with_capacity(presented.len());
        for c in presented.chars().filter(|c| !is_separator(*c)) {
            if !c.is_ascii_hexdigit() {
                return Err(SerialError::NotHex);
            }
            digits.push(c.to_ascii_lowercase());
        }
        if digits.is_empty() {
            return Err(SerialError::Empty);
        }
        let significant = digits.trim_start_matches('0');
        if significant.len() > MAX_HEX_DIGITS {
            return Err(SerialError::TooLong);
        }
        Ok(Self(if significant.is_empty() {
            "0".to_owned()
        } else {
            significant.to_owned()
        }))
    }

    /// The serial whose unsigned big-endian bytes are `bytes` (a DER integer's content octets,
    /// `00` padding included, read as unsigned).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SerialError> {
        if bytes.is_empty() {
            return Err(SerialError::Empty);
        }
        Self::from_presented(&hex::encode(bytes))
    }

    /// The serial of a DER certificate.
    pub fn of_certificate_der(der: &[u8]) -> Result<Self, CertificateError> {
        let (_, certificate) = x509_parser::parse_x509_certificate(der)
            .map_err(|e| CertificateError::Unparsable(e.to_string()))?;
        Self::from_bytes(certificate.raw_serial()).map_err(CertificateError::Serial)
    }

    /// The serial of the first certificate of a PEM text.
    pub fn of_certificate_pem(pem: &str) -> Result<Self, CertificateError> {
        Self::of_certificate_der(&certificate_der(pem)?)
    }

    /// Fresh serial bytes for an issued certificate: [`ISSUED_BYTES`] random bytes, the high
    /// bit cleared, the first byte non-zero.
    pub(crate) fn random_bytes() -> Result<[u8; ISSUED_BYTES], aws_lc_rs::error::Unspecified> {
        let random = aws_lc_rs::rand::SystemRandom::new();
        loop {
            let mut bytes = [0u8; ISSUED_BYTES];
            aws_lc_rs::rand::SecureRandom::fill(&random, &mut bytes)?;
            bytes[0] &= 0x7f;
            if bytes[0] != 0 {
                return Ok(bytes);
            }
        }
    }

    /// The canonical form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Connection Function's KeyValueStore key for this serial (`serial:<canonical>`,
    /// [`mtls_connection_function::SERIAL_KEY_PREFIX`]).
    ///
    /// ```
    /// use origin_pull_ca::Serial;
    /// assert_eq!(Serial::from_presented("0A").unwrap().kvs_key(), "serial:a");
    /// ```
    pub fn kvs_key(&self) -> String {
        mtls_connection_function::serial_key(&self.0)
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Serial({})", self.0)
    }
}

impl std::str::FromStr for Serial {
    type Err = SerialError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_presented(s)
    }
}

impl Serialize for Serial {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Reads only the canonical form: a stored serial in any other form is an error, not a guess.
impl<'de> Deserialize<'de> for Serial {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let serial = Self::from_presented(&text).map_err(serde::de::Error::custom)?;
        if serial.0 != text {
            return Err(serde::de::Error::custom(format!(
                "serial {text:?} is not in canonical form ({serial})"
            )));
        }
        Ok(serial)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(presented: &str) -> Result<String, SerialError> {
        Serial::from_presented(presented).map(|s| s.0)
    }

    #[test]
    fn the_canonical_form_is_kept() {
        assert_eq!(canonical("1f2e3d").unwrap(), "1f2e3d");
    }

    #[test]
    fn upper_case_is_lowered() {
        assert_eq!(canonical("1F2E3D").unwrap(), "1f2e3d");
    }

    #[test]
    fn colon_pairs_as_openssl_prints_them_are_joined() {
        assert_eq!(canonical("1F:2E:3D").unwrap(), "1f2e3d");
    }

    #[test]
    fn a_leading_zero_byte_is_dropped() {
        // A serial whose first byte has the high bit set is DER-encoded with a 00 in front.
        assert_eq!(canonical("00:8f:01").unwrap(), "8f01");
        assert_eq!(Serial::from_bytes(&[0x00, 0x8f, 0x01]).unwrap().0, "8f01");
    }

    #[test]
    fn a_leading_zero_digit_is_dropped() {
        assert_eq!(canonical("0abc").unwrap(), "abc");
        assert_eq!(Serial::from_bytes(&[0x0a, 0xbc]).unwrap().0, "abc");
    }

    #[test]
    fn zero_is_written_0() {
        assert_eq!(canonical("00:00").unwrap(), "0");
    }

    #[test]
    fn ascii_white_space_is_a_separator() {
        assert_eq!(canonical(" 1f 2e\t3d\r\n").unwrap(), "1f2e3d");
    }

    #[test]
    fn unicode_white_space_is_refused() {
        assert_eq!(canonical("1f\u{a0}2e"), Err(SerialError::NotHex));
        assert_eq!(canonical("\u{feff}1f"), Err(SerialError::NotHex));
    }

    #[test]
    fn a_hex_prefix_is_refused() {
        assert_eq!(canonical("0x1f"), Err(SerialError::NotHex));
    }

    #[test]
    fn non_hex_is_refused() {
        assert_eq!(canonical("1g"), Err(SerialError::NotHex));
        assert_eq!(canonical("-1f"), Err(SerialError::NotHex));
    }

    #[test]
    fn empty_and_separators_only_are_refused() {
        assert_eq!(canonical(""), Err(SerialError::Empty));
        assert_eq!(canonical(" : "), Err(SerialError::Empty));
        assert_eq!(Serial::from_bytes(&[]), Err(SerialError::Empty));
    }

    #[test]
    fn twenty_octets_pass_and_twenty_one_do_not() {
        assert_eq!(canonical(&"7f".repeat(20)).unwrap().len(), 40);
        assert_eq!(
            canonical(&format!("00{}", "7f".repeat(20))).unwrap().len(),
            40
        );
        assert_eq!(canonical(&"7f".repeat(21)), Err(SerialError::TooLong));
    }

    #[test]
    fn an_overlong_presented_form_is_refused_even_if_mostly_zeros() {
        let padded = format!("{}1", "0".repeat(MAX_PRESENTED_LEN));
        assert_eq!(canonical(&padded), Err(SerialError::TooLong));
        let at_limit = format!("{}1", "0".repeat(MAX_PRESENTED_LEN - 1));
        assert_eq!(canonical(&at_limit).unwrap(), "1");
    }

    #[test]
    fn random_serial_bytes_have_the_issued_shape() {
        for _ in 0..200 {
            let bytes = Serial::random_bytes().unwrap();
            assert!(bytes[0] != 0 && bytes[0] & 0x80 == 0, "{bytes:?}");
            let serial = Serial::from_bytes(&bytes).unwrap();
            assert!((31..=32).contains(&serial.0.len()), "{serial}");
        }
        assert_ne!(
            Serial::random_bytes().unwrap(),
            Serial::random_bytes().unwrap()
        );
    }

    #[test]
    fn the_kvs_key_carries_the_connection_functions_prefix() {
        let serial = Serial::from_presented("AB").unwrap();
        assert_eq!(
            serial.kvs_key(),
            format!("{}ab", mtls_connection_function::SERIAL_KEY_PREFIX)
        );
    }

    #[test]
    fn serde_reads_only_the_canonical_form() {
        let serial: Serial = serde_json::from_str("\"1f2e\"").unwrap();
        assert_eq!(serde_json::to_string(&serial).unwrap(), "\"1f2e\"");
        assert!(serde_json::from_str::<Serial>("\"1F:2E\"").is_err());
        assert!(serde_json::from_str::<Serial>("\"01f2e\"").is_err());
    }
}
