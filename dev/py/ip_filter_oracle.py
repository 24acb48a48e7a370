"""Independent oracle for the ip-filter tests: Python's `ipaddress`, not the code under test.

Reads the snapshot (ranges.json) and extra CIDRs, prints JSON [[address, allowed], ...] for a
large address set: every range boundary (first, last, one before, one after) in several
spellings, IPv4-mapped forms, random addresses in and around the ranges, and garbage.

usage: python3 ip_filter_oracle.py RANGES_JSON [EXTRA_CIDR ...]
"""

import ipaddress
import json
import random
import sys

GARBAGE = [
    "", " ", "null", "undefined", "localhost", "not-an-address",
    "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "256.1.1.1", "1.2.3.256",
    "01.2.3.4", "104.016.0.1", "00.0.0.0", "0x68.16.0.1", "104.16.0.1e0", "+104.16.0.1",
    "-1.2.3.4", "104.16.0.-1", " 104.16.0.1", "104.16.0.1 ", "104.16.0.1\n", "\t104.16.0.1",
    "104.16.0.1:443", "104.16.0.1/32", "104.16.0.0/13", "[2606:4700::1]", "[2606:4700::1]:443",
    "2606:4700::1%eth0", "2606:4700::1%1", "fe80::1%eth0", "2606:4700::g", "2606:4700:::1",
    "2606:4700::1::", "2606::4700::1", ":2606:4700::1", "2606:4700::1:", "2606:4700:0:0:0:0:0:0:1",
    "2606:4700:0:0:0:0:1", "2606:4700::00001", "2606:04700::1", "2606:4700::1.2.3", "::ffff:104.16.0",
    "::ffff:256.16.0.1", "::ffff:104.16.0.01", "::ffff:104.16.0.1.5", "::ffff:104.16.0.1:0",
    "104.16.0.1::", "1:2:3:4:5:6:104.16.0.1:8", "1:2:3:4:5:104.16.0.1", "1::2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", ":::", ":", "::::",
    "\u0661\u0660\u0664.16.0.1", "\uff11\uff10\uff14.16.0.1", "104\u200b.16.0.1", "2606\uff1a4700::1",
    "104.16.0.1\u0000", "２６０６:4700::1", "::ffff:2606:4700::1", "2606:4700::/32",
    "172.70.34.12,203.0.113.9", "203.0.113.9, 172.70.34.12",
    # Malformed spellings that a sloppy parser would read as an address inside a range:
    "104.16.0.256", "104.16.255.256", "172.64.0.300", "::ffff:104.16.0.256", "38.6.71.0::",
    "38.6.71.0::1", "2606:4700:1:2::3:4:5:6", "2606:4700::1:2:3:4:5:6", "2606:4700:1:2:3:4:5:6::",
    "2606:4700:1:2:3:4:5", "2606:4700:0:0:0:104.16.0.1", "2606:4700:1:2:3:4:5:104.16.0.1",
    "2606:4700::104.16.0.1:1", "2606:4700::1.16.0.1.1", "::ffff:6810:1:0", "2606:4700:::",
]


def judge(nets, text):
    """The verdict: allowed only for an exact IPv4/IPv6 address inside a range."""
    if "%" in text:  # Python accepts IPv6 zone indexes; an address with one is never a viewer's
        return False
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return False
    if addr.version == 6 and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return any(addr.version == n.version and addr in n for n in nets)


def spellings(addr):
    """Several valid spellings of one address, IPv4-mapped forms of an IPv4 one."""
    if addr.version == 4:
        mapped = ipaddress.IPv6Address("::ffff:" + str(addr))
        hi, lo = int(addr) >> 16, int(addr) & 0xFFFF
        return [str(addr), "::ffff:" + str(addr), "::FFFF:" + str(addr), f"::ffff:{hi:x}:{lo:x}",
                mapped.exploded, "0:0:0:0:0:ffff:" + str(addr), "::" + str(addr)]
    return [addr.compressed, addr.exploded, addr.compressed.upper(),
            ":".join(g.lstrip("0") or "0" for g in addr.exploded.split(":"))]


def addresses(nets, rng):
    out = []
    for net in nets:
        top = 2 ** net.max_prefixlen - 1
        first, last = int(net.network_address), int(net.broadcast_address)
        cls = ipaddress.IPv4Address if net.version == 4 else ipaddress.IPv6Address
        for value in (first - 1, first, first + 1, last - 1, last, last + 1):
            if 0 <= value <= top:
                out.extend(spellings(cls(value)))
        for _ in range(20):  # inside, and in the neighbourhood
            span = last - first + 1
            value = rng.randint(max(0, first - span), min(top, last + span))
            out.extend(spellings(cls(value)))
    for _ in range(500):
        out.extend(spellings(ipaddress.IPv4Address(rng.getrandbits(32))))
        out.append(str(ipaddress.IPv6Address(rng.getrandbits(128))))
    out += ["0.0.0.0", "255.255.255.255", "::", "::1", "::ffff:0.0.0.0", "::ffff:255.255.255.255",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "64:ff9b::104.16.0.1", "::104.16.0.1",
            "2002:6810:1::1", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "2606:4700:1:2:3:4:104.16.0.1",
            "2606:4700:1:2:3:4:5::", "2606:4700::1.2.3.4", "2606:4700:0:0:0:0:104.16.0.1"]
    out += GARBAGE
    return list(dict.fromkeys(out))


def main():
    snapshot = json.load(open(sys.argv[1], encoding="utf-8"))
    cidrs = snapshot["ipv4_cidrs"] + snapshot["ipv6_cidrs"] + sys.argv[2:]
    nets = [ipaddress.ip_network(c) for c in cidrs]
    rng = random.Random(20261123)
    json.dump([[a, judge(nets, a)] for a in addresses(nets, rng)], sys.stdout)


if __name__ == "__main__":
    main()
