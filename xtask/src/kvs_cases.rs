//! The KeyValueStore values the Node tests feed the KVS-mode CloudFront Function
//! (`target/edge/ip-filter-kvs.cases.json`), written by the Rust encoder (`kvs_layout`,
//! `origin_secret`) and judged by the Rust decoder, so the function's JavaScript reader is held
//! to the Rust one: for every case and probe address, `expected` is what the Rust side allows
//! (the decoded ranges plus the extras, or the compiled ranges when Rust refuses the value).
//!
//! Broken values (a bad header, parts of two generations, a bad CIDR, a special-purpose range, a
//! duplicate, a nested range, more than `MAX_RANGES` CIDRs) are made by editing encoder output, and
//! each is checked to be refused by `decode_ranges` before it is written: the encoder refuses them
//! all, so the range sync never writes a list the two readers would judge differently.

use std::fs;
use std::net::{Ipv4Addr, Ipv6Addr};

use anyhow::{Context, Result, ensure};
use cloudflare_ranges::{Snapshot, parse_cidr};
use ip_filter_core::kvs_layout::{
    self, MAX_RANGES, RANGES_MAGIC, decode_ranges, encode_ranges, ranges_key,
};
use ip_filter_core::origin_secret::{secrets_value, sha256_hex};
use ip_filter_core::{Config, RangeSet};
use ipnet::IpNet;
use serde_json::{Map, Value, json};

use crate::cloudfront_function::{extra_nets, render_kvs};

/// A store's items, key and value.
type Items = Vec<(String, String)>;

/// Where the cases are written.
pub const OUTPUT: &str = "target/edge/ip-filter-kvs.cases.json";

/// Test secrets (never deployed anywhere): two valid ones and a wrong one of the same shape.
const SECRET_A: &str = "test-secret-a-0123456789abcdefABCDEF";
const SECRET_B: &str = "test-secret-b-0123456789abcdefABCDEF";
const SECRET_WRONG: &str = "test-secret-c-0123456789abcdefABCDEF";

/// A range Cloudflare does not have, that a store may add.
const ADDED: &str = "5.8.0.0/16";
/// An extra CIDR for the function built with one.
const EXTRA: &str = "198.51.100.0/24";

/// A stored range in a special-purpose block, one a kind of block ([`cloudflare_ranges::special_purpose`]):
/// the case's name and the range.
const SPECIAL_PURPOSE: [(&str, &str); 11] = [
    ("a private range (10.1.0.0/16)", "10.1.0.0/16"),
    ("a shared-address range (100.64.0.0/12)", "100.64.0.0/12"),
    ("a documentation range (203.0.113.0/24)", "203.0.113.0/24"),
    ("a reserved range (240.0.0.0/12)", "240.0.0.0/12"),
    ("a multicast range (224.0.0.0/12)", "224.0.0.0/12"),
    (
        "an IPv6 documentation range (2001:db8::/32)",
        "2001:db8::/32",
    ),
    ("an IPv6 documentation range (3fff::/24)", "3fff::/24"),
    ("a Teredo range (2001::/32)", "2001::/32"),
    ("a 6to4 range (2002:100::/24)", "2002:100::/24"),
    ("an AS112 range (2620:4f:8000::/48)", "2620:4f:8000::/48"),
    ("a unique-local range (fd00::/24)", "fd00::/24"),
];

/// Writes the cases for the function built from `snapshot`, `config` and `header`.
pub fn write(snapshot: &Snapshot, config: &Config, header: &str) -> Result<()> {
    let compiled = snapshot.nets()?;
    let with_extra = Config::with_extra_cidrs(
        config
            .extra_cidrs()
            .iter()
            .cloned()
            .chain([EXTRA.to_owned()]),
    )?;
    let cases = json!({
        "header": header,
        "secrets": { "a": SECRET_A, "b": SECRET_B, "wrong": SECRET_WRONG },
        "ranges": ranges_cases(&compiled, config)?,
        "secretValues": secret_cases()?,
        "withExtra": {
            "extra": EXTRA,
            "code": render_kvs(snapshot, &with_extra, header)?.code,
            "ranges": ranges_cases(&compiled, &with_extra)?,
        },
    });
    let path = crate::paths::in_target(OUTPUT);
    fs::write(&path, serde_json::to_string_pretty(&cases)?)
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!("KVS test values: {}", path.display());
    Ok(())
}

