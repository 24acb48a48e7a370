//! CloudFront's side: OAC signing `always`.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PercentEncodingMode, SignableBody, SignableRequest, SigningSettings, UriPathNormalizationMode,
    sign,
};
use aws_sigv4::sign::v4;

use cloudfront_event::{CONTENT_SHA256, EMPTY_SHA256};

/// The request could not be signed.
#[derive(Debug, thiserror::Error)]
#[error("cannot sign the origin request: {0}")]
pub struct SignError(String);

/// Signs an origin request as CloudFront OAC does for a Lambda origin: drops any
/// `authorization` the viewer sent (signing `always` overwrites it), signs the remaining headers
/// for service `lambda` in `region`, and returns the headers to add (`authorization`,
/// `x-amz-date`, and `x-amz-security-token` for temporary credentials).
///
/// The payload hash is the `x-amz-content-sha256` value when present, else the empty-body hash:
/// CloudFront does not hash bodies, so a body without that header fails Lambda's check.
pub fn sign_origin_request(
    method: &str,
    url: &str,
    headers: &mut Vec<(String, String)>,
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
) -> Result<(), SignError> {
    headers.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
    let payload = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(CONTENT_SHA256))
        .map(|(_, value)| value.clone());
    let body = match &payload {
        Some(hash) => SignableBody::Precomputed(hash.clone()),
        None => SignableBody::Precomputed(EMPTY_SHA256.to_owned()),
    };
    let identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("lambda")
        .time(time)
        .settings(lambda_settings())
        .build()
        .map_err(|e| SignError(e.to_string()))?
        .into();
    let signable = SignableRequest::new(
        method,
        url,
        headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        body,
    )
    .map_err(|e| SignError(e.to_string()))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| SignError(e.to_string()))?
        .into_parts();
    for (name, value) in instructions.headers() {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        headers.push((name.to_owned(), value.to_owned()));
    }
    Ok(())
}

/// SigV4 as every service but S3 wants it, Lambda included: the path normalised (dot and empty
/// segments removed) and percent-encoded again (`%2F` signed as `%252F`). These are
/// `aws-sigv4`'s defaults, spelled out because the Function URL side must match them.
fn lambda_settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Double;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Enabled;
    settings
}
