//! The Lambda's configuration, from environment variables (the CDK sets them):
//!
//! | variable | meaning | default |
//! | --- | --- | --- |
//! | `KVS_ARN` | the KeyValueStore (`arn:aws:cloudfront::<account>:key-value-store/<id>`, checked by `ip_filter_core::kvs_arn`, the rule the edge build applies) | required |
//! | `ORIGIN_SECRET_ID` | the Secrets Manager secret (name or ARN) holding `{"current":…[,"next":…]}` | required |
//! | `CLOUDFLARE_API_BASE` | where `/client/v4/ips` is fetched; https, or http to a loopback IP | `https://api.cloudflare.com` |
//! | `CLOUDFLARE_TIMEOUT_SECONDS` | the fetch's total timeout | `10` |
//! | `FORCE_LARGE_CHANGE` | `true` accepts one list beyond the shrink/growth guards (never one breaking a range rule); set it for one run, then remove it | `false` |
//! | `KVS_ENDPOINT` | tests only: the data-plane endpoint, `http://` to a loopback IP (anything else refused) | the endpoint the SDK derives from the ARN |

use std::time::Duration;

use cloudflare_ranges::fetch::{DEFAULT_API_BASE, checked_url};
use ip_filter_core::kvs_arn::KvsArn;

/// What a run needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `KVS_ARN`.
    pub kvs_arn: String,
    /// `ORIGIN_SECRET_ID`.
    pub origin_secret_id: String,
    /// `CLOUDFLARE_API_BASE`, checked by the shared fetch's URL rules.
    pub cloudflare_api_base: String,
    /// `CLOUDFLARE_TIMEOUT_SECONDS`.
    pub cloudflare_timeout: Duration,
    /// `FORCE_LARGE_CHANGE`.
    pub force_large_change: bool,
    /// `KVS_ENDPOINT`.
    pub kvs_endpoint: Option<String>,
}

/// A variable that is missing or wrong; the function stops at init with this message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is unset or empty.
    #[error("{0} is not set")]
    Missing(&'static str),
    /// A variable's value is refused.
    #[error("{name}: {reason}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// Why.
        reason: String,
    },
}

impl Config {
    /// From the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// From `var` (a variable's value, `None` when unset).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| var(name).filter(|v| !v.is_empty());
        let required = |name: &'static str| get(name).ok_or(ConfigError::Missing(name));
        let invalid = |name: &'static str, reason: String| ConfigError::Invalid { name, reason };

        let (kvs_arn, kvs_endpoint) = kvs_vars(&var)?;
        let origin_secret_id = required("ORIGIN_SECRET_ID")?;
        let cloudflare_api_base =
            get("CLOUDFLARE_API_BASE").unwrap_or_else(|| DEFAULT_API_BASE.to_owned());
        checked_url(&cloudflare_api_base)
            .map_err(|e| invalid("CLOUDFLARE_API_BASE", e.to_string()))?;
        let cloudflare_timeout = match get("CLOUDFLARE_TIMEOUT_SECONDS") {
            None => Duration::from_secs(10),
            Some(v) => match v.parse::<u64>() {
                Ok(s @ 1..=300) => Duration::from_secs(s),
                _ => {
                    return Err(invalid(
                        "CLOUDFLARE_TIMEOUT_SECONDS",
                        format!("{v:?} is not a number of seconds from 1 to 300"),
                    ));
                }
            },
        };
        let force_large_change = match get("FORCE_LARGE_CHANGE").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(invalid(
                    "FORCE_LARGE_CHANGE",
                    format!("{other:?} is neither true nor false"),
                ));
            }
        };
        Ok(Self {
            kvs_arn,
            origin_secret_id,
            cloudflare_api_base,
            cloudflare_timeout,
            force_large_change,
            kvs_endpoint,
        })
    }
}

