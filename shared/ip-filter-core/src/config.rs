//! Build-time configuration of the ip-filter (Lambda@Edge has no environment variables: the edge
//! bundle carries it as `config.json`, the generated CloudFront Function has it baked in, and the
//! `lambda_runtime` binary reads the same JSON from `IP_FILTER_CONFIG`).

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::kvs_config::{KvsConfig, KvsConfigError};
use crate::matcher::RangeSet;
use crate::viewer::decide_address;
use cloudflare_ranges::Snapshot;
use cloudflare_ranges::{ParseError, parse_cidr};
use cloudfront_event::{Decision, HeaderLookup, Outcome, Request};

/// Options of the ip-filter.
///
/// ```
/// let c = ip_filter_core::Config::from_json(r#"{"extraCidrs":["203.0.113.0/24"]}"#).unwrap();
/// assert_eq!(c.extra_cidrs().len(), 1);
/// assert!(ip_filter_core::Config::from_json(r#"{"extraCidrs":["203.0.113.1/24"]}"#).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// CIDRs allowed besides Cloudflare's (e.g. an office range for break-glass access).
    #[serde(default)]
    extra_cidrs: Vec<String>,
    /// Lambda@Edge only: the KeyValueStore the bundle fetches ranges and secrets from
    /// ([`crate::kvs_config`]); without it the filter checks the address only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kvs_arn: Option<String>,
    /// The origin secret's header (default `x-origin-secret`); needs `kvsArn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    origin_secret_header: Option<String>,
    /// How old fetched data may get, in seconds (default 60); needs `kvsArn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_seconds: Option<u32>,
    /// Tests only: a loopback stand-in of the KVS data-plane API; needs `kvsArn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kvs_endpoint: Option<String>,
}

/// A configuration that must not be deployed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Not JSON of the expected shape.
    #[error("ip-filter config is not valid: {0}")]
    Json(serde_json::Error),
    /// An extra CIDR that does not parse strictly.
    #[error("extraCidrs: {0}")]
    Cidr(ParseError),
    /// An extra IPv6 CIDR inside `::ffff:0:0/96`: mapped addresses are judged as IPv4, so it
    /// would never match; write the IPv4 form instead.
    #[error("extraCidrs: {0} lies in ::ffff:0:0/96 (IPv4-mapped): give the IPv4 CIDR instead")]
    Ipv4Mapped(String),
    /// A KVS option that must not be deployed.
    #[error("{0}")]
    Kvs(#[from] KvsConfigError),
    /// A KVS configuration handed to an adapter that does not fetch from the store (it would
    /// skip the origin-secret check).
    #[error("kvsArn is only supported by the Lambda@Edge bundle (it fetches the store)")]
    KvsUnsupported,
    /// The Cloudflare snapshot is unusable (a broken refresh or a hand edit that breaks a rule).
    #[error("the Cloudflare snapshot is not valid: {0}")]
    Snapshot(ParseError),
}

