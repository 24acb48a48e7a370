//! The Function URL's side: `AuthType=AWS_IAM`, checked before the function is invoked.
//!
//! The canonicalization ([`sigv4_canonical`]) is written from the SigV4 specification, not taken
//! from `aws-sigv4`, so signer and verifier are two implementations that must agree;
//! docs/oac-dev.md says how each part is canonicalised and why.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use sigv4_canonical::amz_time::{format_amz_date, parse_amz_date};
use sigv4_canonical::{canonical_request, header_values, sha256_hex, string_to_sign};

use super::CONTENT_SHA256;
use super::authorization::{
    Authorization, decode_signature, is_lowercase_name, parse_authorization,
};
use crate::function_url::lambda_errors::Denial;
use crate::model::{Grants, SigningIdentity};

/// An HTTP request as the Function URL received it.
pub type ReceivedRequest<'a> = sigv4_canonical::Request<'a>;

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
    /// Checks one request at time `now`, in Lambda's order: host, authentication, clock,
    /// scope, payload hash, signature, resource policy.
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
        self.check_clock(amz_date, signed_at, now)?;
        self.check_scope(&auth, amz_date)?;
        let payload_hash = payload_hash(request)?;

        let canonical = canonical_request(request, &auth.signed_headers, &payload_hash)
            .map_err(Denial::InvalidSignature)?;
        let string_to_sign = string_to_sign("AWS4-HMAC-SHA256", amz_date, auth.scope, &canonical);
        let provided = decode_signature(auth.signature).ok_or_else(|| {
            Denial::InvalidSignature(format!(
                "signature {:?} is not 64 lowercase hex digits",
                auth.signature
            ))
        })?;
        let key = signing_key(&identity.secret_access_key, &amz_date[..8], &self.region);
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
        mac.update(string_to_sign.as_bytes());
        if mac.verify_slice(&provided).is_err() {
            return Err(Denial::InvalidSignature(mismatch_diagnosis(request)));
        }

        self.grants.authorize_cloudfront()?;
        Ok(Caller {
            access_key_id: identity.access_key_id.clone(),
            principal_arn: identity.principal_arn.clone(),
            account_id: identity.account_id.clone(),
        })
    }

    /// `x-amz-date` within `max_skew` of `now`, either way.
    fn check_clock(&self, amz_date: &str, signed_at: u64, now: SystemTime) -> Result<(), Denial> {
        let now_secs = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let skew = self.max_skew.as_secs();
        let (bound, relation, sign) = if signed_at + skew < now_secs {
            (now_secs - skew, "earlier", '-')
        } else if signed_at > now_secs + skew {
            (now_secs + skew, "later", '+')
        } else {
            return Ok(());
        };
        Err(Denial::SignatureExpired(format!(
            "{amz_date} is now {relation} than {} ({} {sign} {} min.)",
            format_amz_date(bound),
            format_amz_date(now_secs),
            skew / 60
        )))
    }

    /// The credential scope is this date, region and service; the signed headers are lowercase
    /// and include `host`.
    fn check_scope(&self, auth: &Authorization<'_>, amz_date: &str) -> Result<(), Denial> {
        let expected_scope = format!("{}/{}/lambda/aws4_request", &amz_date[..8], self.region);
        if auth.scope != expected_scope {
            return Err(Denial::InvalidSignature(format!(
                "credential scope {:?} is not {expected_scope:?}",
                auth.scope
            )));
        }
        if let Some(name) = auth.signed_headers.iter().find(|n| !is_lowercase_name(n)) {
            return Err(Denial::InvalidSignature(format!(
                "signed header name {name:?} is not lowercase"
            )));
        }
        if !auth.signed_headers.contains(&"host") {
            return Err(Denial::InvalidSignature(
                "host is not a signed header".into(),
            ));
        }
        Ok(())
    }
}

/// The payload hash to sign with: the body's SHA-256, which `x-amz-content-sha256` must equal
/// when present (Lambda doesn't support unsigned payloads).
fn payload_hash(request: &ReceivedRequest<'_>) -> Result<String, Denial> {
    let body_hash = sha256_hex(request.body);
    match header_values(request.headers, CONTENT_SHA256).as_slice() {
        [] => Ok(body_hash),
        [v] if *v == "UNSIGNED-PAYLOAD" => Err(Denial::InvalidSignature(
            "x-amz-content-sha256 is UNSIGNED-PAYLOAD: Lambda doesn't support unsigned payloads"
                .into(),
        )),
        [v] if *v == body_hash => Ok(body_hash),
        [v] => Err(Denial::InvalidSignature(format!(
            "x-amz-content-sha256 {v} is not the SHA-256 of the {}-byte body ({body_hash})",
            request.body.len()
        ))),
        _ => Err(Denial::InvalidSignature(
            "repeated x-amz-content-sha256".into(),
        )),
    }
}

/// Why a signature may not match, as far as the request shows.
fn mismatch_diagnosis(request: &ReceivedRequest<'_>) -> String {
    if header_values(request.headers, CONTENT_SHA256).is_empty() && !request.body.is_empty() {
        format!(
            "signature mismatch; the {}-byte body has no x-amz-content-sha256, so CloudFront \
             signed it as empty (is the body-hash function associated, with IncludeBody?)",
            request.body.len()
        )
    } else {
        "signature mismatch".to_owned()
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
