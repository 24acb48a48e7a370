//! The Lambda's configuration, from environment variables (the CDK sets them); wrong values stop
//! the function at init.
//!
//! | variable | meaning | default |
//! | --- | --- | --- |
//! | `KVS_ARN` | the KeyValueStore the viewer filter reads (as range-sync checks it) | required |
//! | `KVS_ENDPOINT` | tests only: the store's data plane, `http://` to a loopback IP | the SDK's |
//! | `CLOUDFLARE_API_BASE` | Cloudflare's API; https, or http to loopback | `https://api.cloudflare.com/client/v4` |
//! | `CLOUDFLARE_ZONE_ID` | the zone holding the rule (32 lowercase hex) | required |
//! | `CLOUDFLARE_TOKEN_SECRET_ARN` | the secret whose SecretString is the API token | required |
//! | `CLOUDFLARE_RULE_REF` | the `ref` of oac-kit's rule in the late-transform phase | required |
//! | `HOSTNAMES` | the rule's hostnames, comma-separated | required |
//! | `ORIGIN_SECRET_HEADER` | the header the rule sets | `x-origin-secret` |
//! | `TEST_URL` | what testSecret GETs through Cloudflare; https, or http to loopback | `https://<first hostname>/health` |
//! | `TEST_ATTEMPTS` | how many times (1–30) | `10` |
//! | `TEST_DELAY_MS` | the wait between attempts (0–30000) | `3000` |
//! | `SECRETSMANAGER_ENDPOINT_URL` | tests only: Secrets Manager, `http://` to loopback | the SDK's |

use std::time::Duration;

use cloudflare_api::ZoneId;
use cloudflare_api::ids::{check_hostname, check_rule_ref};
use ip_filter_core::origin_secret::{DEFAULT_HEADER, check_header_name};
pub use range_sync::config::ConfigError;
use url::Url;

/// What the steps need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `KVS_ARN`.
    pub kvs_arn: String,
    /// `KVS_ENDPOINT`.
    pub kvs_endpoint: Option<String>,
    /// `CLOUDFLARE_API_BASE`.
    pub cloudflare_api_base: String,
    /// `CLOUDFLARE_ZONE_ID`.
    pub zone: ZoneId,
    /// `CLOUDFLARE_TOKEN_SECRET_ARN`.
    pub token_secret_arn: String,
    /// `CLOUDFLARE_RULE_REF`.
    pub rule_ref: String,
    /// `HOSTNAMES`.
    pub hostnames: Vec<String>,
    /// `ORIGIN_SECRET_HEADER`.
    pub header: String,
    /// `TEST_URL`.
    pub test_url: Url,
    /// `TEST_ATTEMPTS`.
    pub test_attempts: u32,
    /// `TEST_DELAY_MS`.
    pub test_delay: Duration,
    /// `SECRETSMANAGER_ENDPOINT_URL`.
    pub secretsmanager_endpoint: Option<String>,
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
        let invalid =
            |name: &'static str| move |reason: String| ConfigError::Invalid { name, reason };

        let (kvs_arn, kvs_endpoint) = range_sync::config::kvs_vars(&var)?;
        let cloudflare_api_base = get("CLOUDFLARE_API_BASE")
            .unwrap_or_else(|| cloudflare_api::DEFAULT_API_BASE.to_owned());
        cloudflare_api::transport::checked_base(&cloudflare_api_base)
            .map_err(|e| invalid("CLOUDFLARE_API_BASE")(e.to_string()))?;
        let zone = ZoneId::parse(&required("CLOUDFLARE_ZONE_ID")?)
            .map_err(|e| invalid("CLOUDFLARE_ZONE_ID")(e.to_string()))?;
        let token_secret_arn = required("CLOUDFLARE_TOKEN_SECRET_ARN")?;
        let rule_ref = required("CLOUDFLARE_RULE_REF")?;
        check_rule_ref(&rule_ref).map_err(|e| invalid("CLOUDFLARE_RULE_REF")(e.to_string()))?;
        let hostnames: Vec<String> = required("HOSTNAMES")?
            .split(',')
            .map(|h| h.trim().to_owned())
            .collect();
        for name in &hostnames {
            check_hostname(name).map_err(|e| invalid("HOSTNAMES")(e.to_string()))?;
        }
        let header = get("ORIGIN_SECRET_HEADER").unwrap_or_else(|| DEFAULT_HEADER.to_owned());
        check_header_name(&header).map_err(|e| invalid("ORIGIN_SECRET_HEADER")(e.to_string()))?;
        let test_url =
            get("TEST_URL").unwrap_or_else(|| format!("https://{}/health", hostnames[0]));
        let test_url = checked_url(&test_url).map_err(invalid("TEST_URL"))?;
        let test_attempts =
            number(get("TEST_ATTEMPTS"), 10, 1..=30).map_err(invalid("TEST_ATTEMPTS"))? as u32;
        let test_delay = Duration::from_millis(
            number(get("TEST_DELAY_MS"), 3000, 0..=30_000).map_err(invalid("TEST_DELAY_MS"))?,
        );
        let secretsmanager_endpoint = match get("SECRETSMANAGER_ENDPOINT_URL") {
            None => None,
            Some(url) => match checked_url(&url) {
                Ok(parsed) if parsed.scheme() == "http" => Some(url),
                _ => {
                    return Err(invalid("SECRETSMANAGER_ENDPOINT_URL")(
                        "http:// to a loopback host only (it exists for tests)".to_owned(),
                    ));
                }
            },
        };
        Ok(Self {
            kvs_arn,
            kvs_endpoint,
            cloudflare_api_base,
            zone,
            token_secret_arn,
            rule_ref,
            hostnames,
            header,
            test_url,
            test_attempts,
            test_delay,
            secretsmanager_endpoint,
        })
    }
}

/// `https://`, or `http://` to a loopback host: the rule of Cloudflare's API base
/// (`cloudflare_api::transport::checked_base`, over the project's one loopback rule).
fn checked_url(text: &str) -> Result<Url, String> {
    cloudflare_api::transport::checked_base(text).map_err(|_| {
        "https only (http only to loopback), no userinfo, query or fragment".to_owned()
    })
}

/// `value` as a number in `range`, `default` when unset.
fn number(
    value: Option<String>,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, String> {
    let Some(value) = value else {
        return Ok(default);
    };
    match value.parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "{value:?} is not a number from {} to {}",
            range.start(),
            range.end()
        )),
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
