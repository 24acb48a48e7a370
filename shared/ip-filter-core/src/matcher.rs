//! The range matcher: sorted, merged, disjoint intervals per family, searched by binary search.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// A set of allowed ranges, ready for fast lookups.
///
/// Built from CIDRs; stored as inclusive `(first, last)` intervals, sorted and merged (overlapping
/// or adjacent ranges become one), so a lookup is one binary search on `u32` or `u128`.
///
/// ```
/// use cloudflare_ranges::parse_cidr;
/// use ip_filter_core::RangeSet;
/// let set = RangeSet::new([parse_cidr("104.16.0.0/13").unwrap()]);
/// assert!(set.is_allowed("104.23.255.255"));
/// assert!(!set.is_allowed("104.24.0.0"));
/// assert!(set.is_allowed("::ffff:104.16.0.0")); // IPv4-mapped IPv6 is judged as IPv4
/// assert!(!set.is_allowed("104.16.0.0 ")); // unparsable: rejected
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RangeSet {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
}

impl RangeSet {
    /// Builds the set from networks of either family.
    pub fn new(nets: impl IntoIterator<Item = IpNet>) -> Self {
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for net in nets {
            match net {
                IpNet::V4(n) => v4.push((u32::from(n.network()), u32::from(n.broadcast()))),
                IpNet::V6(n) => v6.push((u128::from(n.network()), u128::from(n.broadcast()))),
            }
        }
        Self {
            v4: merge(v4),
            v6: merge(v6),
        }
    }

    /// Whether `text` is an address inside the set. Anything that is not exactly an IPv4 or IPv6
    /// address in standard notation (surrounding whitespace, a port, a zone index, leading zeros,
    /// brackets, ...) is rejected: fail closed.
    pub fn is_allowed(&self, text: &str) -> bool {
        text.parse::<IpAddr>().is_ok_and(|addr| self.contains(addr))
    }

    /// Whether `addr` is inside the set; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is judged
    /// as the IPv4 address.
    pub fn contains(&self, addr: IpAddr) -> bool {
        match addr {
            IpAddr::V4(a) => self.contains_v4(a),
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => self.contains_v4(v4),
                None => self.contains_v6(a),
            },
        }
    }

    /// Whether the IPv4 address is inside the set.
    pub fn contains_v4(&self, addr: Ipv4Addr) -> bool {
        find(&self.v4, u32::from(addr))
    }

    /// Whether the IPv6 address is inside the IPv6 part of the set (no IPv4 mapping).
    pub fn contains_v6(&self, addr: Ipv6Addr) -> bool {
        find(&self.v6, u128::from(addr))
    }

    /// The IPv4 intervals, inclusive, sorted and disjoint.
    pub fn v4_intervals(&self) -> &[(u32, u32)] {
        &self.v4
    }

    /// The IPv6 intervals, inclusive, sorted and disjoint.
    pub fn v6_intervals(&self) -> &[(u128, u128)] {
        &self.v6
    }
}

/// Sorts and merges overlapping or adjacent inclusive intervals.
fn merge<T: Ord + Copy + Successor>(mut intervals: Vec<(T, T)>) -> Vec<(T, T)> {
    intervals.sort_unstable();
    let mut merged: Vec<(T, T)> = Vec::with_capacity(intervals.len());
    for (first, last) in intervals {
        match merged.last_mut() {
            Some(prev) if prev.1.successor().is_none_or(|next| first <= next) => {
                prev.1 = prev.1.max(last);
            }
            _ => merged.push((first, last)),
        }
    }
    merged
}

fn find<T: Ord + Copy>(intervals: &[(T, T)], x: T) -> bool {
    // The first interval starting after x; x can only be in the one before it.
    let i = intervals.partition_point(|&(first, _)| first <= x);
    i > 0 && x <= intervals[i - 1].1
}

trait Successor: Sized {
    fn successor(self) -> Option<Self>;
}

impl Successor for u32 {
    fn successor(self) -> Option<Self> {
        self.checked_add(1)
    }
}

impl Successor for u128 {
    fn successor(self) -> Option<Self> {
        self.checked_add(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudflare_ranges::parse_cidr;

    fn set(cidrs: &[&str]) -> RangeSet {
        RangeSet::new(cidrs.iter().map(|c| parse_cidr(c).unwrap()))
    }

    #[test]
    fn merges_overlapping_and_adjacent_ranges() {
        let s = set(&["10.0.0.0/24", "10.0.1.0/24", "10.0.0.128/25", "10.0.3.0/24"]);
        assert_eq!(
            s.v4_intervals(),
            [(0x0a00_0000, 0x0a00_01ff), (0x0a00_0300, 0x0a00_03ff)]
        );
    }

    #[test]
    fn whole_space_does_not_overflow() {
        let s = set(&["0.0.0.0/1", "128.0.0.0/1", "255.255.255.255/32", "::/0"]);
        assert_eq!(s.v4_intervals(), [(0, u32::MAX)]);
        assert_eq!(s.v6_intervals(), [(0, u128::MAX)]);
        assert!(s.is_allowed("255.255.255.255"));
        assert!(s.is_allowed("0.0.0.0"));
        assert!(s.is_allowed("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    }

    #[test]
    fn empty_set_allows_nothing() {
        let s = RangeSet::default();
        assert!(!s.is_allowed("1.2.3.4"));
        assert!(!s.is_allowed("::1"));
    }

    #[test]
    fn boundaries_by_hand() {
        let s = set(&["104.16.0.0/13", "2a06:98c0::/29"]);
        for (ip, allowed) in [
            ("104.15.255.255", false),
            ("104.16.0.0", true),
            ("104.23.255.255", true),
            ("104.24.0.0", false),
            ("2a06:98bf:ffff:ffff:ffff:ffff:ffff:ffff", false),
            ("2a06:98c0::", true),
            ("2a06:98c7:ffff:ffff:ffff:ffff:ffff:ffff", true),
            ("2a06:98c8::", false),
            ("::ffff:104.16.0.0", true),
            ("::ffff:6810:0", true),
            ("::FFFF:104.23.255.255", true),
            ("::ffff:104.24.0.0", false),
            ("::104.16.0.0", false), // IPv4-compatible (deprecated) is not IPv4-mapped
            ("64:ff9b::104.16.0.0", false), // NAT64 is not judged as IPv4 either
        ] {
            assert_eq!(s.is_allowed(ip), allowed, "{ip}");
        }
    }

    #[test]
    fn rejects_what_is_not_exactly_an_address() {
        let s = set(&["0.0.0.0/0", "::/0"]);
        for bad in [
            "",
            " 1.2.3.4",
            "1.2.3.4 ",
            "1.2.3.4\n",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "256.0.0.0",
            "1.2.3.4:443",
            "1.2.3.4/32",
            "[::1]",
            "::1%eth0",
            "fe80::1%1",
            ":::",
            "1::2::3",
            "12345::",
            "0x1.2.3.4",
            "localhost",
            "١.٢.٣.٤",
        ] {
            assert!(!s.is_allowed(bad), "{bad:?}");
        }
    }
}
