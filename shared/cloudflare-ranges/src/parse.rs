//! Parsers for Cloudflare's range lists: the JSON API and the plain one-CIDR-a-line lists.

use ipnet::IpNet;
use serde::Deserialize;

use crate::rules::RuleError;

/// Why a range list (or one CIDR in it) is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not a CIDR (`address/prefix`).
    #[error("{0:?} is not a CIDR (address/prefix)")]
    NotCidr(String),
    /// A CIDR whose address has bits set below the prefix: ambiguous, so refused.
    #[error("{cidr:?} has host bits set (did you mean {network}?)")]
    HostBitsSet {
        /// The CIDR as given.
        cidr: String,
        /// The network it would truncate to.
        network: String,
    },
    /// A CIDR of the wrong family for its list.
    #[error("{0:?} is in the wrong list (IPv4 and IPv6 are listed separately)")]
    WrongFamily(String),
    /// Not JSON of the API's shape.
    #[error("not a Cloudflare /client/v4/ips response: {0}")]
    Json(String),
    /// The API said `success: false` (or did not say `true`).
    #[error("the API answered success: false (errors: {0})")]
    Unsuccessful(String),
    /// A list is empty: never true of Cloudflare, so refused rather than locking everyone out.
    #[error("the {0} list is empty")]
    Empty(&'static str),
    /// Every CIDR parses but the lists break a rule of [`crate::rules`] (too large,
    /// special-purpose, duplicate, nested).
    #[error(transparent)]
    Rule(#[from] RuleError),
}

/// Address family of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// IPv4 (`ips-v4`, `ipv4_cidrs`).
    V4,
    /// IPv6 (`ips-v6`, `ipv6_cidrs`).
    V6,
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

/// Parses one CIDR strictly: `address/prefix`, the address being the network itself (no host
/// bits set), as Cloudflare publishes them.
///
/// ```
/// use cloudflare_ranges::parse_cidr;
/// assert_eq!(parse_cidr("104.16.0.0/13").unwrap().to_string(), "104.16.0.0/13");
/// assert!(parse_cidr("104.16.0.1/13").is_err()); // host bits set
/// assert!(parse_cidr("104.16.0.0").is_err()); // no prefix
/// ```
pub fn parse_cidr(text: &str) -> Result<IpNet, ParseError> {
    // The address goes through the standard library's strict parser (no leading zeros, no zone
    // index), the prefix must be plain decimal: one spelling per network, nothing to guess.
    let not_cidr = || ParseError::NotCidr(text.to_owned());
    let (addr, prefix) = text.split_once('/').ok_or_else(not_cidr)?;
    let addr: std::net::IpAddr = addr.parse().map_err(|_| not_cidr())?;
    let canonical_prefix = !prefix.is_empty()
        && prefix.len() <= 3
        && prefix.bytes().all(|b| b.is_ascii_digit())
        && (prefix == "0" || !prefix.starts_with('0'));
    if !canonical_prefix {
        return Err(not_cidr());
    }
    let prefix: u8 = prefix.parse().map_err(|_| not_cidr())?;
    let net = IpNet::new(addr, prefix).map_err(|_| not_cidr())?;
    if net.addr() != net.network() {
        return Err(ParseError::HostBitsSet {
            cidr: text.to_owned(),
            network: net.trunc().to_string(),
        });
    }
    Ok(net)
}

/// Parses a list of CIDRs of one family; an empty list is an error.
pub fn parse_list<S: AsRef<str>>(cidrs: &[S], family: Family) -> Result<Vec<IpNet>, ParseError> {
    let nets = cidrs
        .iter()
        .map(|c| {
            let net = parse_cidr(c.as_ref())?;
            match (family, net) {
                (Family::V4, IpNet::V4(_)) | (Family::V6, IpNet::V6(_)) => Ok(net),
                _ => Err(ParseError::WrongFamily(c.as_ref().to_owned())),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if nets.is_empty() {
        return Err(ParseError::Empty(family.name()));
    }
    Ok(nets)
}

/// Parses a plain list (`https://www.cloudflare.com/ips-v4`, `/ips-v6`): one CIDR a line;
/// surrounding whitespace and blank lines are ignored.
///
/// ```
/// use cloudflare_ranges::parse::{Family, parse_plain_list};
/// let nets = parse_plain_list("173.245.48.0/20\n103.21.244.0/22\n", Family::V4).unwrap();
/// assert_eq!(nets.len(), 2);
/// assert!(parse_plain_list("2400:cb00::/32\n", Family::V4).is_err());
/// ```
pub fn parse_plain_list(text: &str, family: Family) -> Result<Vec<IpNet>, ParseError> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    parse_list(&lines, family)
}

/// The ranges of a successful `/client/v4/ips` answer, validated: both lists non-empty and every
/// CIDR parsed, in the order Cloudflare gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRanges {
    /// `result.ipv4_cidrs`.
    pub ipv4_cidrs: Vec<String>,
    /// `result.ipv6_cidrs`.
    pub ipv6_cidrs: Vec<String>,
    /// `result.etag`, if present.
    pub etag: Option<String>,
}

#[derive(Deserialize)]
struct ApiResponse {
    success: Option<bool>,
    #[serde(default)]
    errors: serde_json::Value,
    result: Option<ApiResult>,
}

#[derive(Deserialize)]
struct ApiResult {
    ipv4_cidrs: Vec<String>,
    ipv6_cidrs: Vec<String>,
    etag: Option<String>,
}

/// Parses and validates a `GET /client/v4/ips` body:
/// `{"result":{"ipv4_cidrs":[…],"ipv6_cidrs":[…],"etag":"…"},"success":true,…}`.
///
/// ```
/// let body = r#"{"result":{"ipv4_cidrs":["173.245.48.0/20"],"ipv6_cidrs":["2400:cb00::/32"],
///   "etag":"e1"},"success":true,"errors":[],"messages":[]}"#;
/// let ranges = cloudflare_ranges::parse::parse_api_response(body).unwrap();
/// assert_eq!(ranges.etag.as_deref(), Some("e1"));
/// ```
pub fn parse_api_response(body: &str) -> Result<ApiRanges, ParseError> {
    let response: ApiResponse =
        serde_json::from_str(body).map_err(|e| ParseError::Json(e.to_string()))?;
    if response.success != Some(true) {
        return Err(ParseError::Unsuccessful(response.errors.to_string()));
    }
    let result = response
        .result
        .ok_or_else(|| ParseError::Json("no result member".to_owned()))?;
    parse_list(&result.ipv4_cidrs, Family::V4)?;
    parse_list(&result.ipv6_cidrs, Family::V6)?;
    Ok(ApiRanges {
        ipv4_cidrs: result.ipv4_cidrs,
        ipv6_cidrs: result.ipv6_cidrs,
        etag: result.etag,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(v4: &str, v6: &str, success: &str) -> String {
        format!(
            r#"{{"result":{{"ipv4_cidrs":{v4},"ipv6_cidrs":{v6},"etag":"abc"}},"success":{success},"errors":[],"messages":[]}}"#
        )
    }

    #[test]
    fn accepts_a_successful_answer() {
        let r =
            parse_api_response(&api(r#"["1.0.0.0/8"]"#, r#"["2400:cb00::/32"]"#, "true")).unwrap();
        assert_eq!(r.ipv4_cidrs, ["1.0.0.0/8"]);
        assert_eq!(r.ipv6_cidrs, ["2400:cb00::/32"]);
        assert_eq!(r.etag.as_deref(), Some("abc"));
    }

    #[test]
    fn refuses_success_false() {
        let e = parse_api_response(&api(r#"["1.0.0.0/8"]"#, r#"["::/0"]"#, "false"));
        assert!(matches!(e, Err(ParseError::Unsuccessful(_))));
    }

    #[test]
    fn refuses_missing_success() {
        let body = r#"{"result":{"ipv4_cidrs":["1.0.0.0/8"],"ipv6_cidrs":["::/0"]}}"#;
        assert!(matches!(
            parse_api_response(body),
            Err(ParseError::Unsuccessful(_))
        ));
    }

    #[test]
    fn refuses_an_empty_list() {
        let e = parse_api_response(&api("[]", r#"["2400:cb00::/32"]"#, "true"));
        assert_eq!(e, Err(ParseError::Empty("IPv4")));
        let e = parse_api_response(&api(r#"["1.0.0.0/8"]"#, "[]", "true"));
        assert_eq!(e, Err(ParseError::Empty("IPv6")));
    }

    #[test]
    fn refuses_an_unparsable_cidr() {
        let e = parse_api_response(&api(r#"["1.0.0.0/33"]"#, r#"["::/0"]"#, "true"));
        assert!(matches!(e, Err(ParseError::NotCidr(_))));
    }

    #[test]
    fn refuses_a_cidr_in_the_wrong_list() {
        let e = parse_api_response(&api(r#"["2400:cb00::/32"]"#, r#"["::/0"]"#, "true"));
        assert!(matches!(e, Err(ParseError::WrongFamily(_))));
    }

    #[test]
    fn refuses_non_json_and_missing_result() {
        assert!(matches!(
            parse_api_response("<html>"),
            Err(ParseError::Json(_))
        ));
        assert!(matches!(
            parse_api_response(r#"{"success":true}"#),
            Err(ParseError::Json(_))
        ));
    }

    #[test]
    fn cidr_needs_a_prefix_and_no_host_bits() {
        for bad in [
            "1.2.3.4",
            "1.2.3.4/",
            "1.2.3.4/33",
            "1.2.3.0/24 ",
            "x/8",
            "",
            "010.0.0.0/8",
            "10.0.0.0/08",
            "10.0.0.0/+8",
            "2400:cb00::/129",
            "fe80::%eth0/64",
        ] {
            assert!(parse_cidr(bad).is_err(), "{bad:?}");
        }
        assert!(matches!(
            parse_cidr("10.1.2.3/8"),
            Err(ParseError::HostBitsSet { network, .. }) if network == "10.0.0.0/8"
        ));
        assert!(parse_cidr("2400:cb00::1/32").is_err());
        assert!(parse_cidr("0.0.0.0/0").is_ok());
        assert!(parse_cidr("203.0.113.7/32").is_ok());
    }

    #[test]
    fn plain_list_ignores_blank_lines_and_refuses_empty() {
        let nets = parse_plain_list("\n 2400:cb00::/32 \r\n\n2606:4700::/32", Family::V6).unwrap();
        assert_eq!(nets.len(), 2);
        assert_eq!(
            parse_plain_list("\n\n", Family::V6),
            Err(ParseError::Empty("IPv6"))
        );
        assert!(parse_plain_list("173.245.48.0/20\ngarbage\n", Family::V4).is_err());
    }
}
