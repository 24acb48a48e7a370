//! The ip-filter CloudFront Function in "KVS mode": address **and** origin secret, its data read
//! from the CloudFront KeyValueStore associated with it (layout: [`ip_filter_core::kvs_layout`]).
//!
//! Per request (`async function handler(event)`, cloudfront-js-2.0, `import cf from
//! 'cloudfront'` and `import crypto from 'crypto'`), two reads, one after the other:
//!
//! 1. `ranges:0` (and `ranges:1…` when the header says so): the header line, the parts, the
//!    SHA-256 of the body (`crypto.createHash('sha256')`), at most
//!    [`kvs_layout::MAX_RANGES`] CIDRs, every CIDR strict in the function's own address grammar
//!    (IPv4 /12 or longer, IPv6 /24 or longer), none meeting a special-purpose block (`S4`/`S6`,
//!    written from [`special_purpose`]: with IPv6 outside `2000::/3`, so no IPv4-mapped
//!    range) or another stored CIDR (no duplicate, no nesting). That is every rule of
//!    [`kvs_layout::decode_ranges`], so the two edge variants read a store alike (the Node tests
//!    hold the function to the Rust decoder on the same values). Any failure — the read rejects,
//!    a bad header, a missing part, a digest mismatch, too many CIDRs, a bad CIDR — and the
//!    function uses the ranges compiled into it (`V4`/`V6`). The build-time extra CIDRs
//!    (`X4`/`X6`) are added to the stored ranges;
//! 2. `origin-secrets`: 1 or 2 distinct digests. Missing or malformed: no secret is valid, so
//!    every request is refused (fail closed, never "no secret check").
//!
//! The viewer passes when its address is in the ranges and the secret header is there exactly
//! once and hashes to one of the digests (every digest compared, every character). The header is
//! then deleted from the request, which goes on with `x-forwarded-host` set to its `Host`
//! ([`ip_filter_core::forwarded_host`]); anything else gets the same 403 as a wrong
//! address in the address-only function, byte for byte.
//!
//! Per request the function reads every stored CIDR and compares it with the special-purpose
//! blocks and the CIDRs before it, so its cost grows with the list (quadratically past a few
//! dozen); [`kvs_layout::MAX_RANGES`] bounds it, and the encoder the range sync uses refuses to
//! write more.

use std::fmt::Write as _;

// From cloudflare-ranges: the special-purpose blocks; from ip-filter-core: the table, the store's
// layout, the origin-secret rule.
use cloudflare_ranges::special_purpose::{self, SpecialBlock};
use ip_filter_core::RangeSet;
use ip_filter_core::kvs_layout;
use ip_filter_core::origin_secret::check_header_name;

use super::ADDRESS_JS;
use super::{
    Function, GenerateError, header, js_string, short_v6_bounds, within_limit, write_problem,
    write_table,
};

/// The KVS reader, the secret check and the handler.
const KVS_JS: &str = include_str!("js/kvs.js");

/// What the function starts with: cloudfront-js-2.0's two modules.
pub const IMPORTS: &str = "import cf from 'cloudfront';\nimport crypto from 'crypto';\n";