impl Config {
    /// Parses and validates the JSON configuration (`{}` is the default).
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        // The errors carry their cause in their message (not as a `source`), so a report prints
        // it once.
        let config: Config = serde_json::from_str(json).map_err(ConfigError::Json)?;
        config.extra_nets()?;
        config.kvs()?;
        Ok(config)
    }

    /// A configuration allowing `extra_cidrs` besides Cloudflare's ranges.
    pub fn with_extra_cidrs<S: Into<String>>(
        extra_cidrs: impl IntoIterator<Item = S>,
    ) -> Result<Self, ConfigError> {
        let config = Config {
            extra_cidrs: extra_cidrs.into_iter().map(Into::into).collect(),
            ..Config::default()
        };
        config.extra_nets()?;
        Ok(config)
    }

    /// The extra CIDRs as given.
    pub fn extra_cidrs(&self) -> &[String] {
        &self.extra_cidrs
    }

    /// This configuration reading from the KeyValueStore `arn` (the other KVS options at their
    /// defaults unless given), checked.
    pub fn with_kvs(
        mut self,
        arn: impl Into<String>,
        secret_header: Option<String>,
    ) -> Result<Self, ConfigError> {
        self.kvs_arn = Some(arn.into());
        self.origin_secret_header = secret_header;
        self.kvs()?;
        Ok(self)
    }

    /// The checked KVS options, or `None` when the filter checks the address only.
    pub fn kvs(&self) -> Result<Option<KvsConfig>, ConfigError> {
        let Some(arn) = &self.kvs_arn else {
            let any = self.origin_secret_header.is_some()
                || self.refresh_seconds.is_some()
                || self.kvs_endpoint.is_some();
            return if any {
                Err(KvsConfigError::WithoutArn.into())
            } else {
                Ok(None)
            };
        };
        Ok(Some(KvsConfig::new(
            arn,
            self.origin_secret_header.as_deref(),
            self.refresh_seconds,
            self.kvs_endpoint.as_deref(),
        )?))
    }

    /// The configuration as the JSON the bundles carry (the KVS members only when set).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain strings and numbers serialize")
    }

    pub(crate) fn extra_nets(&self) -> Result<Vec<IpNet>, ConfigError> {
        let mapped: IpNet = "::ffff:0:0/96".parse().expect("constant CIDR");
        self.extra_cidrs
            .iter()
            .map(|c| {
                let net = parse_cidr(c).map_err(ConfigError::Cidr)?;
                let overlaps = match net {
                    IpNet::V6(_) => mapped.contains(&net) || net.contains(&mapped),
                    IpNet::V4(_) => false,
                };
                if overlaps {
                    return Err(ConfigError::Ipv4Mapped(c.clone()));
                }
                Ok(net)
            })
            .collect()
    }

    /// The ranges to allow: the bundled Cloudflare snapshot plus the extra CIDRs.
    pub fn range_set(&self) -> Result<RangeSet, ConfigError> {
        self.range_set_over(&Snapshot::bundled().map_err(ConfigError::Snapshot)?)
    }

    /// The ranges to allow: `snapshot`'s (which must pass [`cloudflare_ranges::rules`]) plus the extra
    /// CIDRs.
    pub fn range_set_over(&self, snapshot: &Snapshot) -> Result<RangeSet, ConfigError> {
        let mut nets = snapshot.nets().map_err(ConfigError::Snapshot)?;
        nets.extend(self.extra_nets()?);
        Ok(RangeSet::new(nets))
    }
}

/// The ip-filter, ready to judge viewer requests: the bundled ranges plus the configured extras.
#[derive(Debug, Clone)]
pub struct IpFilter {
    ranges: RangeSet,
}

impl IpFilter {
    /// Builds the filter from a validated configuration. A configuration with `kvsArn` is
    /// refused: this filter checks the address only, and the store's origin secret must not be
    /// skipped silently (the Lambda@Edge bundle uses [`crate::kvs_viewer`] for it).
    pub fn new(config: &Config) -> Result<Self, ConfigError> {
        if config.kvs()?.is_some() {
            return Err(ConfigError::KvsUnsupported);
        }
        Ok(Self {
            ranges: config.range_set()?,
        })
    }

    /// Parses the JSON configuration and builds the filter.
    pub fn from_config_json(json: &str) -> Result<Self, ConfigError> {
        Self::new(&Config::from_json(json)?)
    }

    /// Whether the viewer address `client_ip` may pass.
    pub fn is_allowed(&self, client_ip: &str) -> bool {
        self.ranges.is_allowed(client_ip)
    }

    /// The viewer-request decision for `client_ip` and the request's `headers` (see
    /// [`crate::viewer`]): forward with `x-forwarded-host` set, or the 403.
    pub fn decide(&self, client_ip: &str, headers: &impl HeaderLookup) -> Outcome {
        self.decision(client_ip, headers).outcome
    }

    /// The viewer-request decision for a typed request: its `clientIp` is judged, its `Host`
    /// copied.
    pub fn decide_request(&self, request: &Request) -> Outcome {
        self.decide(&request.client_ip, &request.headers)
    }

    /// [`IpFilter::decide`] with the reason an adapter logs.
    pub fn decision(&self, client_ip: &str, headers: &impl HeaderLookup) -> Decision {
        match self.judge(client_ip, |_| Ok::<_, std::convert::Infallible>(headers)) {
            Ok(decision) => decision,
            Err(never) => match never {},
        }
    }

