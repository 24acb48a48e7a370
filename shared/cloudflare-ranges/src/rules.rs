//! The rules every range list must meet before it is written or embedded: the checked-in
//! snapshot, a refresh from Cloudflare's API (`cargo xtask cloudflare-ips`) and anything later
//! that syncs the ranges all go through [`check_ranges`]. A list that breaks one is refused
//! whole; no flag overrides these (only the size guards in [`crate::refresh`] yield to
//! `--force`).
//!
//! Why: the list is the whole of the ip-filter's policy. Whoever answers for Cloudflare's API
//! (a compromised mirror, a proxy, a bad `--base-url`) could otherwise open CloudFront to the
//! world with `0.0.0.0/0` in a one-line diff.

use ipnet::IpNet;

use crate::special_purpose::{SpecialBlock, overlapping_block};

/// The shortest IPv4 prefix accepted. Cloudflare's largest IPv4 blocks today are /13s; a /12 is
/// twice that, and IPv4 is exhausted, so no operator is handed a bigger block in one piece.
pub const MIN_PREFIX_V4: u8 = 12;

/// The shortest IPv6 prefix accepted. Cloudflare's largest IPv6 block today is a /29; IPv6 is
/// allocated in much larger steps than IPv4, so the limit sits at the /24 nibble boundary, 32
/// times that, leaving room for such a step without a code change.
pub const MIN_PREFIX_V6: u8 = 24;

/// A range list that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A prefix shorter than [`MIN_PREFIX_V4`] / [`MIN_PREFIX_V6`]: far more than any block
    /// Cloudflare holds (`0.0.0.0/0` and `::/0` are the extreme cases).
    #[error("{cidr} is too large: the shortest {family} prefix accepted is /{min}")]
    PrefixTooShort {
        /// The range.
        cidr: String,
        /// `IPv4` or `IPv6`.
        family: &'static str,
        /// The shortest prefix accepted for the family.
        min: u8,
    },
    /// A range overlapping a private, loopback, link-local, CGNAT, multicast, reserved,
    /// documentation, benchmarking, translation or other special-purpose block: never a
    /// Cloudflare edge address.
    #[error("{cidr} overlaps {} ({}, {}), which is never a Cloudflare edge address", .block.cidr, .block.name, .block.rfc)]
    SpecialPurpose {
        /// The range.
        cidr: String,
        /// The special-purpose block it overlaps.
        block: SpecialBlock,
    },
    /// The same range listed twice.
    #[error("{0} is listed twice")]
    Duplicate(String),
    /// One range inside another: Cloudflare publishes disjoint ranges, so an answer with nested
    /// ones was put together by someone else.
    #[error("{inner} lies inside {outer}, also listed")]
    Overlapping {
        /// The larger range.
        outer: String,
        /// The range inside it.
        inner: String,
    },
}

/// Checks a range list (both families together): every prefix long enough, nothing
/// special-purpose, no range listed twice or inside another. Host bits and the family of each
/// list are the parser's business ([`crate::parse`]).
///
/// ```
/// use cloudflare_ranges::{parse_cidr, rules::check_ranges};
/// let ok = ["104.16.0.0/13", "2400:cb00::/32"].map(|c| parse_cidr(c).unwrap());
/// assert!(check_ranges(&ok).is_ok());
/// assert!(check_ranges(&[parse_cidr("0.0.0.0/0").unwrap()]).is_err());
/// ```
pub fn check_ranges(nets: &[IpNet]) -> Result<(), RuleError> {
    for net in nets {
        let (family, min) = match net {
            IpNet::V4(_) => ("IPv4", MIN_PREFIX_V4),
            IpNet::V6(_) => ("IPv6", MIN_PREFIX_V6),
        };
        if net.prefix_len() < min {
            return Err(RuleError::PrefixTooShort {
                cidr: net.to_string(),
                family,
                min,
            });
        }
        if let Some(block) = overlapping_block(net) {
            return Err(RuleError::SpecialPurpose {
                cidr: net.to_string(),
                block: *block,
            });
        }
    }
    check_disjoint(nets)
}

/// CIDRs are nested or disjoint, so after sorting by start (the larger first on a tie) a range
/// overlaps something iff it starts inside the widest range seen so far in its family.
fn check_disjoint(nets: &[IpNet]) -> Result<(), RuleError> {
    let mut sorted: Vec<(bool, u128, u128, IpNet)> = nets
        .iter()
        .map(|net| {
            let (first, last) = bounds(net);
            (matches!(net, IpNet::V6(_)), first, last, *net)
        })
        .collect();
    sorted.sort_by_key(|&(v6, first, last, _)| (v6, first, std::cmp::Reverse(last)));
    for pair in sorted.windows(2) {
        let (v6_a, _, last_a, outer) = pair[0];
        let (v6_b, first_b, _, inner) = pair[1];
        if v6_a != v6_b || first_b > last_a {
            continue;
        }
        if outer == inner {
            return Err(RuleError::Duplicate(outer.to_string()));
        }
        return Err(RuleError::Overlapping {
            outer: outer.to_string(),
            inner: inner.to_string(),
        });
    }
    Ok(())
}

