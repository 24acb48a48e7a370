//! Address blocks that are never a Cloudflare edge address: IANA's IPv4 and IPv6 Special-Purpose
//! Address Registries (RFC 6890 and its updates), multicast, the reserved class E space and, for
//! IPv6, everything outside the global unicast space `2000::/3`.
//!
//! `ipnet` and the standard library know only some of these (`is_private`, `is_loopback`, ...,
//! several still unstable), so the table is written out here, one line a block, and tested block
//! by block. A range that overlaps any of them, inside or around it, is refused by the refresh
//! rules ([`crate::rules`]).

use ipnet::IpNet;

/// One special-purpose block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialBlock {
    /// The block, as a CIDR.
    pub cidr: &'static str,
    /// What it is for, as the registry names it.
    pub name: &'static str,
    /// Where it is defined.
    pub rfc: &'static str,
}

const fn block(cidr: &'static str, name: &'static str, rfc: &'static str) -> SpecialBlock {
    SpecialBlock { cidr, name, rfc }
}

/// IPv4 blocks: the IANA IPv4 Special-Purpose Address Registry, multicast and class E.
pub const IPV4: &[SpecialBlock] = &[
    block(
        "0.0.0.0/8",
        "this network (includes the unspecified address)",
        "RFC 791",
    ),
    block("10.0.0.0/8", "private-use", "RFC 1918"),
    block("100.64.0.0/10", "shared address space (CGNAT)", "RFC 6598"),
    block("127.0.0.0/8", "loopback", "RFC 1122"),
    block("169.254.0.0/16", "link-local", "RFC 3927"),
    block("172.16.0.0/12", "private-use", "RFC 1918"),
    block("192.0.0.0/24", "IETF protocol assignments", "RFC 6890"),
    block("192.0.2.0/24", "documentation (TEST-NET-1)", "RFC 5737"),
    block("192.31.196.0/24", "AS112-v4", "RFC 7535"),
    block("192.52.193.0/24", "AMT", "RFC 7450"),
    block(
        "192.88.99.0/24",
        "deprecated 6to4 relay anycast",
        "RFC 7526",
    ),
    block("192.168.0.0/16", "private-use", "RFC 1918"),
    block(
        "192.175.48.0/24",
        "direct delegation AS112 service",
        "RFC 7534",
    ),
    block("198.18.0.0/15", "benchmarking", "RFC 2544"),
    block("198.51.100.0/24", "documentation (TEST-NET-2)", "RFC 5737"),
    block("203.0.113.0/24", "documentation (TEST-NET-3)", "RFC 5737"),
    block("224.0.0.0/4", "multicast", "RFC 5771"),
    block(
        "240.0.0.0/4",
        "reserved (includes limited broadcast)",
        "RFC 1112",
    ),
];

/// IPv6 blocks: the IANA IPv6 Special-Purpose Address Registry, then the named parts of the
/// space outside `2000::/3`, then `2000::/3`'s complement itself. The first match names the
/// refusal, so the specific blocks come before the catch-alls.
pub const IPV6: &[SpecialBlock] = &[
    block("::/128", "unspecified", "RFC 4291"),
    block("::1/128", "loopback", "RFC 4291"),
    block("::ffff:0:0/96", "IPv4-mapped", "RFC 4291"),
    block("::/96", "deprecated IPv4-compatible", "RFC 4291"),
    block("64:ff9b::/96", "IPv4-IPv6 translation", "RFC 6052"),
    block(
        "64:ff9b:1::/48",
        "local-use IPv4-IPv6 translation",
        "RFC 8215",
    ),
    block("100::/64", "discard-only", "RFC 6666"),
    block("2001::/32", "Teredo", "RFC 4380"),
    block("2001:2::/48", "benchmarking", "RFC 5180"),
    block("2001::/23", "IETF protocol assignments", "RFC 2928"),
    block("2001:db8::/32", "documentation", "RFC 3849"),
    block("2002::/16", "6to4", "RFC 3056"),
    block(
        "2620:4f:8000::/48",
        "direct delegation AS112 service",
        "RFC 7534",
    ),
    block("3fff::/20", "documentation", "RFC 9637"),
    block("5f00::/16", "SRv6 SIDs", "RFC 9602"),
    block("fc00::/7", "unique local (ULA)", "RFC 4193"),
    block("fe80::/10", "link-local unicast", "RFC 4291"),
    block("fec0::/10", "deprecated site-local", "RFC 3879"),
    block("ff00::/8", "multicast", "RFC 4291"),
    block("::/3", "not global unicast (outside 2000::/3)", "RFC 4291"),
    block(
        "4000::/2",
        "not global unicast (outside 2000::/3)",
        "RFC 4291",
    ),
    block(
        "8000::/1",
        "not global unicast (outside 2000::/3)",
        "RFC 4291",
    ),
];

