//! The CloudFront KeyValueStore layout (version 1) the ip-filter reads at the edge and the
//! range-sync Lambda writes: Cloudflare's ranges and the origin secrets' hashes.
//!
//! | key | value |
//! | --- | --- |
//! | `ranges:0` | `oac-ranges/1 n=<N> sha256=<64 hex>\n` followed by part 0 of the body |
//! | `ranges:1` … `ranges:<N-1>` | part *i* of the body (only when the body does not fit one value) |
//! | `origin-secrets` | `oac-secrets/1 ` and 1 or 2 distinct SHA-256 hex values joined by `,` |
//! | `ranges:meta` | JSON provenance for operators; nothing at the edge reads it |
//!
//! The body is every CIDR in canonical text (IPv4 first, then IPv6) joined by `,`, cut into
//! consecutive byte slices so that every value, header included, stays within CloudFront's
//! [`MAX_VALUE_BYTES`]. The header's SHA-256 covers the whole body, so parts written by two
//! different updates (read during propagation) are detected and the whole value refused.
//!
//! A reader that refuses the ranges uses the ranges compiled into it; a reader that refuses the
//! secrets admits nobody ([`crate::origin_secret`]).
//!
//! ```
//! use cloudflare_ranges::parse_cidr;
//! use ip_filter_core::kvs_layout;
//! let nets = ["104.16.0.0/13", "2400:cb00::/32"].map(|c| parse_cidr(c).unwrap());
//! let items = kvs_layout::encode_ranges(&nets).unwrap();
//! assert_eq!(items.len(), 1);
//! let get = |key: &str| items.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
//! assert_eq!(kvs_layout::decode_ranges(get).unwrap(), nets);
//! ```

use ipnet::IpNet;
use sha2::{Digest, Sha256};

use cloudflare_ranges::rules::check_ranges;
use cloudflare_ranges::{ParseError, parse_cidr};

/// CloudFront's limit on a key's length, in characters.
pub const MAX_KEY_CHARS: usize = 512;
/// CloudFront's limit on a value's size, in bytes.
pub const MAX_VALUE_BYTES: usize = 1024;
/// CloudFront's limit on a store's total size (keys and values), in bytes.
pub const MAX_STORE_BYTES: usize = 5 * 1024 * 1024;
/// The most parts a ranges body may be cut into (16 KiB of CIDRs: hundreds of ranges).
pub const MAX_PARTS: usize = 16;
/// The most CIDRs a stored list may hold (both families together). The KVS-mode CloudFront
/// Function reads every one on every request, comparing each with the special-purpose blocks and
/// the CIDRs before it, so its cost grows with the list; this bounds it (docs/ip-filter.md,
/// Performance, for the measurement behind the number).
pub const MAX_RANGES: usize = 128;

/// Prefix of the ranges parts' keys: `ranges:0`, `ranges:1`, …
pub const RANGES_KEY_PREFIX: &str = "ranges:";
/// Key of the operators' provenance record.
pub const RANGES_META_KEY: &str = "ranges:meta";
/// Key of the origin secrets' hashes.
pub const ORIGIN_SECRETS_KEY: &str = "origin-secrets";
/// First word of `ranges:0`.
pub const RANGES_MAGIC: &str = "oac-ranges/1";
/// First word of `origin-secrets`, followed by one space.
pub const SECRETS_MAGIC: &str = "oac-secrets/1";

/// The key of ranges part `i`.
pub fn ranges_key(i: usize) -> String {
    format!("{RANGES_KEY_PREFIX}{i}")
}

/// Why a stored value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    /// A key the layout needs is not in the store.
    #[error("the store has no key {0:?}")]
    MissingKey(String),
    /// `ranges:0` does not start with a well-formed header line.
    #[error("ranges:0 does not start with `{RANGES_MAGIC} n=<1..={MAX_PARTS}> sha256=<64 hex>`")]
    BadHeader,
    /// The parts put together do not hash to the header's value (parts of two updates).
    #[error("the ranges parts do not match their SHA-256 (written by different updates?)")]
    DigestMismatch,
    /// A CIDR of the body does not parse, or the list breaks a range rule.
    #[error("the stored ranges are not valid: {0}")]
    Ranges(#[from] ParseError),
    /// An IPv4-mapped IPv6 range (mapped addresses are judged as IPv4).
    #[error("the stored range {0} lies in ::ffff:0:0/96 (IPv4-mapped)")]
    Ipv4Mapped(String),
    /// The list holds more than [`MAX_RANGES`] CIDRs.
    #[error("the list holds {0} CIDRs, more than the {MAX_RANGES} the layout allows")]
    TooManyRanges(usize),
    /// The list needs more than [`MAX_PARTS`] values.
    #[error("the ranges need {0} values, more than the {MAX_PARTS} the layout allows")]
    TooManyParts(usize),
    /// `origin-secrets` is not `oac-secrets/1 ` and 1 or 2 distinct hashes.
    #[error(
        "origin-secrets is not `{SECRETS_MAGIC} <sha256 hex>[,<sha256 hex>]` with distinct values"
    )]
    BadSecrets,
}

