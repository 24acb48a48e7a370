//! The Function URL's side: `AuthType=AWS_IAM`, checked before the function is invoked.
//!
//! The canonicalization here is written from the SigV4 specification, not taken from
//! `aws-sigv4`, so signer and verifier are two implementations that must agree.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::CONTENT_SHA256;

/// Lambda's message for a signature that does not verify.
const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
/// Lambda's message when the resource policy or the authentication is missing.
const FORBIDDEN: &str = "Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html";

/// Credentials the emulated IAM knows, and whom they belong to.
#[derive(Debug, Clone)]
pub struct SigningIdentity {
    /// Access key ID.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// The principal's ARN, reported to the function as `authorizer.iam.userArn`.
    pub principal_arn: String,
    /// Its account.
    pub account_id: String,
}

/// What the function's resource policy grants `cloudfront.amazonaws.com` (for this distribution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grants {
    /// `lambda:InvokeFunctionUrl`.
    pub invoke_function_url: bool,
    /// `lambda:InvokeFunction` (needed too by Function URLs created since October 2025).
    pub invoke_function: bool,
}

impl Grants {
    /// Both permissions, as aws-cdk-lib 2.276's OAC origin grants them.
    pub const BOTH: Grants = Grants {
        invoke_function_url: true,
        invoke_function: true,
    };
}

/// An HTTP request as the Function URL received it.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// Method.
    pub method: &'a str,
    /// Path as sent (percent-encoded).
    pub raw_path: &'a str,
    /// Query string without `?`, as sent.
    pub raw_query: &'a str,
    /// Headers (any case), in order.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

/// The verified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Access key that signed.
    pub access_key_id: String,
    /// Principal ARN.
    pub principal_arn: String,
    /// Account.
    pub account_id: String,
}

/// Why Lambda refused the request before invoking the function. [`Denial::body`] is what Lambda
/// answers; [`Denial::diagnosis`] says what actually went wrong, for the local chain's log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denial {
    /// 403 `AccessDeniedException` "Forbidden": no or unusable authentication, wrong host, or the
    /// resource policy lacks a grant.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 403 `InvalidSignatureException`: the signature, its scope or the payload hash is wrong.
    #[error("invalid signature: {0}")]
    InvalidSignature(String),
    /// 403 `InvalidSignatureException` "Signature expired": `x-amz-date` is off by > 5 minutes.
    #[error("signature expired: {0}")]
    SignatureExpired(String),
    /// 403 `UnrecognizedClientException`: the access key is unknown.
    #[error("unknown access key {0}")]
    UnrecognizedClient(String),
}

impl Denial {
    /// HTTP status (always 403 for a Function URL auth failure).
    pub fn status(&self) -> u16 {
        403
    }

    /// The `x-amzn-ErrorType` header value.
    pub fn error_type(&self) -> &'static str {
        match self {
            Denial::Forbidden(_) => "AccessDeniedException",
            Denial::InvalidSignature(_) | Denial::SignatureExpired(_) => {
                "InvalidSignatureException"
            }
            Denial::UnrecognizedClient(_) => "UnrecognizedClientException",
        }
    }

    /// The JSON body Lambda answers with.
    pub fn body(&self) -> String {
        let (key, message) = match self {
            Denial::Forbidden(_) => ("Message", FORBIDDEN.to_owned()),
            Denial::InvalidSignature(_) => ("message", SIGNATURE_MISMATCH.to_owned()),
            Denial::SignatureExpired(detail) => ("message", format!("Signature expired: {detail}")),
            Denial::UnrecognizedClient(_) => (
                "message",
                "The security token included in the request is invalid.".to_owned(),
            ),
        };
        format!("{{\"{key}\":{}}}", json_string(&message))
    }

    /// What really went wrong (not sent to the client, as with Lambda).
    pub fn diagnosis(&self) -> String {
        self.to_string()
    }
}

/// A Function URL with `AuthType=AWS_IAM`.
#[derive(Debug, Clone)]
pub struct FunctionUrlAuth {
    /// The Function URL's host (`<id>.lambda-url.<region>.on.aws`).
    pub host: String,
    /// Its region.
    pub region: String,
    /// Identities IAM knows.
    pub identities: Vec<SigningIdentity>,
    /// What the resource policy grants the signer.
    pub grants: Grants,
    /// Allowed clock difference (SigV4: 5 minutes).
    pub max_skew: Duration,
}