impl SpecialBlock {
    /// The block as a network.
    pub fn net(&self) -> IpNet {
        self.cidr.parse().expect("the table holds valid CIDRs")
    }
}

/// The first special-purpose block `net` overlaps (contains, lies in or equals), if any.
///
/// ```
/// use cloudflare_ranges::special_purpose::overlapping_block;
/// assert_eq!(overlapping_block(&"10.1.0.0/16".parse().unwrap()).unwrap().name, "private-use");
/// assert_eq!(overlapping_block(&"0.0.0.0/0".parse().unwrap()).unwrap().cidr, "0.0.0.0/8");
/// assert!(overlapping_block(&"104.16.0.0/13".parse().unwrap()).is_none());
/// ```
pub fn overlapping_block(net: &IpNet) -> Option<&'static SpecialBlock> {
    let table = match net {
        IpNet::V4(_) => IPV4,
        IpNet::V6(_) => IPV6,
    };
    table.iter().find(|b| {
        let special = b.net();
        special.contains(net) || net.contains(&special)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_cidr;

    fn refused_as(cidr: &str) -> &'static str {
        overlapping_block(&parse_cidr(cidr).unwrap())
            .unwrap_or_else(|| panic!("{cidr} should be special-purpose"))
            .name
    }

    #[test]
    fn every_table_entry_is_a_strict_cidr_of_its_family() {
        for b in IPV4 {
            assert!(matches!(parse_cidr(b.cidr), Ok(IpNet::V4(_))), "{}", b.cidr);
        }
        for b in IPV6 {
            assert!(matches!(parse_cidr(b.cidr), Ok(IpNet::V6(_))), "{}", b.cidr);
        }
    }

    #[test]
    fn every_ipv4_block_is_refused_inside_and_around() {
        for b in IPV4 {
            assert_eq!(overlapping_block(&b.net()), Some(b), "{}", b.cidr);
        }
        // A range inside a block, and one around it.
        assert_eq!(refused_as("10.200.0.0/16"), "private-use");
        assert_eq!(refused_as("100.96.0.0/12"), "shared address space (CGNAT)");
        assert_eq!(refused_as("169.254.169.254/32"), "link-local");
        assert_eq!(refused_as("198.18.0.0/16"), "benchmarking");
        assert_eq!(refused_as("192.0.0.0/16"), "IETF protocol assignments");
        assert_eq!(refused_as("239.255.255.0/24"), "multicast");
        assert_eq!(
            refused_as("255.255.255.255/32"),
            "reserved (includes limited broadcast)"
        );
        assert_eq!(refused_as("128.0.0.0/1"), "link-local"); // the first block inside it
    }

    #[test]
    fn every_ipv6_block_is_refused() {
        for b in IPV6 {
            // The first match may be a more specific block listed earlier, never none.
            assert!(overlapping_block(&b.net()).is_some(), "{}", b.cidr);
        }
        assert_eq!(refused_as("::ffff:104.16.0.0/109"), "IPv4-mapped");
        assert_eq!(refused_as("64:ff9b::/96"), "IPv4-IPv6 translation");
        assert_eq!(refused_as("2001:0:4136::/48"), "Teredo");
        assert_eq!(refused_as("2001:2::/48"), "benchmarking");
        assert_eq!(refused_as("2001:10::/28"), "IETF protocol assignments");
        assert_eq!(refused_as("2001:db8:1::/48"), "documentation");
        assert_eq!(refused_as("2002:6810::/32"), "6to4");
        assert_eq!(refused_as("fd00::/8"), "unique local (ULA)");
        assert_eq!(refused_as("fe80::/64"), "link-local unicast");
        assert_eq!(refused_as("ff02::/16"), "multicast");
        assert_eq!(
            refused_as("4000::/16"),
            "not global unicast (outside 2000::/3)"
        );
        assert_eq!(refused_as("::/0"), "unspecified");
    }

    #[test]
    fn cloudflare_and_other_public_ranges_are_not_special() {
        for cidr in [
            "173.245.48.0/20",
            "104.16.0.0/13",
            "1.1.1.0/24",
            "8.8.8.0/24",
            "100.128.0.0/16", // just past CGNAT's 100.64.0.0/10
            "172.32.0.0/16",  // just past 172.16.0.0/12
            "198.20.0.0/16",  // just past benchmarking's 198.18.0.0/15
            "2400:cb00::/32",
            "2a06:98c0::/29",
            "2001:200::/23", // the first block after 2001::/23
            "3ffe::/16",     // global unicast, below 3fff::/20
        ] {
            assert_eq!(
                overlapping_block(&parse_cidr(cidr).unwrap()),
                None,
                "{cidr}"
            );
        }
    }
}
