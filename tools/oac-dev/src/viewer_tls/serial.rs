//! The form in which the Connection Function is handed a certificate's serial number
//! (`clientCertInfo.serialNumber`). The serial itself is `origin_pull_ca::Serial` (contract 1's
//! canonical form, read from the certificate's DER), which the log uses.
//!
//! AWS does not publish the format of `serialNumber`; oac-dev hands over the DER integer's
//! content bytes (a leading `00` sign byte when the high bit is set), upper-case hex,
//! colon-separated (`00:9F:3A:…`), so the function's normalisation (strip `:` and white space,
//! lowercase, strip leading zeros) is exercised on every connection. **Assumed**, to confirm on
//! a deployment.

use origin_pull_ca::Serial;

/// `serial` as the Connection Function gets it (see the module docs).
pub fn presented(serial: &Serial) -> String {
    let digits = serial.as_str();
    let even = if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits.to_owned()
    };
    let mut bytes = hex::decode(even).expect("a canonical serial is hex");
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serial(canonical: &str) -> Serial {
        Serial::from_presented(canonical).unwrap()
    }

    #[test]
    fn a_serial_with_the_high_bit_set_gets_its_sign_byte() {
        assert_eq!(presented(&serial("9f3a01")), "00:9F:3A:01");
    }

    #[test]
    fn an_odd_number_of_digits_is_padded_to_whole_bytes() {
        assert_eq!(presented(&serial("abc")), "0A:BC");
    }

    #[test]
    fn the_presented_form_reads_back_as_the_same_serial() {
        for canonical in ["1", "7f", "80", "5ed6a1b2c3d4e5f60718293a4b5c6d7e", "ffff"] {
            let serial = serial(canonical);
            assert_eq!(Serial::from_presented(&presented(&serial)).unwrap(), serial);
        }
    }
}