/// One case: the `ranges:*` items (or none), what Rust makes of them, and the verdict on every
/// probe address.
fn ranges_cases(compiled: &[IpNet], config: &Config) -> Result<Vec<Value>> {
    let added = parse_cidr(ADDED)?;
    let mut with_added = compiled.to_vec();
    with_added.push(added);
    let without_first = compiled[1..].to_vec();
    let is_v6 = |n: &IpNet| matches!(n, IpNet::V6(_));
    let v4_only: Vec<IpNet> = compiled.iter().copied().filter(|n| !is_v6(n)).collect();
    let v6_only: Vec<IpNet> = compiled.iter().copied().filter(is_v6).collect();
    // The longest list the layout takes, with enough IPv6 /48s that the body needs three values.
    let filler = |i: usize| parse_cidr(&format!("2a01:4f8:{i:x}::/48")).expect("a /48");
    let many: Vec<IpNet> = compiled
        .iter()
        .copied()
        .chain((0..MAX_RANGES - compiled.len()).map(filler))
        .collect();
    ensure!(encode_ranges(&[many.clone(), vec![filler(MAX_RANGES)]].concat()).is_err());
    let many_items = encode_ranges(&many)?;
    ensure!(
        many_items.len() >= 3,
        "the multi-part case has {} parts",
        many_items.len()
    );
    // The next update: one range fewer near the start, so every later part differs.
    let mut next = many.clone();
    next.remove(compiled.len());
    let other_generation = encode_ranges(&next)?;

    let mut mixed = many_items.clone();
    mixed[1] = other_generation[1].clone();
    let mut missing_part = many_items.clone();
    missing_part.remove(1);
    let one = encode_ranges(compiled)?;
    let (header, body) = one[0].1.split_once('\n').expect("a header line");
    let bad_header = vec![(
        ranges_key(0),
        format!("{}\n{body}", header.replace(RANGES_MAGIC, "oac-ranges/2")),
    )];
    // The compiled list's header over a body that adds a range.
    let added_items = encode_ranges(&with_added)?;
    let (_, added_body) = added_items[0].1.split_once('\n').expect("a header line");
    let other_digest = vec![(ranges_key(0), format!("{header}\n{added_body}"))];
    let too_many_parts = vec![(
        ranges_key(0),
        format!("{}\n{body}", header.replace(" n=1 ", " n=17 ")),
    )];
    let host_bits = with_body(&format!("{body},5.8.0.1/16"))?;
    let not_a_cidr = with_body(&format!("{body},5.8.0.0"))?;
    let mapped = with_body(&format!("{body},::ffff:5.8.0.0/112"))?;
    let too_short = with_body(&format!("{body},5.0.0.0/8"))?;
    let many_body: Vec<String> = many.iter().map(ToString::to_string).collect();
    let over_cap = with_body(&format!("{},{}", many_body.join(","), filler(MAX_RANGES)))?;
    // Each in the middle of the body, so a reader that stops early does not pass by luck, with
    // ADDED before it, so a reader that took the list would let ADDED's addresses in.
    let inserted = |cidr: &str| with_body(&body.replacen(',', &format!(",{ADDED},{cidr},"), 1));
    let first_v4 = compiled[0].to_string();
    let first_v6 = compiled
        .iter()
        .find(|n| is_v6(n))
        .expect("an IPv6 range")
        .to_string();

    let mut cases: Vec<(&str, Option<Items>)> = vec![
        ("the compiled list", Some(one.clone())),
        (
            "a list that adds a range",
            Some(encode_ranges(&with_added)?),
        ),
        (
            "a list that drops a compiled range",
            Some(encode_ranges(&without_first)?),
        ),
        (
            "a list in three parts, as long as the layout allows",
            Some(many_items),
        ),
        ("IPv4 only", Some(encode_ranges(&v4_only)?)),
        ("IPv6 only", Some(encode_ranges(&v6_only)?)),
        ("no ranges:0", Some(vec![])),
        ("the store unreadable", None),
        ("a bad header line", Some(bad_header)),
        ("n out of range", Some(too_many_parts)),
        ("a missing part", Some(missing_part)),
        ("parts of two generations (digest mismatch)", Some(mixed)),
        (
            "the header of another update (digest mismatch)",
            Some(other_digest),
        ),
        ("a CIDR with host bits set", Some(host_bits)),
        ("an address without a prefix", Some(not_a_cidr)),
        ("an IPv4-mapped IPv6 CIDR", Some(mapped)),
        ("a prefix shorter than the rules allow", Some(too_short)),
        ("an IPv4 range listed twice", Some(inserted(&first_v4)?)),
        ("an IPv6 range listed twice", Some(inserted(&first_v6)?)),
        (
            "an IPv4 range inside another",
            Some(inserted("104.16.1.0/24")?),
        ),
        (
            "an IPv4 range around another",
            Some(inserted("173.240.0.0/12")?),
        ),
        (
            "an IPv6 range inside another",
            Some(inserted("2606:4700:1::/48")?),
        ),
        ("one CIDR more than the layout allows", Some(over_cap)),
    ];
    for (name, cidr) in SPECIAL_PURPOSE {
        cases.push((name, Some(inserted(cidr)?)));
    }
    // Every case from here on is broken: the Rust decoder must refuse each.
    let first_broken = cases
        .iter()
        .position(|(name, _)| *name == "no ranges:0")
        .expect("listed");
    for (name, items) in cases.iter().skip(first_broken) {
        if let Some(items) = items {
            ensure!(
                decode_ranges(|key| lookup(items, key)).is_err(),
                "the Rust decoder accepts the case {name:?}"
            );
        }
    }
    let extras = extra_nets(config)?;
    let compiled_set = RangeSet::new(compiled.iter().chain(&extras).copied());
    let special = SPECIAL_PURPOSE.map(|(_, c)| parse_cidr(c).expect("a CIDR"));
    let probes = probes(
        &[
            compiled,
            &many,
            std::slice::from_ref(&added),
            &extras,
            &special,
            &[filler(MAX_RANGES)],
        ]
        .concat(),
    );
    cases
        .into_iter()
        .map(|(name, items)| {
            let decoded = items
                .as_ref()
                .map(|items| decode_ranges(|key| lookup(items, key)));
            let (rust, allowed) = match decoded {
                Some(Ok(nets)) => (
                    json!({ "cidrs": nets.iter().map(ToString::to_string).collect::<Vec<_>>() }),
                    RangeSet::new(nets.into_iter().chain(extras.iter().copied())),
                ),
                Some(Err(e)) => (json!({ "refused": e.to_string() }), compiled_set.clone()),
                None => (
                    json!({ "refused": "the store cannot be read" }),
                    compiled_set.clone(),
                ),
            };
            let expected: Map<String, Value> = probes
                .iter()
                .map(|p| (p.clone(), Value::Bool(allowed.is_allowed(p))))
                .collect();
            Ok(json!({
                "name": name,
                "items": items.map(|items| to_object(&items)),
                "rust": rust,
                "expected": expected,
            }))
        })
        .collect()
}

