//! Percent-encoding as SigV4 wants it: RFC 3986 unreserved characters (`A-Z a-z 0-9 - _ . ~`)
//! stay, every other byte becomes `%XY` with uppercase hex. The one SigV4 URI encoder: the
//! canonical request's here, the X-Fluid-Identity signer's and verifier's query strings.

/// RFC 3986 unreserved characters: the only ones SigV4 carries raw in a query.
pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Appends `bytes` to `out`, percent-encoding everything but the unreserved characters (and `/`
/// when `keep_slash`, for paths): AWS's `UriEncode`, the encoding botocore and `aws-sigv4` use.
///
/// ```
/// let mut out = String::new();
/// sigv4_canonical::uri_encode_into(b"AKID/20250101 a+b=~", false, &mut out);
/// assert_eq!(out, "AKID%2F20250101%20a%2Bb%3D~");
/// ```
pub fn uri_encode_into(bytes: &[u8], keep_slash: bool, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0x0f)] as char);
        }
    }
}

/// The value of one hex digit, checked explicitly (`u8::from_str_radix` would take a sign).
pub(crate) fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The byte a `%XY` escape at the start of `bytes` stands for, if it is one.
pub(crate) fn escape_at(bytes: &[u8]) -> Option<u8> {
    match bytes {
        [b'%', hi, lo, ..] => Some(hex_digit(*hi)? << 4 | hex_digit(*lo)?),
        _ => None,
    }
}

/// Decodes `%XX` escapes (and nothing else: `+` stays `+`); an incomplete or non-hex escape is
/// an error. This is how Lambda fills the event's decoded query values; the signature check
/// reads the query as a form instead (`query.rs`).
///
/// ```
/// assert_eq!(sigv4_canonical::percent_decode("a%2Bb+c").unwrap(), b"a+b+c");
/// assert!(sigv4_canonical::percent_decode("%zz").is_err());
/// ```
pub fn percent_decode(s: &str) -> Result<Vec<u8>, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let byte = escape_at(&bytes[i..])
                .ok_or_else(|| format!("bad percent-encoding in query {s:?}"))?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(bytes: &[u8], keep_slash: bool) -> String {
        let mut out = String::new();
        uri_encode_into(bytes, keep_slash, &mut out);
        out
    }

    #[test]
    fn only_unreserved_characters_stay_and_hex_is_uppercase() {
        assert_eq!(encoded(b"Az09-_.~", false), "Az09-_.~");
        assert_eq!(encoded(b"a b+c/d=\xff", false), "a%20b%2Bc%2Fd%3D%FF");
        assert_eq!(encoded(b"a/b", true), "a/b");
    }

    #[test]
    fn a_signed_hex_digit_is_not_an_escape() {
        assert_eq!(escape_at(b"%+1"), None);
        assert_eq!(escape_at(b"%2b"), Some(b'+'));
        assert_eq!(escape_at(b"%2"), None);
    }
}
