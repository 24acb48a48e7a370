//! Percent-encoding of query names and values: AWS SigV4 URI encoding out, a strict decoder in.

use crate::error::Rejection;

/// RFC 3986 unreserved characters: the only ones a SigV4 query carries raw.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// AWS SigV4 URI encoding (RFC 3986 unreserved kept, everything else `%XX` uppercase) — the
/// encoding botocore and aws-sigv4 use for presigned query strings.
pub(crate) fn aws_uri_encode_into(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

/// Decodes `%XX`; only AWS-unreserved characters may appear raw (no `+`, no raw reserved
/// characters), and the result must be printable ASCII without spaces-as-control tricks.
pub(crate) fn percent_decode_strict(raw: &str) -> Result<String, Rejection> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hi = bytes.get(i + 1).and_then(|c| (*c as char).to_digit(16));
            let lo = bytes.get(i + 2).and_then(|c| (*c as char).to_digit(16));
            match (hi, lo) {
                (Some(hi), Some(lo)) => out.push((hi * 16 + lo) as u8),
                _ => return Err(Rejection::MalformedQuery),
            }
            i += 3;
        } else if is_unreserved(b) {
            out.push(b);
            i += 1;
        } else {
            return Err(Rejection::MalformedQuery);
        }
    }
    // Decoded values are credentials, dates and names: printable ASCII only.
    if !out.iter().all(|b| b.is_ascii_graphic()) {
        return Err(Rejection::MalformedQuery);
    }
    String::from_utf8(out).map_err(|_| Rejection::MalformedQuery)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encoding_matches_aws_rules() {
        let mut s = String::new();
        aws_uri_encode_into("AKID/20250101/us-east-1/sts/aws4_request a+b=~", &mut s);
        assert_eq!(
            s,
            "AKID%2F20250101%2Fus-east-1%2Fsts%2Faws4_request%20a%2Bb%3D~"
        );
    }
}
