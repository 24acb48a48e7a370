//! Build-time configuration (Lambda@Edge has no environment variables: the edge bundle carries it
//! as `config.json`; the `lambda_runtime` binary reads the same JSON from an environment variable).

use cloudfront_event::reserved_headers::is_reserved_at_origin_request;
use serde::Deserialize;

/// Options of the body-hash function.
///
/// ```
/// let c = body_hash_core::Config::from_json(r#"{"copyAuthorizationTo":"x-viewer-authorization"}"#).unwrap();
/// assert_eq!(c.copy_authorization_to(), Some("x-viewer-authorization"));
/// assert!(body_hash_core::Config::from_json(r#"{"copyAuthorizationTo":"via"}"#).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// Copy the viewer's `Authorization` into this header before OAC's `always` signing overwrites
    /// it. Off (`None`) by default.
    #[serde(default)]
    copy_authorization_to: Option<String>,
}

/// A configuration that must not be deployed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Not JSON of the expected shape.
    #[error("body-hash config is not valid: {0}")]
    Json(#[from] serde_json::Error),
    /// The copy target is not a usable header name.
    #[error("copyAuthorizationTo {name:?} {why}")]
    BadTarget {
        /// The rejected name.
        name: String,
        /// Why.
        why: &'static str,
    },
}

impl Config {
    /// Parses and validates the JSON configuration (`{}` is the default).
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        let config: Config = serde_json::from_str(json)?;
        config.validate()
    }

    /// A configuration that copies `Authorization` into `target`.
    pub fn copying_authorization_to(target: &str) -> Result<Self, ConfigError> {
        Config {
            copy_authorization_to: Some(target.to_owned()),
        }
        .validate()
    }

    /// The header that receives the viewer's `Authorization`, if enabled.
    pub fn copy_authorization_to(&self) -> Option<&str> {
        self.copy_authorization_to.as_deref()
    }

    fn validate(self) -> Result<Self, ConfigError> {
        if let Some(name) = &self.copy_authorization_to {
            let bad = |why| {
                Err(ConfigError::BadTarget {
                    name: name.clone(),
                    why,
                })
            };
            let is_token_char =
                |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_".contains(c);
            if name.is_empty() || !name.chars().all(is_token_char) {
                return bad("must be a lowercase header name ([a-z0-9_-])");
            }
            if is_reserved_at_origin_request(name) {
                return bad("is a header CloudFront, OAC or Lambda reserves");
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_target_read_only_at_origin_request_is_refused() {
        // CloudFront answers 502 when an origin-request function changes `if-none-match`.
        assert!(Config::copying_authorization_to("if-none-match").is_err());
    }

    #[test]
    fn copy_target_cloudfront_keeps_for_itself_is_refused() {
        // `X-Amzn-RequestId` is on CloudFront's disallowed list (no prefix covers it).
        assert!(Config::copying_authorization_to("x-amzn-requestid").is_err());
    }

    #[test]
    fn copy_target_oac_signs_is_refused() {
        assert!(Config::copying_authorization_to("x-amz-security-token").is_err());
    }

    #[test]
    fn an_ordinary_copy_target_is_accepted() {
        assert!(Config::copying_authorization_to("x-viewer-authorization").is_ok());
    }
}