/// The `ranges:*` items for a list (IPv4 and IPv6 in any order; written IPv4 first), as
/// `(key, value)` pairs in key order. The list must meet the range rules and hold at most
/// [`MAX_RANGES`] CIDRs: whatever is written, both readers ([`decode_ranges`] and the KVS-mode
/// CloudFront Function) take.
pub fn encode_ranges(nets: &[IpNet]) -> Result<Vec<(String, String)>, LayoutError> {
    check_count(nets.len())?;
    check_ranges(nets).map_err(ParseError::from)?;
    let body = body_of(nets);
    let digest = hex::encode(Sha256::digest(body.as_bytes()));
    // The header's length depends on N only through its digits; N ≤ 16 has at most two.
    let header_for = |n: usize| format!("{RANGES_MAGIC} n={n} sha256={digest}\n");
    let first_room = MAX_VALUE_BYTES - header_for(MAX_PARTS).len();
    let parts = if body.len() <= first_room {
        1
    } else {
        1 + (body.len() - first_room).div_ceil(MAX_VALUE_BYTES)
    };
    if parts > MAX_PARTS {
        return Err(LayoutError::TooManyParts(parts));
    }
    let first_len = body.len().min(first_room);
    let mut items = vec![(ranges_key(0), header_for(parts) + &body[..first_len])];
    for (i, chunk) in body.as_bytes()[first_len..]
        .chunks(MAX_VALUE_BYTES)
        .enumerate()
    {
        // The body is ASCII, so any byte boundary is a char boundary.
        let chunk = std::str::from_utf8(chunk).expect("the body is ASCII");
        items.push((ranges_key(i + 1), chunk.to_owned()));
    }
    Ok(items)
}

/// Reads the ranges through `get` (a key's value, or `None` when the store has no such key) and
/// returns them in body order once every check passes (header, parts, digest, at most
/// [`MAX_RANGES`] CIDRs, strict CIDRs, no IPv4-mapped IPv6, the range rules).
pub fn decode_ranges(
    mut get: impl FnMut(&str) -> Option<String>,
) -> Result<Vec<IpNet>, LayoutError> {
    let key0 = ranges_key(0);
    let first = get(&key0).ok_or(LayoutError::MissingKey(key0))?;
    let (header, part0) = first.split_once('\n').ok_or(LayoutError::BadHeader)?;
    let (parts, digest) = parse_header(header).ok_or(LayoutError::BadHeader)?;
    let mut body = part0.to_owned();
    for i in 1..parts {
        let key = ranges_key(i);
        body.push_str(&get(&key).ok_or(LayoutError::MissingKey(key))?);
    }
    if hex::encode(Sha256::digest(body.as_bytes())) != digest {
        return Err(LayoutError::DigestMismatch);
    }
    check_count(body.split(',').count())?;
    let mapped: IpNet = "::ffff:0:0/96".parse().expect("constant CIDR");
    let mut nets = Vec::new();
    for cidr in body.split(',') {
        let net = parse_cidr(cidr)?;
        if mapped.contains(&net) {
            return Err(LayoutError::Ipv4Mapped(cidr.to_owned()));
        }
        nets.push(net);
    }
    check_ranges(&nets).map_err(ParseError::from)?;
    Ok(nets)
}

fn check_count(count: usize) -> Result<(), LayoutError> {
    if count > MAX_RANGES {
        return Err(LayoutError::TooManyRanges(count));
    }
    Ok(())
}

/// How many `ranges:*` values the list in `ranges:0` spans (its header's `n`), so a reader
/// knows which further keys to fetch before [`decode_ranges`].
pub fn part_count(first_value: &str) -> Result<usize, LayoutError> {
    let (header, _) = first_value.split_once('\n').ok_or(LayoutError::BadHeader)?;
    parse_header(header)
        .map(|(n, _)| n)
        .ok_or(LayoutError::BadHeader)
}

/// The `origin-secrets` value for 1 or 2 distinct SHA-256 hex digests (lowercase, 64 digits).
pub fn encode_secret_hashes(hashes: &[String]) -> Result<String, LayoutError> {
    check_hashes(hashes.iter().map(String::as_str))?;
    Ok(format!("{SECRETS_MAGIC} {}", hashes.join(",")))
}

/// The digests an `origin-secrets` value lists: 1 or 2, distinct, each 64 lowercase hex digits.
pub fn decode_secret_hashes(value: &str) -> Result<Vec<String>, LayoutError> {
    let list = value
        .strip_prefix(SECRETS_MAGIC)
        .and_then(|rest| rest.strip_prefix(' '))
        .ok_or(LayoutError::BadSecrets)?;
    let hashes: Vec<&str> = list.split(',').collect();
    check_hashes(hashes.iter().copied())?;
    Ok(hashes.into_iter().map(str::to_owned).collect())
}

fn check_hashes<'a>(hashes: impl Iterator<Item = &'a str>) -> Result<(), LayoutError> {
    let hashes: Vec<&str> = hashes.collect();
    let well_formed = hashes.iter().all(|h| is_sha256_hex(h));
    let distinct = hashes.len() < 2 || hashes[0] != hashes[1];
    if (1..=2).contains(&hashes.len()) && well_formed && distinct {
        Ok(())
    } else {
        Err(LayoutError::BadSecrets)
    }
}

/// Whether `text` is exactly 64 lowercase hex digits.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn body_of(nets: &[IpNet]) -> String {
    let v4 = nets.iter().filter(|n| matches!(n, IpNet::V4(_)));
    let v6 = nets.iter().filter(|n| matches!(n, IpNet::V6(_)));
    v4.chain(v6)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_header(line: &str) -> Option<(usize, &str)> {
    let rest = line.strip_prefix(RANGES_MAGIC)?.strip_prefix(" n=")?;
    let (n, digest) = rest.split_once(" sha256=")?;
    // Plain decimal, no sign, no leading zero.
    if n.is_empty() || n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: usize = n.parse().ok()?;
    ((1..=MAX_PARTS).contains(&n) && is_sha256_hex(digest)).then_some((n, digest))
}

#[cfg(test)]
#[path = "kvs_layout_tests.rs"]
mod tests;