impl FunctionUrlAuth {
    /// Checks one request at time `now`.
    pub fn check(&self, request: &ReceivedRequest<'_>, now: SystemTime) -> Result<Caller, Denial> {
        let header = |name: &str| header_values(request.headers, name);

        let host = header("host");
        if host.len() != 1 || !host[0].eq_ignore_ascii_case(&self.host) {
            return Err(Denial::Forbidden(format!(
                "Host is {host:?}, not the Function URL's {:?}: the origin request policy must not \
                 forward the viewer's Host (use AllViewerExceptHostHeader)",
                self.host
            )));
        }
        let authorization = header("authorization");
        let [authorization] = authorization.as_slice() else {
            return Err(Denial::Forbidden(
                "no single Authorization header: the request is not SigV4-signed (is OAC signing on?)"
                    .into(),
            ));
        };
        let auth = parse_authorization(authorization).ok_or_else(|| {
            Denial::Forbidden(format!("unparsable Authorization {authorization:?}"))
        })?;
        let identity = self
            .identities
            .iter()
            .find(|i| i.access_key_id == auth.access_key_id)
            .ok_or_else(|| Denial::UnrecognizedClient(auth.access_key_id.to_owned()))?;

        let amz_date = header("x-amz-date");
        let [amz_date] = amz_date.as_slice() else {
            return Err(Denial::InvalidSignature("no single x-amz-date".into()));
        };
        let signed_at = parse_amz_date(amz_date)
            .ok_or_else(|| Denial::InvalidSignature(format!("bad x-amz-date {amz_date:?}")))?;
        let now_secs = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let skew = self.max_skew.as_secs();
        if signed_at + skew < now_secs {
            return Err(Denial::SignatureExpired(format!(
                "{amz_date} is now earlier than {} ({} - {} min.)",
                format_amz_date(now_secs - skew),
                format_amz_date(now_secs),
                skew / 60
            )));
        }
        if signed_at > now_secs + skew {
            return Err(Denial::SignatureExpired(format!(
                "{amz_date} is now later than {} ({} + {} min.)",
                format_amz_date(now_secs + skew),
                format_amz_date(now_secs),
                skew / 60
            )));
        }
        let expected_scope = format!("{}/{}/lambda/aws4_request", &amz_date[..8], self.region);
        if auth.scope != expected_scope {
            return Err(Denial::InvalidSignature(format!(
                "credential scope {:?} is not {expected_scope:?}",
                auth.scope
            )));
        }
        if !auth.signed_headers.contains(&"host") {
            return Err(Denial::InvalidSignature(
                "host is not a signed header".into(),
            ));
        }

        let body_hash = hex::encode(Sha256::digest(request.body));
        let declared = header(CONTENT_SHA256);
        let payload_hash = match declared.as_slice() {
            [] => body_hash,
            [v] if *v == "UNSIGNED-PAYLOAD" => {
                return Err(Denial::InvalidSignature(
                    "x-amz-content-sha256 is UNSIGNED-PAYLOAD: Lambda doesn't support unsigned payloads"
                        .into(),
                ));
            }
            [v] if *v == body_hash => body_hash,
            [v] => {
                return Err(Denial::InvalidSignature(format!(
                    "x-amz-content-sha256 {v} is not the SHA-256 of the {}-byte body ({body_hash})",
                    request.body.len()
                )));
            }
            _ => {
                return Err(Denial::InvalidSignature(
                    "repeated x-amz-content-sha256".into(),
                ));
            }
        };

        let canonical = canonical_request(request, &auth.signed_headers, &payload_hash)
            .map_err(Denial::InvalidSignature)?;
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{}\n{}",
            auth.scope,
            hex::encode(Sha256::digest(canonical.as_bytes()))
        );
        let key = signing_key(&identity.secret_access_key, &amz_date[..8], &self.region);
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
        mac.update(string_to_sign.as_bytes());
        let provided = hex::decode(auth.signature)
            .map_err(|_| Denial::InvalidSignature("signature is not hex".into()))?;
        if mac.verify_slice(&provided).is_err() {
            let why = if declared.is_empty() && !request.body.is_empty() {
                format!(
                    "signature mismatch; the {}-byte body has no x-amz-content-sha256, so CloudFront \
                     signed it as empty (is the body-hash function associated, with IncludeBody?)",
                    request.body.len()
                )
            } else {
                "signature mismatch".to_owned()
            };
            return Err(Denial::InvalidSignature(why));
        }

        if !self.grants.invoke_function_url || !self.grants.invoke_function {
            let missing = if self.grants.invoke_function_url {
                "lambda:InvokeFunction"
            } else {
                "lambda:InvokeFunctionUrl"
            };
            return Err(Denial::Forbidden(format!(
                "the resource policy does not grant cloudfront.amazonaws.com {missing} \
                 (Function URLs created since October 2025 need both permissions)"
            )));
        }
        Ok(Caller {
            access_key_id: identity.access_key_id.clone(),
            principal_arn: identity.principal_arn.clone(),
            account_id: identity.account_id.clone(),
        })
    }
}

struct Authorization<'a> {
    access_key_id: &'a str,
    scope: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

/// `AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=a;b, Signature=hex`.
fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
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
    let mut sorted = signed_headers.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted != signed_headers || signed_headers.iter().any(|h| h.is_empty()) {
        return None;
    }
    Some(Authorization {
        access_key_id,
        scope,
        signed_headers,
        signature: signature?,
    })
}

