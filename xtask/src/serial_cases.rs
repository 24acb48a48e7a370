//! The serial numbers the Node tests present to the viewer-mTLS Connection Function
//! (`target/edge/viewer-mtls.serial-cases.json`), each judged by Rust's
//! `origin_pull_ca::Serial::from_presented`: `canonical` is the form Rust looks up (the store key
//! is `serial:<canonical>`), or `null` with the reason Rust refuses it. The JavaScript rule is
//! held to this one case by case, so the two cannot drift.
//!
//! The serials are those of real certificates the CA issues (one with the high bit set, which
//! DER writes with a `00` byte in front), presented in the forms tools print them in.

use anyhow::{Result, ensure};
use origin_pull_ca::{Ca, MAX_HEX_DIGITS, MAX_PRESENTED_LEN, Serial, Validity};
use serde_json::{Value, json};

/// Where the cases are written.
pub const OUTPUT: &str = "target/edge/viewer-mtls.serial-cases.json";

/// `hex` (an even number of digits or not) as byte pairs, joined by `sep`.
fn pairs(hex: &str, sep: &str) -> String {
    let padded = if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else {
        hex.to_owned()
    };
    padded
        .as_bytes()
        .chunks(2)
        .map(|p| std::str::from_utf8(p).expect("hex is ASCII"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// The presented forms: a name and the text.
fn presented() -> Result<Vec<(String, String)>> {
    let now = time::OffsetDateTime::now_utc();
    let ca = Ca::generate("oac-kit serial cases CA", Validity::days_from(now, 2))?;
    let issued = ca
        .issue_client("serial-cases.example", Validity::days_from(now, 1))?
        .serial;
    let s = issued.as_str().to_owned();
    // The unsigned bytes of a serial with the high bit set; DER adds a 00 sign byte.
    let high = format!("8{}", &"0123456789abcdef".repeat(2)[..31]);
    let mid = s.len() / 2;
    let cases = vec![
        ("an issued serial, canonical", s.clone()),
        ("upper case", s.to_uppercase()),
        (
            "colon-separated pairs, upper case (openssl)",
            pairs(&s, ":").to_uppercase(),
        ),
        ("colon-separated pairs, lower case", pairs(&s, ":")),
        (
            "the high bit set, with the DER 00 byte, colon pairs",
            format!("00:{}", pairs(&high, ":")).to_uppercase(),
        ),
        ("the high bit set, canonical", high.clone()),
        ("leading zero digits", format!("000{s}")),
        ("space-separated pairs", pairs(&s, " ")),
        ("tab before, CR LF after", format!("\t{s}\r\n")),
        ("zero", "00".to_owned()),
        (
            "40 significant digits (20 octets)",
            "7f".repeat(MAX_HEX_DIGITS / 2),
        ),
        (
            "41 significant digits",
            format!("1{}", "0".repeat(MAX_HEX_DIGITS)),
        ),
        (
            "zero-padded to the longest presented form",
            format!("{}1", "0".repeat(MAX_PRESENTED_LEN - 1)),
        ),
        (
            "zero-padded one past the longest presented form",
            format!("{}1", "0".repeat(MAX_PRESENTED_LEN)),
        ),
        ("a 0x prefix", format!("0x{s}")),
        ("a minus sign", format!("-{s}")),
        (
            "a no-break space inside",
            format!("{}\u{a0}{}", &s[..mid], &s[mid..]),
        ),
        ("a byte-order mark before", format!("\u{feff}{s}")),
        (
            "a vertical tab inside",
            format!("{}\u{b}{}", &s[..mid], &s[mid..]),
        ),
        ("a form feed before", format!("\u{c}{s}")),
        ("an Arabic-Indic digit", "\u{661}".to_owned()),
        ("a fullwidth letter", "\u{ff41}".to_owned()),
        ("a dot-separated form", pairs(&s, ".")),
        ("empty", String::new()),
        ("colons only", ":::".to_owned()),
    ];
    ensure!(Serial::from_presented(&high)?.as_str() == high);
    Ok(cases
        .into_iter()
        .map(|(name, text)| (name.to_owned(), text))
        .collect())
}

/// The cases with Rust's verdict.
pub fn cases() -> Result<Vec<Value>> {
    Ok(presented()?
        .into_iter()
        .map(|(name, text)| match Serial::from_presented(&text) {
            Ok(serial) => json!({ "name": name, "presented": text, "canonical": serial.as_str() }),
            Err(e) => {
                json!({ "name": name, "presented": text, "canonical": null, "refused": e.to_string() })
            }
        })
        .collect())
}

/// Writes the cases for the Node tests.
pub fn write() -> Result<()> {
    let cases = json!({
        "prefix": mtls_connection_function::SERIAL_KEY_PREFIX,
        "cases": cases()?,
    });
    let path = crate::paths::in_target(OUTPUT);
    std::fs::create_dir_all(path.parent().expect("the output has a directory"))?;
    std::fs::write(&path, serde_json::to_string_pretty(&cases)?)?;
    eprintln!("viewer-mTLS serial cases: {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cases_have_both_verdicts_and_every_presented_form_of_the_issued_serial_agrees() {
        let cases = cases().unwrap();
        let canonical = |name: &str| {
            cases.iter().find(|c| c["name"] == name).expect("listed")["canonical"].clone()
        };
        let issued = canonical("an issued serial, canonical");
        for name in [
            "upper case",
            "colon-separated pairs, upper case (openssl)",
            "leading zero digits",
            "space-separated pairs",
            "tab before, CR LF after",
        ] {
            assert_eq!(canonical(name), issued, "{name}");
        }
        assert_eq!(
            canonical("the high bit set, with the DER 00 byte, colon pairs"),
            canonical("the high bit set, canonical")
        );
        assert_eq!(canonical("zero"), "0");
        for name in [
            "a 0x prefix",
            "a no-break space inside",
            "empty",
            "41 significant digits",
        ] {
            assert!(canonical(name).is_null(), "{name}");
        }
    }

    #[test]
    fn pairs_pad_an_odd_number_of_digits() {
        assert_eq!(pairs("abc", ":"), "0a:bc");
        assert_eq!(pairs("abcd", " "), "ab cd");
    }
}
