//! What the stand-in checks of a request's signature: the shape of SigV4a as the KVS data plane
//! requires it (`AWS4-ECDSA-P256-SHA256`, a credential scope without a region for service
//! `cloudfront-keyvaluestore`, the signed headers, `x-amz-region-set`, `x-amz-date` matching the
//! scope's date, and `x-amz-content-sha256`, when sent, equal to the body's SHA-256). The ECDSA
//! signature itself is not verified (see docs/ip-filter.md, "Local stand-ins").

use sha2::{Digest, Sha256};

/// The algorithm name of SigV4a.
pub const SIGV4A_ALGORITHM: &str = "AWS4-ECDSA-P256-SHA256";
/// The service the KVS data plane is signed for.
pub const SERVICE: &str = "cloudfront-keyvaluestore";

/// Headers SigV4a must have signed.
const REQUIRED_SIGNED: [&str; 3] = ["host", "x-amz-date", "x-amz-region-set"];

/// The parts of a SigV4a `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The access key id.
    pub access_key: String,
    /// The scope's date, `YYYYMMDD`.
    pub date: String,
    /// The scope's service.
    pub service: String,
    /// The signed header names, in order.
    pub signed_headers: Vec<String>,
    /// The DER signature.
    pub signature: Vec<u8>,
}

/// Checks the request's signing headers (`headers`: lowercase names) against `body`; the
/// `Authorization` parts, or the reason of the first failure.
pub fn check_sigv4a(headers: &[(String, String)], body: &[u8]) -> Result<SignedRequest, String> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let authorization = header("authorization").ok_or("no Authorization header")?;
    let fields = authorization
        .strip_prefix(SIGV4A_ALGORITHM)
        .and_then(|rest| rest.strip_prefix(' '))
        .ok_or_else(|| format!("the Authorization algorithm is not {SIGV4A_ALGORITHM}"))?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for field in fields.split(", ") {
        match field.split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => return Err(format!("unexpected Authorization field {field:?}")),
        }
    }
    let credential = credential.ok_or("no Credential")?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key, date, service, terminator] = scope[..] else {
        return Err(format!(
            "the credential scope {credential:?} is not <key>/<date>/<service>/aws4_request (SigV4a has no region)"
        ));
    };
    if access_key.is_empty() || terminator != "aws4_request" {
        return Err(format!("malformed credential {credential:?}"));
    }
    if service != SERVICE {
        return Err(format!("signed for service {service:?}, not {SERVICE}"));
    }
    let signed: Vec<&str> = signed_headers
        .ok_or("no SignedHeaders")?
        .split(';')
        .collect();
    let mut sorted = signed.clone();
    sorted.sort_unstable();
    if sorted != signed
        || signed
            .iter()
            .any(|h| h.bytes().any(|b| b.is_ascii_uppercase()))
    {
        return Err("SignedHeaders are not lowercase and sorted".into());
    }
    for required in REQUIRED_SIGNED {
        if !signed.contains(&required) {
            return Err(format!("{required} is not signed"));
        }
    }
    for name in &signed {
        if header(name).is_none() {
            return Err(format!("the signed header {name} is missing"));
        }
    }
    let signature = signature.ok_or("no Signature")?;
    // A DER-encoded ECDSA signature (a SEQUENCE, 0x30), in hex.
    let der = hex::decode(signature)
        .ok()
        .filter(|der| der.len() >= 8 && der[0] == 0x30)
        .ok_or("the Signature is not a hex DER ECDSA signature")?;
    let amz_date = header("x-amz-date").ok_or("no x-amz-date")?;
    if amz_date.len() != 16 || !amz_date.starts_with(date) || !amz_date.ends_with('Z') {
        return Err(format!(
            "x-amz-date {amz_date:?} does not match the scope's date {date}"
        ));
    }
    if header("x-amz-region-set").is_none_or(str::is_empty) {
        return Err("no x-amz-region-set".into());
    }
    if let Some(claimed) = header("x-amz-content-sha256") {
        let actual = hex::encode(Sha256::digest(body));
        if claimed != actual {
            return Err(format!(
                "x-amz-content-sha256 {claimed} is not the body's SHA-256 {actual}"
            ));
        }
    }
    Ok(SignedRequest {
        access_key: access_key.to_owned(),
        date: date.to_owned(),
        service: service.to_owned(),
        signed_headers: signed.iter().map(|h| (*h).to_owned()).collect(),
        signature: der,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn signed(authorization: &str) -> Vec<(String, String)> {
        [
            ("authorization", authorization),
            ("host", "127.0.0.1"),
            ("x-amz-date", "20260301T120000Z"),
            ("x-amz-region-set", "*"),
            ("x-amz-content-sha256", EMPTY_SHA256),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .to_vec()
    }

    const GOOD: &str = "AWS4-ECDSA-P256-SHA256 Credential=AKID/20260301/cloudfront-keyvaluestore/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-region-set, Signature=3045022100aabbccddeeff";

    #[test]
    fn a_sigv4a_shaped_request_passes() {
        let parts = check_sigv4a(&signed(GOOD), b"").unwrap();
        assert_eq!(parts.access_key, "AKID");
        assert_eq!(parts.signed_headers.len(), 4);
    }

    #[test]
    fn a_sigv4_authorization_is_refused() {
        let v4 = "AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/cloudfront-keyvaluestore/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
        let err = check_sigv4a(&signed(v4), b"").unwrap_err();
        assert!(err.contains("AWS4-ECDSA-P256-SHA256"), "{err}");
    }

    #[test]
    fn a_scope_with_a_region_is_refused() {
        let regional = GOOD.replace("20260301/", "20260301/us-east-1/");
        let err = check_sigv4a(&signed(&regional), b"").unwrap_err();
        assert!(err.contains("has no region"), "{err}");
    }

    #[test]
    fn an_unsigned_region_set_is_refused() {
        let unsigned = GOOD.replace(";x-amz-region-set", "");
        let err = check_sigv4a(&signed(&unsigned), b"").unwrap_err();
        assert!(err.contains("x-amz-region-set is not signed"), "{err}");
    }

    #[test]
    fn a_content_hash_not_of_the_body_is_refused() {
        let err = check_sigv4a(&signed(GOOD), b"{}").unwrap_err();
        assert!(err.contains("not the body's SHA-256"), "{err}");
    }

    #[test]
    fn another_service_is_refused() {
        let other = GOOD.replace("cloudfront-keyvaluestore", "cloudfront");
        let err = check_sigv4a(&signed(&other), b"").unwrap_err();
        assert!(err.contains("not cloudfront-keyvaluestore"), "{err}");
    }
}
