//! A client certificate's serial number, read from its DER: the canonical form (contract 1:
//! lowercase hex of the unsigned big-endian bytes, no separators, no leading zeros) for the log,
//! and the form handed to the Connection Function as `clientCertInfo.serialNumber`.
//!
//! AWS does not publish the format of `serialNumber`; oac-dev hands over the DER integer's bytes
//! as they are (a leading `00` sign byte kept), upper-case hex, colon-separated (`00:9F:3A:…`),
//! so the function's normalisation (strip `:` and whitespace, lowercase, strip leading zeros) is
//! exercised on every connection. **Assumed**, to confirm on a deployment.

/// Why a certificate's serial could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the certificate's DER is malformed: {0}")]
pub struct MalformedCertificate(&'static str);

/// One DER TLV: (tag, contents, what follows).
fn tlv(bytes: &[u8]) -> Result<(u8, &[u8], &[u8]), MalformedCertificate> {
    let (&tag, rest) = bytes
        .split_first()
        .ok_or(MalformedCertificate("truncated"))?;
    let (&first, rest) = rest
        .split_first()
        .ok_or(MalformedCertificate("truncated"))?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err(MalformedCertificate("bad length"));
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return Err(MalformedCertificate("truncated"));
    }
    Ok((tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
/// `[0] EXPLICIT Version` of the TBSCertificate.
const VERSION: u8 = 0xa0;

/// The serial INTEGER's content bytes (two's complement, as encoded).
fn serial_der(certificate: &[u8]) -> Result<&[u8], MalformedCertificate> {
    let (tag, certificate, _) = tlv(certificate)?;
    if tag != SEQUENCE {
        return Err(MalformedCertificate("not a SEQUENCE"));
    }
    let (tag, tbs, _) = tlv(certificate)?;
    if tag != SEQUENCE {
        return Err(MalformedCertificate("no TBSCertificate"));
    }
    let (mut tag, mut value, rest) = tlv(tbs)?;
    if tag == VERSION {
        (tag, value, _) = tlv(rest)?;
    }
    if tag != INTEGER || value.is_empty() {
        return Err(MalformedCertificate("no serial number"));
    }
    Ok(value)
}

/// A certificate's serial number, in the two forms oac-dev needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialNumber {
    der: Vec<u8>,
}

impl SerialNumber {
    /// The serial of the DER certificate `certificate`.
    pub fn of(certificate: &[u8]) -> Result<Self, MalformedCertificate> {
        Ok(Self {
            der: serial_der(certificate)?.to_vec(),
        })
    }

    /// Contract 1's canonical form: `9f3a…` (the key is `serial:` and this).
    pub fn canonical(&self) -> String {
        let hex = hex::encode(&self.der);
        match hex.trim_start_matches('0') {
            "" => "0".to_owned(),
            digits => digits.to_owned(),
        }
    }

    /// What the Connection Function gets as `clientCertInfo.serialNumber` (see the module docs).
    pub fn presented(&self) -> String {
        self.der
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A certificate with serial `serial` (an rcgen one: the real DER layout).
    fn certificate(serial: &[u8]) -> Vec<u8> {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["zone.example".to_owned()]).unwrap();
        params.serial_number = Some(rcgen::SerialNumber::from_slice(serial));
        params.self_signed(&key).unwrap().der().to_vec()
    }

    #[test]
    fn a_serial_with_the_high_bit_set_keeps_its_sign_byte_when_presented() {
        let serial = SerialNumber::of(&certificate(&[0x9f, 0x3a, 0x01])).unwrap();
        assert_eq!(serial.canonical(), "9f3a01");
        assert_eq!(serial.presented(), "00:9F:3A:01");
    }

    #[test]
    fn leading_zeros_are_not_canonical() {
        let serial = SerialNumber::of(&certificate(&[0x0a, 0xbc])).unwrap();
        assert_eq!(serial.canonical(), "abc");
        assert_eq!(serial.presented(), "0A:BC");
    }

    #[test]
    fn a_sixteen_byte_serial_is_read_whole() {
        let bytes = [0x5a; 16];
        let serial = SerialNumber::of(&certificate(&bytes)).unwrap();
        assert_eq!(serial.canonical(), "5a".repeat(16));
    }

    #[test]
    fn what_is_not_a_certificate_is_refused() {
        assert!(SerialNumber::of(b"").is_err());
        assert!(SerialNumber::of(&[0x30, 0x03, 0x02, 0x01]).is_err());
        assert!(SerialNumber::of(&[0x04, 0x00]).is_err());
        let mut cut = certificate(&[1, 2, 3]);
        cut.truncate(20);
        assert!(SerialNumber::of(&cut).is_err());
    }
}
