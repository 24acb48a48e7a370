//! Provenance text (a snapshot's source URL, etag, date, the extra CIDRs) that is written into
//! generated code: printable ASCII only, and nothing that could end a comment.
//!
//! The generated CloudFront Function carries its provenance in comments. JavaScript ends a line
//! (and so a `//` comment) at U+2028 and U+2029 too, which Rust's `char::is_control` does not
//! count as control characters; an etag carrying one would turn the rest of its line into code.
//! Rather than list what is dangerous, only `0x20..=0x7E` is allowed: an etag is hex, a source is
//! a URL, a date is digits.

/// Provenance that must not be written into code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvenanceError {
    /// A character outside printable ASCII (`0x20..=0x7E`): a line terminator (`\n`, U+2028,
    /// U+2029, ...), another control character or anything non-ASCII.
    #[error("provenance field {field}: {found:?} (U+{:04X}) is not printable ASCII", u32::from(*.found))]
    NotPrintableAscii {
        /// Which field.
        field: &'static str,
        /// The first offending character.
        found: char,
    },
    /// `*/`, which would end a block comment.
    #[error("provenance field {field} contains \"*/\", which would end a comment")]
    ClosesComment {
        /// Which field.
        field: &'static str,
    },
}

/// Checks one provenance field before it is written into generated code.
///
/// ```
/// use cloudflare_ranges::provenance::check_field;
/// assert!(check_field("etag", "38f79d050aa027e3be3865e495dcc9bc").is_ok());
/// assert!(check_field("etag", "x\u{2028}var V4 = [0, 4294967295];").is_err());
/// ```
pub fn check_field(field: &'static str, value: &str) -> Result<(), ProvenanceError> {
    if let Some(found) = value.chars().find(|c| !matches!(c, ' '..='~')) {
        return Err(ProvenanceError::NotPrintableAscii { field, found });
    }
    if value.contains("*/") {
        return Err(ProvenanceError::ClosesComment { field });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused_char(value: &str) -> Option<char> {
        match check_field("etag", value) {
            Err(ProvenanceError::NotPrintableAscii {
                field: "etag",
                found,
            }) => Some(found),
            _ => None,
        }
    }

    #[test]
    fn hex_etags_urls_and_dates_pass() {
        for ok in [
            "38f79d050aa027e3be3865e495dcc9bc",
            "https://api.cloudflare.com/client/v4/ips",
            "2026-11-23",
            "fixture-etag-same",
            " !~",
        ] {
            assert_eq!(check_field("etag", ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn line_separator_is_refused() {
        assert_eq!(
            refused_char("ab\u{2028}var V4 = [0, 4294967295];"),
            Some('\u{2028}')
        );
    }

    #[test]
    fn paragraph_separator_is_refused() {
        assert_eq!(
            refused_char("ab\u{2029}var V4 = [0, 4294967295];"),
            Some('\u{2029}')
        );
    }

    #[test]
    fn newline_is_refused() {
        assert_eq!(refused_char("ab\nvar V4 = [0, 4294967295];"), Some('\n'));
    }

    #[test]
    fn non_ascii_is_refused() {
        assert_eq!(refused_char("étag"), Some('é'));
        assert_eq!(refused_char("ab\u{7f}"), Some('\u{7f}'));
    }

    #[test]
    fn comment_close_is_refused() {
        assert_eq!(
            check_field("source", "https://x/*/"),
            Err(ProvenanceError::ClosesComment { field: "source" })
        );
    }
}