/// Generates the KVS-mode function. `ranges` are the compiled ranges (Cloudflare's plus the
/// extras) used when the store's are refused; `extras` the build-time extra CIDRs alone, added to
/// the store's; `secret_header` the header our Cloudflare zone adds (checked with
/// [`check_header_name`]); `provenance` as for [`super::generate`].
///
/// ```
/// use ip_filter_core::{IpFilter, RangeSet};
/// use ip_filter_cloudfront_function::kvs;
/// let ranges = IpFilter::from_config_json("{}").unwrap().ranges().clone();
/// let function = kvs::generate(&ranges, &RangeSet::new([]), "x-origin-secret", &[]).unwrap();
/// assert!(function.code.starts_with("import cf from 'cloudfront';\n"));
/// assert_eq!(function.sidecar.secret_header.as_deref(), Some("x-origin-secret"));
/// assert!(function.sidecar.reads_kvs);
/// assert!(kvs::generate(&ranges, &RangeSet::new([]), "X-Origin-Secret", &[]).is_err());
/// ```
pub fn generate(
    ranges: &RangeSet,
    extras: &RangeSet,
    secret_header: &str,
    provenance: &[(&'static str, &str)],
) -> Result<Function, GenerateError> {
    check_header_name(secret_header)?;
    let mut js = header(IMPORTS, provenance)?;
    js.push_str(
        "// Passes event.request, without the origin secret header and with x-forwarded-host, when\n\
         // event.viewer.ip is in the ranges (the KeyValueStore's plus the extras X4/X6, or the\n\
         // compiled V4/V6 when the store's are refused) and the header hashes to a digest in\n\
         // origin-secrets; anything else gets the 403 problem+json of the Rust core.\n",
    );
    write_table(&mut js, "V4", "V6", ranges);
    write_table(&mut js, "X4", "X6", extras);
    write_problem(&mut js);
    write_special(&mut js);
    let _ = writeln!(js, "var MAX_RANGES = {};", kvs_layout::MAX_RANGES);
    let _ = writeln!(js, "var SECRET_HEADER = {};", js_string(secret_header));
    js.push_str(ADDRESS_JS);
    js.push_str(KVS_JS);
    within_limit(js, Some(secret_header), true)
}

/// `var S4 = [...]; var S6 = [...];`: the special-purpose blocks ([`special_purpose::IPV4`],
/// [`special_purpose::IPV6`]) as merged inclusive intervals, one line a family, no comments (the
/// 10 KB budget), the IPv6 bounds written short ([`short_v6_bounds`]).
fn write_special(js: &mut String) {
    let nets = |table: &[SpecialBlock]| table.iter().map(SpecialBlock::net).collect::<Vec<_>>();
    let v4 = RangeSet::new(nets(special_purpose::IPV4));
    let v6 = RangeSet::new(nets(special_purpose::IPV6));
    let v4: Vec<String> = v4
        .v4_intervals()
        .iter()
        .map(|(first, last)| format!("{first},{last}"))
        .collect();
    let v6: Vec<String> = v6
        .v6_intervals()
        .iter()
        .map(|&(first, last)| {
            let (first, last) = short_v6_bounds(first, last);
            format!("'{first}','{last}'")
        })
        .collect();
    let _ = writeln!(js, "var S4 = [{}];", v4.join(","));
    let _ = writeln!(js, "var S6 = [{}];", v6.join(","));
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudflare_ranges::parse_cidr;
    use ip_filter_core::origin_secret::SecretError;
    use ip_filter_core::{Config, IpFilter};

    fn compiled() -> RangeSet {
        IpFilter::from_config_json("{}").unwrap().ranges().clone()
    }

    #[test]
    fn default_kvs_function_fits_the_limit_and_imports_first() {
        let js = generate(&compiled(), &RangeSet::new([]), "x-origin-secret", &[])
            .unwrap()
            .code;
        assert!(js.len() <= MAX, "{} bytes", js.len());
        assert!(js.starts_with(IMPORTS));
        assert!(js.contains("\nasync function handler(event) {\n"));
        assert!(js.contains("var SECRET_HEADER = \"x-origin-secret\";\n"));
    }

    const MAX: usize = super::super::MAX_BYTES;

    #[test]
    fn extras_are_written_as_their_own_table() {
        let extras = RangeSet::new([parse_cidr("198.51.100.0/24").unwrap()]);
        let js = generate(&compiled(), &extras, "x-origin-secret", &[])
            .unwrap()
            .code;
        assert!(
            js.contains(
                "var X4 = [\n  3325256704, 3325256959  // 198.51.100.0 - 198.51.100.255\n];"
            ),
            "{js}"
        );
    }

    #[test]
    fn the_special_purpose_blocks_and_the_cap_are_written_from_the_rust_tables() {
        let js = generate(&compiled(), &RangeSet::new([]), "x-origin-secret", &[])
            .unwrap()
            .code;
        // 10.0.0.0/8, and 224.0.0.0/4 merged with 240.0.0.0/4 up to the last address.
        assert!(js.contains(",167772160,184549375,"), "{js}");
        assert!(js.contains(",3758096384,4294967295];\n"), "{js}");
        // Everything outside 2000::/3 (::/3, then 4000::/2 and 8000::/1 merged), and 2001:db8::/32.
        assert!(js.contains("var S6 = ['','1g',"), "{js}");
        assert!(js.contains(",'20010db8','20010db8g',"), "{js}");
        assert!(js.contains(",'4','g'];\n"), "{js}");
        let cap = format!("var MAX_RANGES = {};\n", kvs_layout::MAX_RANGES);
        assert!(js.contains(&cap));
    }

    #[test]
    fn an_uppercase_header_name_is_refused() {
        let e = generate(&compiled(), &RangeSet::new([]), "X-Origin-Secret", &[]).unwrap_err();
        assert_eq!(e, GenerateError::SecretHeader(SecretError::HeaderName));
    }

    #[test]
    fn a_header_name_with_a_quote_is_refused() {
        // A quote would end the string literal the name is written into.
        let e = generate(&compiled(), &RangeSet::new([]), "x-a\"b", &[]).unwrap_err();
        assert_eq!(e, GenerateError::SecretHeader(SecretError::HeaderName));
    }

    #[test]
    fn refuses_to_exceed_the_size_limit() {
        let extras: Vec<String> = (0..400)
            .map(|i| format!("10.{}.{}.0/24", i / 128, (i % 128) * 2))
            .collect();
        let config = Config::with_extra_cidrs(extras.iter().map(String::as_str)).unwrap();
        let nets = config.extra_cidrs().iter().map(|c| parse_cidr(c).unwrap());
        let result = generate(&compiled(), &RangeSet::new(nets), "x-origin-secret", &[]);
        assert!(matches!(result, Err(GenerateError::TooLarge(_))));
    }
}
