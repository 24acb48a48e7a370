//! Percent-encoding of query names and values: AWS SigV4 URI encoding out
//! ([`sigv4_canonical::uri_encode_into`], the one encoder), a strict decoder in.

use sigv4_canonical::is_unreserved;

use crate::error::Rejection;

/// AWS SigV4 URI encoding of a query name or value (no `/` kept), as botocore and aws-sigv4
/// write presigned query strings.
pub(crate) fn aws_uri_encode_into(s: &str, out: &mut String) {
    sigv4_canonical::uri_encode_into(s.as_bytes(), false, out);
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
