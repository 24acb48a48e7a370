//! The KVS data-plane `GetKey` call on the wire (feature `kvs-getkey`): the signed request and the
//! answer read back. Pure: the adapter sends the request and hands the status and body over.
//!
//! - request: `GET <endpoint>/key-value-stores/<ARN>/keys/<key>` (both labels percent-encoded),
//!   SigV4a (`AWS4-ECDSA-P256-SHA256`), service `cloudfront-keyvaluestore`, region set `*` — what
//!   the SDK's endpoint rules give for this service (`authSchemes: sigv4a`, `signingRegionSet:
//!   ["*"]`, endpoint `https://<account>.cloudfront-kvs.global.api.aws`);
//! - answer: 200 with JSON `{"Key","Value","ItemCount","TotalSizeInBytes"}`; 404
//!   (`ResourceNotFoundException`) when the key is not in the store.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4a;
use serde::Deserialize;

use crate::kvs_config::KvsConfig;
use crate::kvs_layout::MAX_VALUE_BYTES;
use crate::kvs_refresh::Fetched;

/// The signing name of the KVS data plane.
pub const SERVICE: &str = "cloudfront-keyvaluestore";
/// The SigV4a region set of the KVS data plane (a global service).
pub const REGION_SET: &str = "*";
/// The most bytes of a `GetKey` answer read: a value is at most 1,024 bytes, so an honest answer
/// is far smaller.
pub const MAX_ANSWER_BYTES: usize = 8 * 1024;

/// A `GetKey` request ready to send: the URL and the headers to add (`host` is the URL's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedGet {
    /// The full URL.
    pub url: String,
    /// `x-amz-date`, `x-amz-region-set`, `x-amz-security-token` (temporary credentials) and
    /// `authorization`.
    pub headers: Vec<(String, String)>,
}

/// The request could not be signed.
#[derive(Debug, thiserror::Error)]
#[error("cannot sign the GetKey request: {0}")]
pub struct SignError(String);

/// The URL of `GetKey` for `key` in the store of `kvs`.
pub fn get_key_url(kvs: &KvsConfig, key: &str) -> String {
    format!(
        "{}/key-value-stores/{}/keys/{}",
        kvs.endpoint(),
        label(kvs.arn()),
        label(key)
    )
}

/// `GetKey` for `key`, signed with SigV4a at `time`.
pub fn sign_get_key(
    kvs: &KvsConfig,
    key: &str,
    credentials: &Credentials,
    time: SystemTime,
) -> Result<SignedGet, SignError> {
    let url = get_key_url(kvs, key);
    let identity = credentials.clone().into();
    let params = v4a::SigningParams::builder()
        .identity(&identity)
        .region_set(REGION_SET)
        .name(SERVICE)
        .time(time)
        // The defaults are what every service but S3 wants: the path normalised and encoded
        // again, the session token signed, the signature in headers.
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| SignError(e.to_string()))?
        .into();
    let signable = SignableRequest::new("GET", &url, std::iter::empty(), SignableBody::Bytes(&[]))
        .map_err(|e| SignError(e.to_string()))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| SignError(e.to_string()))?
        .into_parts();
    let headers = instructions
        .headers()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    Ok(SignedGet { url, headers })
}

/// The `GetKey` answer for `key`: its value, `Missing` on a 404, `Failed` on anything else (any
/// other status, a body over [`MAX_ANSWER_BYTES`] or not of the documented shape, another key, a
/// value over CloudFront's 1,024 bytes).
pub fn read_get_key(key: &str, status: u16, body: &str) -> Fetched {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct GetKeyOutput {
        key: String,
        value: String,
    }
    match status {
        200 if body.len() <= MAX_ANSWER_BYTES => match serde_json::from_str::<GetKeyOutput>(body) {
            Ok(out) if out.key == key && out.value.len() <= MAX_VALUE_BYTES => {
                Fetched::Value(out.value)
            }
            _ => Fetched::Failed,
        },
        404 => Fetched::Missing,
        _ => Fetched::Failed,
    }
}

/// A URI label as the SDK writes it: every byte but the unreserved ones percent-encoded.
fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[path = "kvs_getkey_tests.rs"]
mod tests;