    /// [`IpFilter::decide_request`] with the reason an adapter logs.
    pub fn decision_for_request(&self, request: &Request) -> Decision {
        self.decision(&request.client_ip, &request.headers)
    }

    /// The decision, reading the request's headers through `read` only once the address
    /// passed (see [`decide_address`]).
    pub fn judge<'n, H: HeaderLookup, E>(
        &self,
        client_ip: &str,
        read: impl FnOnce(&[&'n str]) -> Result<H, E>,
    ) -> Result<Decision, E> {
        decide_address(client_ip, &self.ranges, read)
    }

    /// The ranges the filter allows.
    pub fn ranges(&self) -> &RangeSet {
        &self.ranges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_allows_only_cloudflare() {
        let f = IpFilter::from_config_json("{}").unwrap();
        assert!(f.is_allowed("172.70.34.12"));
        assert!(!f.is_allowed("203.0.113.9"));
    }

    #[test]
    fn extra_cidrs_are_allowed_too() {
        let f = IpFilter::from_config_json(r#"{"extraCidrs":["203.0.113.0/24","2001:db8::/32"]}"#)
            .unwrap();
        assert!(f.is_allowed("203.0.113.9"));
        assert!(f.is_allowed("::ffff:203.0.113.9"));
        assert!(f.is_allowed("2001:db8::1"));
        assert!(!f.is_allowed("203.0.114.0"));
        assert!(f.is_allowed("172.70.34.12"));
    }

    #[test]
    fn refuses_bad_configs() {
        for bad in [
            "not json",
            r#"{"unknown":1}"#,
            r#"{"extraCidrs":"203.0.113.0/24"}"#,
            r#"{"extraCidrs":["203.0.113.0"]}"#,
            r#"{"extraCidrs":["203.0.113.1/24"]}"#,
            r#"{"extraCidrs":["::ffff:203.0.113.0/120"]}"#,
            r#"{"extraCidrs":["::/0"]}"#,
        ] {
            assert!(Config::from_json(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn to_json_round_trips() {
        let c = Config::with_extra_cidrs(["198.51.100.0/24"]).unwrap();
        assert_eq!(Config::from_json(&c.to_json()).unwrap(), c);
        assert_eq!(Config::default().to_json(), r#"{"extraCidrs":[]}"#);
        let arn = "arn:aws:cloudfront::123456789012:key-value-store/abc";
        let kvs = Config::default().with_kvs(arn, None).unwrap();
        assert_eq!(
            kvs.to_json(),
            format!(r#"{{"extraCidrs":[],"kvsArn":"{arn}"}}"#)
        );
        assert_eq!(Config::from_json(&kvs.to_json()).unwrap(), kvs);
    }

    #[test]
    fn a_kvs_option_without_kvs_arn_is_refused() {
        for bad in [
            r#"{"originSecretHeader":"x-origin-secret"}"#,
            r#"{"refreshSeconds":60}"#,
            r#"{"kvsEndpoint":"http://127.0.0.1:9000"}"#,
        ] {
            assert!(
                matches!(
                    Config::from_json(bad),
                    Err(ConfigError::Kvs(KvsConfigError::WithoutArn))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_bad_kvs_option_fails_parsing() {
        let arn = "arn:aws:cloudfront::123456789012:key-value-store/abc";
        for bad in [
            r#"{"kvsArn":"arn:aws:s3:::bucket"}"#.to_owned(),
            format!(r#"{{"kvsArn":"{arn}","refreshSeconds":5}}"#),
            format!(r#"{{"kvsArn":"{arn}","refreshSeconds":"60"}}"#),
            format!(r#"{{"kvsArn":"{arn}","kvsEndpoint":"http://10.0.0.1:80"}}"#),
            format!(r#"{{"kvsArn":"{arn}","originSecretHeader":"X-Secret"}}"#),
        ] {
            assert!(Config::from_json(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_address_only_filter_refuses_a_kvs_configuration() {
        let arn = "arn:aws:cloudfront::123456789012:key-value-store/abc";
        let config = Config::default().with_kvs(arn, None).unwrap();
        assert!(matches!(
            IpFilter::new(&config),
            Err(ConfigError::KvsUnsupported)
        ));
    }
}