/// `KVS_ARN` (checked by `ip_filter_core::kvs_arn`) and `KVS_ENDPOINT` (tests only: `http://` to a
/// loopback IP), as every writer of the store reads them (this Lambda and the rotation Lambda).
pub fn kvs_vars(
    var: &impl Fn(&str) -> Option<String>,
) -> Result<(String, Option<String>), ConfigError> {
    let get = |name: &str| var(name).filter(|v| !v.is_empty());
    let invalid = |name: &'static str, reason: String| ConfigError::Invalid { name, reason };
    let kvs_arn = get("KVS_ARN").ok_or(ConfigError::Missing("KVS_ARN"))?;
    if let Err(e) = KvsArn::parse(&kvs_arn) {
        return Err(invalid("KVS_ARN", format!("{kvs_arn:?} is {e}")));
    }
    let kvs_endpoint = match get("KVS_ENDPOINT") {
        None => None,
        Some(url) => match checked_url(&url) {
            Ok(parsed) if parsed.scheme() == "http" => Some(url),
            _ => {
                return Err(invalid(
                    "KVS_ENDPOINT",
                    format!("{url:?} is not http:// to a loopback IP (it exists for tests)"),
                ));
            }
        },
    };
    Ok((kvs_arn, kvs_endpoint))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str =
        "arn:aws:cloudfront::123456789012:key-value-store/0f2ab7c9-1111-2222-3333-444455556666";

    fn config(extra: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let mut vars = vec![
            ("KVS_ARN", ARN),
            ("ORIGIN_SECRET_ID", "oac-kit/origin-secret"),
        ];
        vars.extend_from_slice(extra);
        Config::from_vars(|name| {
            vars.iter()
                .rev()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn the_defaults_fetch_from_cloudflare_without_force() {
        let c = config(&[]).unwrap();
        assert_eq!(c.cloudflare_api_base, "https://api.cloudflare.com");
        assert_eq!(c.cloudflare_timeout, Duration::from_secs(10));
        assert!(!c.force_large_change);
        assert_eq!(c.kvs_endpoint, None);
    }

    #[test]
    fn a_missing_arn_is_refused() {
        let err = Config::from_vars(|n| (n == "ORIGIN_SECRET_ID").then(|| "s".into())).unwrap_err();
        assert_eq!(err, ConfigError::Missing("KVS_ARN"));
    }

    #[test]
    fn an_arn_of_another_resource_is_refused() {
        let err =
            config(&[("KVS_ARN", "arn:aws:cloudfront::123456789012:function/f")]).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::Invalid {
                    name: "KVS_ARN",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn an_arn_the_edge_build_would_refuse_is_refused_here_too() {
        let long_id = format!(
            "arn:aws:cloudfront::123456789012:key-value-store/{}",
            "a".repeat(65)
        );
        for bad in [
            "arn:aws-cn:cloudfront::123456789012:key-value-store/abc",
            long_id.as_str(),
        ] {
            let err = config(&[("KVS_ARN", bad)]).unwrap_err();
            assert!(
                err.to_string()
                    .contains("arn:aws:cloudfront::<12-digit account>"),
                "{bad}: {err}"
            );
            assert!(
                ip_filter_core::kvs_config::KvsConfig::new(bad, None, None, None).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_plain_http_cloudflare_base_is_refused() {
        let err = config(&[("CLOUDFLARE_API_BASE", "http://api.cloudflare.com")]).unwrap_err();
        assert!(err.to_string().contains("plain http"), "{err}");
    }

    #[test]
    fn an_https_kvs_endpoint_is_refused() {
        let err = config(&[("KVS_ENDPOINT", "https://example.com")]).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::Invalid {
                    name: "KVS_ENDPOINT",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn a_loopback_kvs_endpoint_is_taken() {
        let c = config(&[("KVS_ENDPOINT", "http://127.0.0.1:4566")]).unwrap();
        assert_eq!(c.kvs_endpoint.as_deref(), Some("http://127.0.0.1:4566"));
    }

    #[test]
    fn force_must_be_spelled_true_or_false() {
        assert!(
            config(&[("FORCE_LARGE_CHANGE", "true")])
                .unwrap()
                .force_large_change
        );
        assert!(config(&[("FORCE_LARGE_CHANGE", "yes")]).is_err());
    }
}