fn header_values<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

fn canonical_request(
    request: &ReceivedRequest<'_>,
    signed_headers: &[&str],
    payload_hash: &str,
) -> Result<String, String> {
    let mut out = String::with_capacity(512);
    out.push_str(request.method);
    out.push('\n');
    out.push_str(&canonical_uri(request.raw_path));
    out.push('\n');
    out.push_str(&canonical_query(request.raw_query)?);
    out.push('\n');
    for name in signed_headers {
        let values = header_values(request.headers, name);
        if values.is_empty() {
            return Err(format!("signed header {name} is not in the request"));
        }
        let joined: Vec<String> = values
            .iter()
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        out.push_str(name);
        out.push(':');
        out.push_str(&joined.join(","));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    Ok(out)
}

/// Normalized path (dot segments and empty segments removed, trailing slash kept), then
/// URI-encoded as it stands — so an already-encoded `%2F` becomes `%252F` ("double encoding",
/// what every service but S3 expects).
fn canonical_uri(raw_path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in raw_path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut path = String::from("/");
    path.push_str(&segments.join("/"));
    if raw_path.ends_with('/') && path.len() > 1 {
        path.push('/');
    }
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b == b'/' {
            out.push('/');
        } else {
            encode_byte(b, &mut out);
        }
    }
    out
}

/// Parameters decoded, re-encoded strictly, sorted by name then value.
fn canonical_query(raw: &str) -> Result<String, String> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for part in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        pairs.push((encode(&percent_decode(k)?), encode(&percent_decode(v)?)));
    }
    pairs.sort();
    Ok(pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&"))
}

/// Decodes `%XX` escapes (and nothing else: `+` stays `+`); an incomplete or non-hex escape is
/// an error.
pub fn percent_decode(s: &str) -> Result<Vec<u8>, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad percent-encoding in query {s:?}"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        encode_byte(b, &mut out);
    }
    out
}

fn encode_byte(b: u8, out: &mut String) {
    if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
        out.push(b as char);
    } else {
        out.push_str(&format!("%{b:02X}"));
    }
}

fn signing_key(secret: &str, date: &str, region: &str) -> Vec<u8> {
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in [date, region, "lambda", "aws4_request"] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
        mac.update(part.as_bytes());
        key = mac.finalize().into_bytes().to_vec();
    }
    key
}

/// `20240229T120000Z` → seconds since the epoch.
fn parse_amz_date(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u64>().ok();
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d)? * 86_400 + h * 3600 + mi * 60 + se)
}

/// Seconds since the epoch → `YYYYMMDDTHHMMSSZ` (SigV4's `x-amz-date`).
pub fn format_amz_date(secs: u64) -> String {
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

// Howard Hinnant's civil-date algorithms, for dates after 1970.
fn days_from_civil(y: u64, m: u64, d: u64) -> Option<u64> {
    let y = if m <= 2 { y.checked_sub(1)? } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).checked_sub(719_468)
}

fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_dates_round_trip() {
        for secs in [0u64, 951_782_400, 1_709_208_000, 4_102_444_799] {
            assert_eq!(parse_amz_date(&format_amz_date(secs)), Some(secs));
        }
        assert_eq!(format_amz_date(1_709_208_000), "20240229T120000Z");
        assert_eq!(parse_amz_date("20241301T000000Z"), None);
        assert_eq!(parse_amz_date("2024-01-01T00:00:00Z"), None);
    }

    #[test]
    fn canonical_uri_normalizes_and_double_encodes() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/a//b/./c/../d/"), "/a/b/d/");
        assert_eq!(canonical_uri("/v1/x%2Fy"), "/v1/x%252Fy");
        assert_eq!(canonical_uri("/caf\u{e9}"), "/caf%C3%A9");
    }

    #[test]
    fn canonical_query_sorts_and_reencodes() {
        assert_eq!(canonical_query("b=2&a=1&a=0").unwrap(), "a=0&a=1&b=2");
        assert_eq!(canonical_query("q=a%20b&flag").unwrap(), "flag=&q=a%20b");
        assert!(canonical_query("q=%zz").is_err());
    }

    #[test]
    fn authorization_parsing_is_strict() {
        let ok = "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab";
        assert!(parse_authorization(ok).is_some());
        for bad in [
            "AWS4-HMAC-SHA1 Credential=AK/s, SignedHeaders=host, Signature=ab",
            "AWS4-HMAC-SHA256 Credential=AK/s, SignedHeaders=x-amz-date;host, Signature=ab",
            "AWS4-HMAC-SHA256 Credential=AK/s, Credential=EVE/s, SignedHeaders=host, Signature=ab",
            "AWS4-HMAC-SHA256 Credential=AK/s, SignedHeaders=host",
        ] {
            assert!(parse_authorization(bad).is_none(), "{bad}");
        }
    }
}