/// The `origin-secrets` values: valid ones (from `secrets_value`) and broken ones, each with what
/// Rust's decoder makes of it.
fn secret_cases() -> Result<Vec<Value>> {
    let one = secrets_value(&[SECRET_A])?;
    let two = secrets_value(&[SECRET_A, SECRET_B])?;
    let a = sha256_hex(SECRET_A);
    let cases = [
        ("secret a", Some(one.clone())),
        ("secrets a and b", Some(two.clone())),
        ("no origin-secrets", None),
        ("the same digest twice", Some(format!("{one},{a}"))),
        (
            "an uppercase digest",
            Some(one.to_uppercase().replacen("OAC-SECRETS", "oac-secrets", 1)),
        ),
        (
            "three digests",
            Some(format!("{two},{}", sha256_hex(SECRET_WRONG))),
        ),
        (
            "another version",
            Some(one.replacen("oac-secrets/1", "oac-secrets/2", 1)),
        ),
        (
            "a secret in clear",
            Some(format!("oac-secrets/1 {SECRET_A}")),
        ),
    ];
    cases
        .into_iter()
        .map(|(name, value)| {
            let rust = match value.as_deref().map(kvs_layout::decode_secret_hashes) {
                Some(Ok(digests)) => json!({ "digests": digests }),
                Some(Err(e)) => json!({ "refused": e.to_string() }),
                None => json!({ "refused": "missing" }),
            };
            Ok(json!({ "name": name, "value": value, "rust": rust }))
        })
        .collect()
}

/// `ranges:0` for `body` with a correct header (the digest matches), so only the CIDR is wrong;
/// checked to be refused by the Rust decoder.
fn with_body(body: &str) -> Result<Items> {
    let items = vec![(
        ranges_key(0),
        format!("{RANGES_MAGIC} n=1 sha256={}\n{body}", sha256_hex(body)),
    )];
    ensure!(
        decode_ranges(|key| lookup(&items, key)).is_err(),
        "the Rust decoder accepts a broken body"
    );
    Ok(items)
}

fn lookup(items: &[(String, String)], key: &str) -> Option<String> {
    items.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

fn to_object(items: &[(String, String)]) -> Value {
    items
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect::<Map<String, Value>>()
        .into()
}

/// The first and last address of every range and the addresses just outside, deduplicated.
fn probes(nets: &[IpNet]) -> Vec<String> {
    let mut out = Vec::new();
    for net in nets {
        match net {
            IpNet::V4(n) => {
                let (first, last) = (u32::from(n.network()), u32::from(n.broadcast()));
                for a in [first.wrapping_sub(1), first, last, last.wrapping_add(1)] {
                    out.push(Ipv4Addr::from(a).to_string());
                }
            }
            IpNet::V6(n) => {
                let (first, last) = (u128::from(n.network()), u128::from(n.broadcast()));
                for a in [first.wrapping_sub(1), first, last, last.wrapping_add(1)] {
                    out.push(Ipv6Addr::from(a).to_string());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
