//! The pure half of verification: decide from the header value alone whether it is a presigned STS
//! `GetCallerIdentity` URL this service is willing to fetch, before any network call.
//!
//! The URL is parsed by hand, byte by byte, instead of by a general URL library: a general parser
//! normalizes (decodes `%2e` in hosts, drops `:443`, lowercases, resolves `..`) and every
//! normalization is a place where what was checked differs from what was sent. Here anything not
//! in the expected shape is rejected, and the outgoing URL is rebuilt from the validated parts
//! ([`ValidatedRequest::url`]) — the caller decides only the signature parts.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sigv4_canonical::amz_time::{parse_amz_date, parse_digits};

use crate::AUDIENCE_HEADER;
use crate::error::Rejection;
use crate::hosts::{HostAllowlist, Partition, StsHost};
use crate::query_params::{QUERY_PARAMS, position};
use crate::uri_encoding::{aws_uri_encode_into, percent_decode_strict};

/// Default cap on the header value's length (aws-iam-authenticator uses the same 4 KiB).
pub const DEFAULT_MAX_HEADER_LEN: usize = 4096;
/// Default maximum `X-Amz-Expires`: STS honours a presigned GetCallerIdentity for 15 minutes anyway.
pub const DEFAULT_MAX_EXPIRY: Duration = Duration::from_secs(900);
/// Default tolerance for a signing date in the future (clock skew between caller and verifier).
pub const DEFAULT_FUTURE_SKEW: Duration = Duration::from_secs(30);

/// What the pure validation step enforces.
#[derive(Debug, Clone)]
pub struct ValidationPolicy {
    /// Allowed STS hosts.
    pub hosts: HostAllowlist,
    /// Maximum `X-Amz-Expires` accepted.
    pub max_expiry: Duration,
    /// How far in the future `X-Amz-Date` may be.
    pub future_skew: Duration,
    /// Maximum header value length in bytes.
    pub max_header_len: usize,
}

impl Default for ValidationPolicy {
    fn default() -> Self {
        Self {
            hosts: HostAllowlist::standard(),
            max_expiry: DEFAULT_MAX_EXPIRY,
            future_skew: DEFAULT_FUTURE_SKEW,
            max_header_len: DEFAULT_MAX_HEADER_LEN,
        }
    }
}

/// Where the optional `X-Amz-Security-Token` sits in [`QUERY_PARAMS`].
const SECURITY_TOKEN: usize = 7;

/// A header value that passed every rule: the request the verifier may send, rebuilt from parts.
///
/// It contains the signature, i.e. a bearer credential: `Debug` redacts it; don't log [`url`](Self::url).
#[derive(Clone, PartialEq, Eq)]
pub struct ValidatedRequest {
    host: StsHost,
    access_key_id: String,
    signed_at: u64,
    expires_at: u64,
    /// Decoded values, indexed like [`QUERY_PARAMS`].
    values: [Option<String>; QUERY_PARAMS.len()],
}