fn bounds(net: &IpNet) -> (u128, u128) {
    match net {
        IpNet::V4(n) => (
            u128::from(u32::from(n.network())),
            u128::from(u32::from(n.broadcast())),
        ),
        IpNet::V6(n) => (u128::from(n.network()), u128::from(n.broadcast())),
    }
}

/// How many addresses a list covers, per family (ranges counted as listed; [`check_ranges`]
/// makes them disjoint). `::/0` saturates at `u128::MAX`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressSpace {
    /// IPv4 addresses.
    pub v4: u128,
    /// IPv6 addresses.
    pub v6: u128,
}

impl AddressSpace {
    /// The addresses `nets` cover.
    ///
    /// ```
    /// use cloudflare_ranges::{parse_cidr, rules::AddressSpace};
    /// let nets = ["104.16.0.0/13", "2a06:98c0::/29"].map(|c| parse_cidr(c).unwrap());
    /// let space = AddressSpace::of(&nets);
    /// assert_eq!(space.v4, 1 << 19);
    /// assert_eq!(space.v6, 1 << 99);
    /// ```
    pub fn of(nets: &[IpNet]) -> Self {
        let mut space = Self::default();
        for net in nets {
            let size = 1u128
                .checked_shl(u32::from(net.max_prefix_len() - net.prefix_len()))
                .unwrap_or(u128::MAX);
            let count = match net {
                IpNet::V4(_) => &mut space.v4,
                IpNet::V6(_) => &mut space.v6,
            };
            *count = count.saturating_add(size);
        }
        space
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_cidr;
    use crate::snapshot::Snapshot;

    fn check(cidrs: &[&str]) -> Result<(), RuleError> {
        let nets: Vec<IpNet> = cidrs.iter().map(|c| parse_cidr(c).unwrap()).collect();
        check_ranges(&nets)
    }

    #[test]
    fn cloudflares_published_lists_pass() {
        let s = Snapshot::bundled().unwrap();
        let mut cidrs: Vec<&str> = s.ipv4_cidrs.iter().map(String::as_str).collect();
        cidrs.extend(s.ipv6_cidrs.iter().map(String::as_str));
        assert_eq!(check(&cidrs), Ok(()));
    }

    #[test]
    fn ipv4_prefix_shorter_than_the_minimum_is_refused() {
        // 1.0.0.0/8 is ordinary unicast (APNIC): only its size is wrong.
        assert_eq!(check(&["1.0.0.0/12"]), Ok(()));
        assert_eq!(
            check(&["1.0.0.0/11"]),
            Err(RuleError::PrefixTooShort {
                cidr: "1.0.0.0/11".into(),
                family: "IPv4",
                min: 12
            })
        );
    }

    #[test]
    fn ipv6_prefix_shorter_than_the_minimum_is_refused() {
        assert_eq!(check(&["2400::/24"]), Ok(()));
        assert!(matches!(
            check(&["2400::/23"]),
            Err(RuleError::PrefixTooShort {
                family: "IPv6",
                min: 24,
                ..
            })
        ));
    }

    #[test]
    fn special_purpose_range_is_refused() {
        let e = check(&["173.245.48.0/20", "10.1.0.0/16"]).unwrap_err();
        assert!(matches!(
            &e,
            RuleError::SpecialPurpose { cidr, block } if cidr == "10.1.0.0/16" && block.cidr == "10.0.0.0/8"
        ));
        assert_eq!(
            e.to_string(),
            "10.1.0.0/16 overlaps 10.0.0.0/8 (private-use, RFC 1918), which is never a Cloudflare edge address"
        );
        assert!(matches!(
            check(&["2400:cb00::/32", "fd00::/24"]),
            Err(RuleError::SpecialPurpose { .. })
        ));
    }

    #[test]
    fn duplicate_range_is_refused() {
        assert_eq!(
            check(&["173.245.48.0/20", "2400:cb00::/32", "173.245.48.0/20"]),
            Err(RuleError::Duplicate("173.245.48.0/20".into()))
        );
    }

    #[test]
    fn range_inside_another_is_refused() {
        assert_eq!(
            check(&["104.16.1.0/24", "2400:cb00::/32", "104.16.0.0/13"]),
            Err(RuleError::Overlapping {
                outer: "104.16.0.0/13".into(),
                inner: "104.16.1.0/24".into()
            })
        );
    }

    #[test]
    fn adjacent_ranges_are_not_overlaps() {
        // 104.16.0.0/13 ends where 104.24.0.0/14 starts; likewise the two IPv6 /29s.
        assert_eq!(
            check(&[
                "104.16.0.0/13",
                "104.24.0.0/14",
                "2a06:98c0::/29",
                "2a06:98c8::/29"
            ]),
            Ok(())
        );
    }

    #[test]
    fn address_space_saturates_instead_of_overflowing() {
        let all = [
            parse_cidr("::/0").unwrap(),
            parse_cidr("2400::/24").unwrap(),
        ];
        assert_eq!(AddressSpace::of(&all).v6, u128::MAX);
    }
}
