use super::*;
use std::collections::HashMap;

fn nets(cidrs: &[&str]) -> Vec<IpNet> {
    cidrs.iter().map(|c| parse_cidr(c).unwrap()).collect()
}

fn store(items: &[(String, String)]) -> HashMap<String, String> {
    items.iter().cloned().collect()
}

fn read(store: &HashMap<String, String>) -> Result<Vec<IpNet>, LayoutError> {
    decode_ranges(|k| store.get(k).cloned())
}

/// Many disjoint /24s inside 104.16.0.0/13 (a list far longer than Cloudflare's).
fn long_list(count: u32) -> Vec<IpNet> {
    (0..count)
        .map(|i| parse_cidr(&format!("104.{}.{}.0/24", 16 + i / 256, i % 256)).unwrap())
        .collect()
}

#[test]
fn the_bundled_snapshot_fits_one_value_and_reads_back() {
    let snapshot = cloudflare_ranges::Snapshot::bundled()
        .unwrap()
        .nets()
        .unwrap();
    let items = encode_ranges(&snapshot).unwrap();
    assert_eq!(items.len(), 1, "today's list must cost one KVS read");
    assert!(items[0].1.len() <= MAX_VALUE_BYTES);
    assert_eq!(read(&store(&items)).unwrap(), snapshot);
}

#[test]
fn ipv6_listed_first_is_written_after_ipv4() {
    let items = encode_ranges(&nets(&["2400:cb00::/32", "104.16.0.0/13"])).unwrap();
    assert!(items[0].1.ends_with("\n104.16.0.0/13,2400:cb00::/32"));
}

#[test]
fn a_long_list_is_cut_into_parts_each_within_the_value_limit() {
    let list = long_list(MAX_RANGES as u32);
    let items = encode_ranges(&list).unwrap();
    assert!(items.len() > 1);
    for (i, (key, value)) in items.iter().enumerate() {
        assert_eq!(key, &ranges_key(i));
        assert!(
            value.len() <= MAX_VALUE_BYTES,
            "{key} is {} bytes",
            value.len()
        );
    }
    assert!(
        items[0]
            .1
            .starts_with(&format!("{RANGES_MAGIC} n={} sha256=", items.len()))
    );
    assert_eq!(read(&store(&items)).unwrap(), list);
}

#[test]
fn a_list_longer_than_max_ranges_is_not_written() {
    assert!(encode_ranges(&long_list(MAX_RANGES as u32)).is_ok());
    assert_eq!(
        encode_ranges(&long_list(MAX_RANGES as u32 + 1)),
        Err(LayoutError::TooManyRanges(MAX_RANGES + 1))
    );
}

#[test]
fn a_stored_list_longer_than_max_ranges_is_refused() {
    let body = |count: u32| {
        let cidrs: Vec<String> = long_list(count).iter().map(ToString::to_string).collect();
        cidrs.join(",")
    };
    assert_eq!(
        read(&forged(&body(MAX_RANGES as u32))).unwrap().len(),
        MAX_RANGES
    );
    assert_eq!(
        read(&forged(&body(MAX_RANGES as u32 + 1))),
        Err(LayoutError::TooManyRanges(MAX_RANGES + 1))
    );
}

#[test]
fn a_list_breaking_a_range_rule_is_not_written() {
    assert!(matches!(
        encode_ranges(&nets(&["0.0.0.0/0"])),
        Err(LayoutError::Ranges(_))
    ));
}

#[test]
fn a_missing_part_refuses_the_whole_list() {
    let mut s = store(&encode_ranges(&long_list(120)).unwrap());
    s.remove(&ranges_key(1));
    assert_eq!(read(&s), Err(LayoutError::MissingKey(ranges_key(1))));
}

#[test]
fn no_ranges_key_is_a_missing_key() {
    assert_eq!(
        read(&HashMap::new()),
        Err(LayoutError::MissingKey(ranges_key(0)))
    );
}

#[test]
fn parts_of_two_updates_are_refused_by_the_digest() {
    let old = store(&encode_ranges(&long_list(120)).unwrap());
    let mut mixed = store(&encode_ranges(&long_list(121)[1..]).unwrap());
    assert_ne!(mixed[&ranges_key(1)], old[&ranges_key(1)]);
    mixed.insert(ranges_key(1), old[&ranges_key(1)].clone());
    assert_eq!(read(&mixed), Err(LayoutError::DigestMismatch));
}

