//! The checked-in snapshot of Cloudflare's ranges (`ranges.json` at the crate root).

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::parse::{Family, ParseError, parse_list};
use crate::rules::check_ranges;

/// `ranges.json`, compiled in. Refresh it with `cargo xtask cloudflare-ips`.
pub const SNAPSHOT_JSON: &str = include_str!("../ranges.json");

/// A snapshot of Cloudflare's published ranges and where they came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Where the lists were taken from.
    pub source: String,
    /// When (UTC date, `YYYY-MM-DD`).
    pub date: String,
    /// The API's `result.etag` at that time; `None` when unknown.
    pub etag: Option<String>,
    /// How the snapshot was made, when that needs saying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Cloudflare's IPv4 ranges, in the order published.
    pub ipv4_cidrs: Vec<String>,
    /// Cloudflare's IPv6 ranges, in the order published.
    pub ipv6_cidrs: Vec<String>,
}

impl Snapshot {
    /// The compiled-in snapshot.
    ///
    /// ```
    /// let s = cloudflare_ranges::Snapshot::bundled().unwrap();
    /// assert!(s.ipv4_cidrs.contains(&"104.16.0.0/13".to_owned()));
    /// ```
    pub fn bundled() -> Result<Self, ParseError> {
        Self::from_json(SNAPSHOT_JSON)
    }

    /// Parses and validates a snapshot (both lists non-empty, every CIDR strict, the lists
    /// meeting [`crate::rules`]).
    pub fn from_json(json: &str) -> Result<Self, ParseError> {
        let snapshot: Snapshot =
            serde_json::from_str(json).map_err(|e| ParseError::Json(e.to_string()))?;
        snapshot.nets()?;
        Ok(snapshot)
    }

    /// Every network of the snapshot, IPv4 then IPv6, once the lists pass
    /// [`check_ranges`]: whatever builds a filter from a snapshot (the generated CloudFront
    /// Function, the edge bundle, the Lambda binary) refuses a poisoned one.
    pub fn nets(&self) -> Result<Vec<IpNet>, ParseError> {
        let mut nets = parse_list(&self.ipv4_cidrs, Family::V4)?;
        nets.extend(parse_list(&self.ipv6_cidrs, Family::V6)?);
        check_ranges(&nets)?;
        Ok(nets)
    }

    /// The snapshot as the pretty JSON `ranges.json` holds (with a final newline).
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("snapshot serializes");
        json.push('\n');
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleError;

    #[test]
    fn bundled_snapshot_is_the_2026_list() {
        // Hand-copied from shared/reference/aws-edge-facts.md, independent of ranges.json.
        let s = Snapshot::bundled().unwrap();
        assert_eq!(
            s.ipv4_cidrs,
            [
                "173.245.48.0/20",
                "103.21.244.0/22",
                "103.22.200.0/22",
                "103.31.4.0/22",
                "141.101.64.0/18",
                "108.162.192.0/18",
                "190.93.240.0/20",
                "188.114.96.0/20",
                "197.234.240.0/22",
                "198.41.128.0/17",
                "162.158.0.0/15",
                "104.16.0.0/13",
                "104.24.0.0/14",
                "172.64.0.0/13",
                "131.0.72.0/22",
            ]
        );
        assert_eq!(
            s.ipv6_cidrs,
            [
                "2400:cb00::/32",
                "2606:4700::/32",
                "2803:f800::/32",
                "2405:b500::/32",
                "2405:8100::/32",
                "2a06:98c0::/29",
                "2c0f:f248::/32",
            ]
        );
        assert_eq!(s.source, "https://api.cloudflare.com/client/v4/ips");
    }

    #[test]
    fn round_trips_through_to_json() {
        let s = Snapshot::bundled().unwrap();
        assert_eq!(Snapshot::from_json(&s.to_json()).unwrap(), s);
        // The checked-in file is exactly what the refresh would write.
        assert_eq!(s.to_json(), SNAPSHOT_JSON);
    }

    #[test]
    fn refuses_a_snapshot_with_a_bad_or_missing_list() {
        let mut s = Snapshot::bundled().unwrap();
        s.ipv6_cidrs.clear();
        assert!(Snapshot::from_json(&s.to_json()).is_err());
        let mut s = Snapshot::bundled().unwrap();
        s.ipv4_cidrs.push("104.16.0.0/12x".into());
        assert!(Snapshot::from_json(&s.to_json()).is_err());
    }

    #[test]
    fn refuses_a_snapshot_that_breaks_a_range_rule() {
        // A hand-edited ranges.json: every CIDR parses, but 0.0.0.0/0 lets everyone through.
        let mut s = Snapshot::bundled().unwrap();
        s.ipv4_cidrs.push("0.0.0.0/0".into());
        assert!(matches!(
            Snapshot::from_json(&s.to_json()),
            Err(ParseError::Rule(RuleError::PrefixTooShort { .. }))
        ));
        // Built in code rather than parsed: nets() refuses it all the same.
        let mut s = Snapshot::bundled().unwrap();
        s.ipv6_cidrs.push("fd00::/24".into());
        assert!(matches!(
            s.nets(),
            Err(ParseError::Rule(RuleError::SpecialPurpose { .. }))
        ));
    }
}
