//! The STS endpoint allowlist: exact host names built from an exact region list.
//!
//! Never "any label": `sts.<label>.amazonaws.com` with an arbitrary label admits
//! `sts.s3.amazonaws.com`, which is an S3 bucket host — someone else's server.

use std::collections::HashMap;

use crate::error::ConfigError;

/// An AWS partition. ARNs from STS in one partition always carry that partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Partition {
    /// `aws` — commercial regions.
    #[serde(rename = "aws")]
    Aws,
    /// `aws-cn` — China regions, hosts under `amazonaws.com.cn`.
    #[serde(rename = "aws-cn")]
    AwsCn,
    /// `aws-us-gov` — GovCloud (US).
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
}

impl Partition {
    /// The partition's ARN spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
        }
    }

    /// Parses an ARN partition.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "aws" => Some(Partition::Aws),
            "aws-cn" => Some(Partition::AwsCn),
            "aws-us-gov" => Some(Partition::AwsUsGov),
            _ => None,
        }
    }

    /// The partition a region belongs to, by its prefix.
    pub fn of_region(region: &str) -> Self {
        if region.starts_with("cn-") {
            Partition::AwsCn
        } else if region.starts_with("us-gov-") {
            Partition::AwsUsGov
        } else {
            Partition::Aws
        }
    }
}

/// Commercial (`aws`) regions with a regional STS endpoint.
pub const AWS_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// China (`aws-cn`) regions.
pub const AWS_CN_REGIONS: &[&str] = &["cn-north-1", "cn-northwest-1"];

/// GovCloud (`aws-us-gov`) regions.
pub const AWS_US_GOV_REGIONS: &[&str] = &["us-gov-east-1", "us-gov-west-1"];

/// Regions whose STS has a `sts-fips.<region>.amazonaws.com` endpoint.
pub const FIPS_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "us-gov-east-1",
    "us-gov-west-1",
];

/// One allowed STS host and what a request to it must be signed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsHost {
    /// Exact lowercase host name.
    pub host: String,
    /// The region the credential scope must name.
    pub region: String,
    /// The partition whose ARNs this endpoint returns.
    pub partition: Partition,
}

/// The set of STS hosts a verifier will talk to, matched exactly.
///
/// ```
/// use fluid_identity::HostAllowlist;
/// let hosts = HostAllowlist::standard();
/// assert!(hosts.lookup("sts.eu-west-1.amazonaws.com").is_some());
/// assert!(hosts.lookup("sts.s3.amazonaws.com").is_none());
/// ```
#[derive(Debug, Clone)]
pub struct HostAllowlist {
    hosts: HashMap<String, StsHost>,
}

impl HostAllowlist {
    /// Every region of [`AWS_REGIONS`], [`AWS_CN_REGIONS`] and [`AWS_US_GOV_REGIONS`].
    pub fn standard() -> Self {
        let all: Vec<&str> = AWS_REGIONS
            .iter()
            .chain(AWS_CN_REGIONS)
            .chain(AWS_US_GOV_REGIONS)
            .copied()
            .collect();
        Self::for_regions(&all).expect("built-in region list is valid")
    }

    /// Hosts for exactly these regions: `sts.<r>.amazonaws.com` (`.com.cn` in `aws-cn`),
    /// `sts-fips.<r>.amazonaws.com` where FIPS exists, and the global `sts.amazonaws.com` (signed
    /// for `us-east-1`) if `us-east-1` is listed — the global endpoint exists only in `aws`.
    pub fn for_regions(regions: &[&str]) -> Result<Self, ConfigError> {
        let mut hosts = HashMap::new();
        for &region in regions {
            if !is_region_name(region) {
                return Err(ConfigError(format!("not a region name: {region:?}")));
            }
            let partition = Partition::of_region(region);
            let suffix = if partition == Partition::AwsCn {
                "amazonaws.com.cn"
            } else {
                "amazonaws.com"
            };
            let mut add = |host: String| {
                hosts.insert(
                    host.clone(),
                    StsHost {
                        host,
                        region: region.to_owned(),
                        partition,
                    },
                );
            };
            add(format!("sts.{region}.{suffix}"));
            if FIPS_REGIONS.contains(&region) {
                add(format!("sts-fips.{region}.{suffix}"));
            }
            if region == "us-east-1" {
                add("sts.amazonaws.com".to_owned());
            }
        }
        Ok(Self { hosts })
    }

    /// Adds a configured host (a VPC endpoint's DNS name) whose requests are signed for `region`.
    pub fn with_extra_host(mut self, host: &str, region: &str) -> Result<Self, ConfigError> {
        let plausible = !host.is_empty()
            && host.len() <= 253
            && !host.ends_with('.')
            && host
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && host.bytes().any(|b| b.is_ascii_lowercase());
        if !plausible {
            return Err(ConfigError(format!(
                "not a lowercase DNS host name: {host:?}"
            )));
        }
        if !is_region_name(region) {
            return Err(ConfigError(format!("not a region name: {region:?}")));
        }
        self.hosts.insert(
            host.to_owned(),
            StsHost {
                host: host.to_owned(),
                region: region.to_owned(),
                partition: Partition::of_region(region),
            },
        );
        Ok(self)
    }

    /// The entry for exactly this host, if allowed.
    pub fn lookup(&self, host: &str) -> Option<&StsHost> {
        self.hosts.get(host)
    }
}

impl Default for HostAllowlist {
    fn default() -> Self {
        Self::standard()
    }
}

/// `xx-name-N` (possibly with more dashed words, e.g. `us-gov-west-1`).
fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && {
            let last = parts[parts.len() - 1];
            !last.is_empty() && last.len() <= 2 && last.bytes().all(|b| b.is_ascii_digit())
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_endpoint_only_with_us_east_1_and_only_in_aws() {
        let hosts = HostAllowlist::for_regions(&["eu-west-1"]).unwrap();
        assert!(hosts.lookup("sts.amazonaws.com").is_none());
        let hosts = HostAllowlist::for_regions(&["us-east-1"]).unwrap();
        assert_eq!(
            hosts.lookup("sts.amazonaws.com").unwrap().region,
            "us-east-1"
        );
        assert!(
            HostAllowlist::standard()
                .lookup("sts.amazonaws.com.cn")
                .is_none()
        );
    }

    #[test]
    fn china_hosts_use_the_cn_suffix() {
        let hosts = HostAllowlist::standard();
        let h = hosts.lookup("sts.cn-north-1.amazonaws.com.cn").unwrap();
        assert_eq!(h.partition, Partition::AwsCn);
        assert!(hosts.lookup("sts.cn-north-1.amazonaws.com").is_none());
    }

    #[test]
    fn fips_only_where_it_exists() {
        let hosts = HostAllowlist::standard();
        assert!(hosts.lookup("sts-fips.us-west-2.amazonaws.com").is_some());
        assert!(hosts.lookup("sts-fips.eu-west-1.amazonaws.com").is_none());
        assert_eq!(
            hosts
                .lookup("sts.us-gov-west-1.amazonaws.com")
                .unwrap()
                .partition,
            Partition::AwsUsGov
        );
    }

    #[test]
    fn rejects_non_region_names_in_configuration() {
        assert!(HostAllowlist::for_regions(&["s3"]).is_err());
        assert!(HostAllowlist::for_regions(&["EU-west-1"]).is_err());
        assert!(
            HostAllowlist::standard()
                .with_extra_host("Evil.example", "us-east-1")
                .is_err()
        );
        assert!(
            HostAllowlist::standard()
                .with_extra_host("1.2.3.4", "us-east-1")
                .is_err()
        );
    }
}