#[test]
fn a_body_edited_without_its_digest_is_refused() {
    let mut s = store(&encode_ranges(&nets(&["104.16.0.0/13"])).unwrap());
    let edited = s[&ranges_key(0)].replace("104.16.0.0/13", "104.16.0.0/12");
    s.insert(ranges_key(0), edited);
    assert_eq!(read(&s), Err(LayoutError::DigestMismatch));
}

/// A value with a correct digest over `body`, as a writer that skipped the checks would store.
fn forged(body: &str) -> HashMap<String, String> {
    let digest = hex::encode(Sha256::digest(body.as_bytes()));
    HashMap::from([(
        ranges_key(0),
        format!("{RANGES_MAGIC} n=1 sha256={digest}\n{body}"),
    )])
}

#[test]
fn a_consistent_value_that_opens_everything_is_still_refused_by_the_rules() {
    assert!(matches!(
        read(&forged("0.0.0.0/0")),
        Err(LayoutError::Ranges(_))
    ));
}

#[test]
fn a_cidr_that_does_not_parse_is_refused() {
    assert!(matches!(
        read(&forged("104.16.0.0/13, 2400:cb00::/32")),
        Err(LayoutError::Ranges(ParseError::NotCidr(_)))
    ));
}

#[test]
fn an_ipv4_mapped_range_is_refused() {
    assert_eq!(
        read(&forged("::ffff:104.16.0.0/109")),
        Err(LayoutError::Ipv4Mapped("::ffff:104.16.0.0/109".into()))
    );
}

#[test]
fn malformed_headers_are_refused() {
    let digest = "0".repeat(64);
    for header in [
        format!("oac-ranges/2 n=1 sha256={digest}"),
        format!("oac-ranges/1 n=0 sha256={digest}"),
        format!("oac-ranges/1 n=17 sha256={digest}"),
        format!("oac-ranges/1 n=01 sha256={digest}"),
        format!("oac-ranges/1 n=+1 sha256={digest}"),
        format!("oac-ranges/1 n=1 sha256={}", "A".repeat(64)),
        format!("oac-ranges/1 n=1 sha256={}", "0".repeat(63)),
        format!("oac-ranges/1  n=1 sha256={digest}"),
    ] {
        let s = HashMap::from([(ranges_key(0), format!("{header}\n104.16.0.0/13"))]);
        assert_eq!(read(&s), Err(LayoutError::BadHeader), "{header}");
    }
    let no_newline = HashMap::from([(ranges_key(0), "104.16.0.0/13".to_owned())]);
    assert_eq!(read(&no_newline), Err(LayoutError::BadHeader));
}

#[test]
fn secret_hashes_round_trip() {
    let hashes = vec!["a".repeat(64), "b".repeat(64)];
    let value = encode_secret_hashes(&hashes).unwrap();
    assert_eq!(value, format!("oac-secrets/1 {},{}", hashes[0], hashes[1]));
    assert_eq!(decode_secret_hashes(&value).unwrap(), hashes);
}

#[test]
fn malformed_secret_values_are_refused() {
    let h = "a".repeat(64);
    let g = "b".repeat(64);
    for value in [
        String::new(),
        "oac-secrets/1 ".to_owned(),
        format!("oac-secrets/1{h}"),
        format!("oac-secrets/2 {h}"),
        format!("oac-secrets/1 {h},{h}"),
        format!("oac-secrets/1 {h},{g},{}", "c".repeat(64)),
        format!("oac-secrets/1 {h},"),
        format!("oac-secrets/1 {}", h.to_uppercase()),
        format!("oac-secrets/1 {h} "),
        format!("oac-secrets/1 {}", &h[1..]),
    ] {
        assert_eq!(
            decode_secret_hashes(&value),
            Err(LayoutError::BadSecrets),
            "{value:?}"
        );
    }
}

#[test]
fn part_count_reads_n_from_the_header_and_refuses_a_bad_one() {
    let items = encode_ranges(&long_list(120)).unwrap();
    assert_eq!(part_count(&items[0].1), Ok(items.len()));
    for bad in [
        "",
        "oac-ranges/1 n=2 sha256=00",
        "oac-ranges/1 n=17 sha256=x\nbody",
    ] {
        assert_eq!(part_count(bad), Err(LayoutError::BadHeader), "{bad:?}");
    }
}
