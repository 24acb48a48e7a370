//! The signer: presign STS `GetCallerIdentity` with the audience header signed.
//!
//! Pure: credentials and time are values. Where credentials come from (the standard chain via
//! `aws-config`) is the CLI's business.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;

use crate::AUDIENCE_HEADER;
use crate::audience::{AudienceError, check_audience};
use crate::hosts::Partition;
use crate::query_params::AUTH_PARAMS;
use crate::uri_encoding::aws_uri_encode_into;

/// Default validity of a signed identity.
pub const DEFAULT_EXPIRY: Duration = Duration::from_secs(60);

/// Why signing failed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The region is not a plausible region name.
    #[error("invalid region {0:?}")]
    Region(String),
    /// The audience breaks the audience rule ([`check_audience`]).
    #[error(transparent)]
    Audience(#[from] AudienceError),
    /// Expiry must be between 1 s and 15 min (STS's own limit for this use).
    #[error("expiry must be between 1 and 900 seconds")]
    Expiry,
    /// aws-sigv4 refused the request or parameters.
    #[error("signing failed: {0}")]
    Signing(String),
}

/// The regional STS host for `region`: `sts.<region>.amazonaws.com` (`.com.cn` in China).
pub fn sts_host_for_region(region: &str) -> Result<String, SignError> {
    let ok = !region.is_empty()
        && region.split('-').count() >= 3
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        return Err(SignError::Region(region.to_owned()));
    }
    Ok(match Partition::of_region(region) {
        Partition::AwsCn => format!("sts.{region}.amazonaws.com.cn"),
        _ => format!("sts.{region}.amazonaws.com"),
    })
}

/// Presigns `GET https://sts.<region>.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15`
/// with `x-fluid-audience: <audience>` signed, returning the `X-Fluid-Identity` header value.
///
/// The payload hash is that of the empty body (`SignableBody::Bytes(&[])`), as botocore's
/// `SigV4QueryAuth` computes it for STS — not S3's `UNSIGNED-PAYLOAD`. The query lists the operation
/// parameters, then the auth parameters in botocore's order, then the signature, so the result is
/// byte-identical to botocore's presign of the same request.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use aws_credential_types::Credentials;
/// let creds = Credentials::new("AKIDEXAMPLE0000000000", "secret", None, None, "example");
/// let time = UNIX_EPOCH + Duration::from_secs(1_740_832_496);
/// let url = fluid_identity::presign(&creds, "eu-west-1", "orders-api", Duration::from_secs(60), time).unwrap();
/// assert!(url.starts_with("https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm="));
/// assert!(url.contains("X-Amz-SignedHeaders=host%3Bx-fluid-audience"));
/// ```
pub fn presign(
    credentials: &Credentials,
    region: &str,
    audience: &str,
    expires: Duration,
    time: SystemTime,
) -> Result<String, SignError> {
    let host = sts_host_for_region(region)?;
    check_audience(audience)?;
    if expires.as_secs() == 0 || expires > Duration::from_secs(900) || expires.subsec_nanos() != 0 {
        return Err(SignError::Expiry);
    }

    let url = format!("https://{host}/?Action=GetCallerIdentity&Version=2011-06-15");
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(expires);
    let identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| SignError::Signing(e.to_string()))?
        .into();
    let signable = SignableRequest::new(
        "GET",
        &url,
        [(AUDIENCE_HEADER, audience)].into_iter(),
        SignableBody::Bytes(&[]),
    )
    .map_err(|e| SignError::Signing(e.to_string()))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| SignError::Signing(e.to_string()))?
        .into_parts();

    // Assemble the query ourselves in botocore's order rather than `apply_to_request_http1x`, so
    // the URL is byte-stable and matches what the verifier rebuilds.
    let params = instructions.params();
    if let Some((unexpected, _)) = params.iter().find(|(n, _)| !AUTH_PARAMS.contains(n)) {
        return Err(SignError::Signing(format!(
            "unexpected signing parameter {unexpected}"
        )));
    }
    let mut out = url;
    for &name in AUTH_PARAMS {
        if let Some((_, value)) = params.iter().find(|(n, _)| *n == name) {
            out.push('&');
            out.push_str(name);
            out.push('=');
            aws_uri_encode_into(value, &mut out);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MAX_AUDIENCE_LEN;
    use std::time::UNIX_EPOCH;

    fn sign_for(audience: &str) -> Result<String, SignError> {
        let creds = Credentials::new("AKIDEXAMPLE0000000000", "secret", None, None, "test");
        let time = UNIX_EPOCH + Duration::from_secs(1_740_832_496);
        presign(&creds, "eu-west-1", audience, DEFAULT_EXPIRY, time)
    }

    #[test]
    fn the_signer_refuses_an_audience_the_verifier_would_refuse() {
        let long = "a".repeat(MAX_AUDIENCE_LEN + 1);
        assert!(matches!(
            sign_for(&long),
            Err(SignError::Audience(AudienceError::TooLong))
        ));
        assert!(sign_for(&long[..MAX_AUDIENCE_LEN]).is_ok());
    }
}