impl fmt::Debug for ValidatedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidatedRequest")
            .field("host", &self.host.host)
            .field("access_key_id", &self.access_key_id)
            .field("signed_at", &self.signed_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl ValidatedRequest {
    /// The allowed STS host the request goes to (also the `Host` header value).
    pub fn host(&self) -> &str {
        &self.host.host
    }

    /// The region in the credential scope.
    pub fn region(&self) -> &str {
        &self.host.region
    }

    /// The partition the endpoint belongs to; the answer's ARN must be in it.
    pub fn partition(&self) -> Partition {
        self.host.partition
    }

    /// The access key ID from the credential scope (not secret; useful for auditing).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// `X-Amz-Date` as Unix seconds.
    pub fn signed_at(&self) -> u64 {
        self.signed_at
    }

    /// `X-Amz-Date + X-Amz-Expires` as Unix seconds: after this the identity is no longer accepted.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// `/?Action=…&…&X-Amz-Signature=…`, re-encoded canonically (AWS URI encoding) in a fixed order.
    pub fn path_and_query(&self) -> String {
        let mut out = String::from("/?");
        for (i, name) in QUERY_PARAMS.iter().enumerate() {
            if let Some(v) = &self.values[i] {
                if out.len() > 2 {
                    out.push('&');
                }
                out.push_str(name);
                out.push('=');
                aws_uri_encode_into(v, &mut out);
            }
        }
        out
    }

    /// The full URL to fetch: `https://<host>/?…`.
    pub fn url(&self) -> String {
        format!("https://{}{}", self.host.host, self.path_and_query())
    }
}

/// Validates an `X-Fluid-Identity` value at time `now` against `policy`.
///
/// ```
/// use fluid_identity::{validate, Rejection, ValidationPolicy};
/// let policy = ValidationPolicy::default();
/// let err = validate("https://sts.amazonaws.com@evil.example/", &policy, std::time::SystemTime::now());
/// assert_eq!(err.unwrap_err(), Rejection::Userinfo);
/// ```
pub fn validate(
    value: &str,
    policy: &ValidationPolicy,
    now: SystemTime,
) -> Result<ValidatedRequest, Rejection> {
    // --- the header value
    if value.is_empty() {
        return Err(Rejection::Missing);
    }
    if value.len() > policy.max_header_len {
        return Err(Rejection::TooLong);
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Rejection::InvalidCharacter);
    }

    // --- scheme and authority
    let rest = value.strip_prefix("https://").ok_or(Rejection::NotHttps)?;
    if value.contains('#') {
        return Err(Rejection::Fragment);
    }
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Err(Rejection::Userinfo);
    }
    if authority.contains('%') {
        return Err(Rejection::PercentEncodedHost);
    }
    if authority.starts_with('[') {
        return Err(Rejection::IpLiteral);
    }
    let host = match authority.split_once(':') {
        Some((host, "443")) => host,
        Some(_) => return Err(Rejection::Port),
        None => authority,
    };
    if host.ends_with('.') {
        return Err(Rejection::TrailingDot);
    }
    if !host.is_empty() && host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(Rejection::IpLiteral);
    }
    let sts_host = policy.hosts.lookup(host).ok_or(Rejection::HostNotAllowed)?;

    // --- path
    let query = match rest.strip_prefix('/') {
        Some(after) => match after.strip_prefix('?') {
            Some(q) => q,
            None if after.is_empty() => "",
            None => return Err(Rejection::PathNotRoot),
        },
        None => return Err(Rejection::PathNotRoot),
    };

    // --- query parameters
    let mut values: [Option<String>; QUERY_PARAMS.len()] = Default::default();
    let mut seen_lowercase: Vec<String> = Vec::with_capacity(QUERY_PARAMS.len());
    for pair in query.split('&') {
        let (raw_name, raw_value) = pair.split_once('=').ok_or(Rejection::MalformedQuery)?;
        let name = percent_decode_strict(raw_name)?;
        let decoded = percent_decode_strict(raw_value)?;
        let lower = name.to_ascii_lowercase();
        if seen_lowercase.contains(&lower) {
            return Err(Rejection::DuplicateParameter);
        }
        seen_lowercase.push(lower);
        let index = position(&name).ok_or(Rejection::UnknownParameter)?;
        values[index] = Some(decoded);
    }
    let get = |name: &str| -> Result<&str, Rejection> {
        let i = position(name).expect("known name");
        values[i].as_deref().ok_or(Rejection::MissingParameter)
    };

    if get("Action")? != "GetCallerIdentity" {
        return Err(Rejection::WrongAction);
    }
    if get("Version")? != "2011-06-15" {
        return Err(Rejection::WrongVersion);
    }
    if get("X-Amz-Algorithm")? != "AWS4-HMAC-SHA256" {
        return Err(Rejection::WrongAlgorithm);
    }
    let credential = get("X-Amz-Credential")?;
    let date = get("X-Amz-Date")?;
    let expires = get("X-Amz-Expires")?;
    let signed_headers = get("X-Amz-SignedHeaders")?;
    let signature = get("X-Amz-Signature")?;
    if let Some(token) = &values[SECURITY_TOKEN]
        && token.is_empty()
    {
        return Err(Rejection::MalformedQuery);
    }

    // --- time
    let signed_at = parse_amz_date(date).ok_or(Rejection::BadDate)?;
    let expires_secs: u64 = parse_digits(expires).ok_or(Rejection::BadExpires)?;
    if expires_secs == 0 {
        return Err(Rejection::BadExpires);
    }
    if expires_secs > policy.max_expiry.as_secs() {
        return Err(Rejection::ExpiryTooLong);
    }

    // --- credential scope: AKID/yyyymmdd/region/sts/aws4_request
    let scope: Vec<&str> = credential.split('/').collect();
    let access_key_id = match scope.as_slice() {
        [akid, day, region, "sts", "aws4_request"]
            if is_access_key_id(akid) && *day == &date[..8] && *region == sts_host.region =>
        {
            (*akid).to_owned()
        }
        _ => return Err(Rejection::BadCredentialScope),
    };

    let now = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if signed_at > now.saturating_add(policy.future_skew.as_secs()) {
        return Err(Rejection::DateInFuture);
    }
    let expires_at = signed_at + expires_secs;
    if now >= expires_at {
        return Err(Rejection::Expired);
    }

    // --- signed headers: exactly what the verifier will send
    let mut has_host = false;
    let mut has_audience = false;
    for h in signed_headers.split(';') {
        match h {
            "host" => has_host = true,
            AUDIENCE_HEADER => has_audience = true,
            _ => return Err(Rejection::UnexpectedSignedHeader),
        }
    }
    if !has_audience {
        return Err(Rejection::AudienceNotSigned);
    }
    if !has_host {
        return Err(Rejection::UnexpectedSignedHeader);
    }

    if signature.len() != 64
        || !signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(Rejection::BadSignature);
    }

    Ok(ValidatedRequest {
        host: sts_host.clone(),
        access_key_id,
        signed_at,
        expires_at,
        values,
    })
}

fn is_access_key_id(s: &str) -> bool {
    (16..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}
