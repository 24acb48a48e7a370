//! The serial numbers the Node tests present to the viewer-mTLS Connection Function
//! (`target/edge/viewer-mtls.serial-cases.json`), each judged by Rust's
//! `origin_pull_ca::Serial::from_presented`: `canonical` is the form Rust looks up (the store key
//! is `serial:<canonical>`), or `null` with the reason Rust refuses it. The JavaScript rule is
//! held to this one case by case, so the two cannot drift.
//!
//! The serials are those of real certificates the CA issues (one with the high bit set, which
//! DER writes with a `00` byte in front), presented in the forms tools print them in; then
//! [`RANDOM_CASES`] random strings of hex digits, separators and near misses, of lengths around
//! the limits, written afresh each build (the file stays in `target/edge` to replay a failure).

use anyhow::{Result, ensure};
use origin_pull_ca::{Ca, MAX_HEX_DIGITS, MAX_PRESENTED_LEN, Serial, Validity};
use serde_json::{Value, json};

/// Where the cases are written.
pub const OUTPUT: &str = "target/edge/viewer-mtls.serial-cases.json";

/// How many random presented forms are written besides the named ones.
pub const RANDOM_CASES: usize = 400;

/// The characters random forms are made of: hex digits (zeros often, both cases), the
/// separators, and characters that must refuse a serial (a no-break space, a vertical tab, `x`,
/// `-`, `g`).
const RANDOM_ALPHABET: [char; 18] = [
    '0', '0', '0', '1', 'a', 'F', 'f', '9', ':', ' ', '\t', '\r', '\n', '\u{a0}', '\u{b}', 'x',
    '-', 'g',
];

/// Lengths to draw from: short, around an issued serial, around [`MAX_HEX_DIGITS`], around
/// [`MAX_PRESENTED_LEN`].
const RANDOM_LENGTHS: [(usize, usize); 4] = [
    (0, 8),
    (28, 36),
    (MAX_HEX_DIGITS - 2, MAX_HEX_DIGITS + 4),
    (MAX_PRESENTED_LEN - 4, MAX_PRESENTED_LEN + 4),
];

/// [`RANDOM_CASES`] random presented forms; mostly hex digits, so that many are accepted.
fn random_presented() -> Result<Vec<String>> {
    let mut bytes = vec![0u8; RANDOM_CASES * (2 + MAX_PRESENTED_LEN + 4)];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let mut next = bytes.into_iter();
    let mut byte = move || usize::from(next.next().expect("enough random bytes"));
    Ok((0..RANDOM_CASES)
        .map(|_| {
            let (low, high) = RANDOM_LENGTHS[byte() % RANDOM_LENGTHS.len()];
            let len = low + byte() % (high - low + 1);
            (0..len)
                .map(|_| {
                    let b = byte();
                    // Three draws in four from the hex digits alone.
                    if b % 4 == 0 {
                        RANDOM_ALPHABET[b / 4 % RANDOM_ALPHABET.len()]
                    } else {
                        RANDOM_ALPHABET[b / 4 % 8]
                    }
                })
                .collect()
        })
        .collect())
}

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

/// One case: `text` with Rust's verdict (`refused` carries the reason).
fn judged(name: String, text: String) -> Value {
    match Serial::from_presented(&text) {
        Ok(serial) => json!({ "name": name, "presented": text, "canonical": serial.as_str() }),
        Err(e) => {
            json!({ "name": name, "presented": text, "canonical": null, "refused": e.to_string() })
        }
    }
}

/// The named cases with Rust's verdict.
pub fn cases() -> Result<Vec<Value>> {
    Ok(presented()?
        .into_iter()
        .map(|(name, text)| judged(name, text))
        .collect())
}

/// The random cases with Rust's verdict.
fn random_cases() -> Result<Vec<Value>> {
    Ok(random_presented()?
        .into_iter()
        .enumerate()
        .map(|(i, text)| judged(format!("random {i}"), text))
        .collect())
}

/// Writes the cases for the Node tests.
pub fn write() -> Result<()> {
    let cases = json!({
        "prefix": mtls_connection_function::SERIAL_KEY_PREFIX,
        "cases": cases()?,
        "random": random_cases()?,
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
    fn the_random_cases_hold_both_verdicts_and_reach_the_limits() {
        let cases = random_cases().unwrap();
        assert_eq!(cases.len(), RANDOM_CASES);
        let accepted = cases.iter().filter(|c| !c["canonical"].is_null()).count();
        assert!(
            (40..RANDOM_CASES - 40).contains(&accepted),
            "{accepted} accepted"
        );
        let too_long = cases
            .iter()
            .filter(|c| c["refused"] == "the serial number is too long")
            .count();
        assert!(too_long > 0);
    }

    #[test]
    fn pairs_pad_an_odd_number_of_digits() {
        assert_eq!(pairs("abc", ":"), "0a:bc");
        assert_eq!(pairs("abcd", " "), "ab cd");
    }
}
