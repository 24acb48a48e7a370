//! The `Authorization` header of a SigV4 request, read as strictly as Lambda reads it.

/// `AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=a;b, Signature=hex`, split up.
pub(crate) struct Authorization<'a> {
    pub(crate) access_key_id: &'a str,
    pub(crate) scope: &'a str,
    pub(crate) signed_headers: Vec<&'a str>,
    pub(crate) signature: &'a str,
}

/// Splits the header; `None` when it is not that shape (another algorithm, a part missing,
/// repeated or unknown, signed headers empty, unsorted or repeated).
pub(crate) fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        let slot = match k {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => return None,
        };
        if slot.replace(v).is_some() {
            return None;
        }
    }
    let (access_key_id, scope) = credential?.split_once('/')?;
    let signed_headers: Vec<&str> = signed?.split(';').collect();
    let strictly_sorted = signed_headers.windows(2).all(|w| w[0] < w[1]);
    if !strictly_sorted || signed_headers.iter().any(|h| h.is_empty()) {
        return None;
    }
    Some(Authorization {
        access_key_id,
        scope,
        signed_headers,
        signature: signature?,
    })
}

/// A signed-header name as SigV4 writes it: lowercase (an uppercase name can never match the
/// canonical request, which lowercases every name).
pub(crate) fn is_lowercase_name(name: &str) -> bool {
    !name.bytes().any(|b| b.is_ascii_uppercase())
}

/// The signature as SigV4 writes it: 64 lowercase hex digits (HMAC-SHA256), decoded.
pub(crate) fn decode_signature(signature: &str) -> Option<[u8; 32]> {
    let b = signature.as_bytes();
    if b.len() != 64 || !b.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(b, &mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn a_well_formed_header_parses() {
        let ok = format!(
            "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature={SIG}"
        );
        let auth = parse_authorization(&ok).unwrap();
        assert_eq!(auth.signed_headers, ["host", "x-amz-date"]);
    }

    #[test]
    fn another_shape_is_refused() {
        for bad in [
            "AWS4-HMAC-SHA1 Credential=AK/s, SignedHeaders=host, Signature=ab",
            "AWS4-HMAC-SHA256 Credential=AK/s, SignedHeaders=x-amz-date;host, Signature=ab",
            "AWS4-HMAC-SHA256 Credential=AK/s, SignedHeaders=host;host, Signature=ab",
            "AWS4-HMAC-SHA256 Credential=AK/s, Credential=EVE/s, SignedHeaders=host, Signature=ab",
            "AWS4-HMAC-SHA256 Credential=AK/s, SignedHeaders=host",
        ] {
            assert!(parse_authorization(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn an_uppercase_signed_header_name_is_not_lowercase() {
        assert!(is_lowercase_name("x-amz-date"));
        assert!(!is_lowercase_name("X-Amz-Date"));
    }

    #[test]
    fn only_64_lowercase_hex_digits_are_a_signature() {
        assert!(decode_signature(SIG).is_some());
        assert!(decode_signature(&SIG.to_uppercase()).is_none());
        assert!(decode_signature(&SIG[1..]).is_none());
        assert!(decode_signature(&format!("{}g", &SIG[1..])).is_none());
        assert!(decode_signature(&format!("+{}", &SIG[1..])).is_none());
    }
}
