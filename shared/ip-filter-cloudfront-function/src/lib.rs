//! The ip-filter as a CloudFront Function (`cloudfront-js-2.0`, viewer-request): the cheap
//! default deployment. The JavaScript is generated from the same [`RangeSet`] the Rust core
//! uses and implements the same verdict, step for step, and nothing more:
//!
//! 1. `event.viewer.ip` must be a string that is exactly an IPv4 address (four decimal octets,
//!    no leading zeros) or an IPv6 address (1–4 hex digits a group, at most one `::` standing for
//!    at least one group, an IPv4 tail allowed only last) — the grammar of Rust's
//!    `IpAddr::from_str`, which the core uses; anything else is rejected;
//! 2. an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is judged as the IPv4 address;
//! 3. the address must fall in one of the merged inclusive intervals (IPv4 as numbers, IPv6 as
//!    32-digit lowercase hex strings, which compare like the numbers they spell; the bounds are
//!    written short, see [`short_v6_bounds`]);
//! 4. allowed: `event.request` is returned with `x-forwarded-host` set to its `Host`, the rule of
//!    [`ip_filter_core::forwarded_host`] (every entry the viewer sent replaced; none without one
//!    `Host`), and nothing else changed; otherwise a 403 with the core's problem+json body,
//!    `content-type: application/problem+json` and `cache-control: no-store`.
//!
//! The Node tests run the generated file on CloudFront Functions events and check it agrees with
//! the Rust matcher (the N-API addon) and with Python's `ipaddress` on every range boundary.
//!
//! [`kvs::generate`] writes the "KVS mode" function: the same address check against the ranges
//! in the CloudFront KeyValueStore (or these compiled ones when the store's are refused), plus
//! the origin secret.
//!
//! This crate's one job is that code generation. Each function comes with its [`Sidecar`]: what
//! a deployer needs to know of it (the origin-secret header it checks, whether it reads a
//! KeyValueStore, its size and digest), written beside the `.js` so that nobody reads those facts
//! back out of the code.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

// From ip-filter-core: the table, the origin-secret rule and the 403; from cloudflare-ranges: the
// provenance rule.
use cloudflare_ranges::provenance::{ProvenanceError, check_field};
use ip_filter_core::RangeSet;
use ip_filter_core::forwarded_host;
use ip_filter_core::origin_secret::SecretError;
use ip_filter_core::viewer::forbidden_problem;

pub mod kvs;
pub mod sidecar;

pub use sidecar::{Sidecar, SidecarError};

/// CloudFront's limit on a function's code size.
pub const MAX_BYTES: usize = 10 * 1024;

/// Why the function was not generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    /// Over CloudFront's size limit.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
    /// A provenance field that could break out of its comment (see
    /// [`cloudflare_ranges::provenance`]).
    #[error(transparent)]
    Provenance(#[from] ProvenanceError),
    /// An origin secret header name that is not a lowercase HTTP token (KVS mode).
    #[error(transparent)]
    SecretHeader(#[from] SecretError),
}

/// The generated function would exceed [`MAX_BYTES`] (too many extra CIDRs).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the generated CloudFront Function is {size} bytes, over CloudFront's {MAX_BYTES}-byte limit"
)]
pub struct TooLarge {
    /// Size of the code that was generated.
    pub size: usize,
}

/// A generated function: its code and what its sidecar says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The JavaScript, at most [`MAX_BYTES`].
    pub code: String,
    /// What a deployer must know of the code, written beside it (see [`sidecar`]).
    pub sidecar: Sidecar,
}

/// The address grammar, the interval lookup and the 403 both functions share.
const ADDRESS_JS: &str = include_str!("js/address.js");
/// The handler of the address-only function.
const IP_ONLY_JS: &str = include_str!("js/ip_only.js");

/// Generates the CloudFront Function for `ranges`. `provenance` (field name and value, e.g. the
/// snapshot's date, etag and source) goes into the header comment, one `// name: value` line a
/// field; a value that is not printable ASCII or contains `*/` is refused with an error naming
/// the field, so nothing but the intended comment is ever written.
///
/// ```
/// use ip_filter_core::IpFilter;
/// use ip_filter_cloudfront_function as cloudfront_function;
/// let filter = IpFilter::from_config_json("{}").unwrap();
/// let js = cloudfront_function::generate(filter.ranges(), &[("snapshot etag", "e1")]).unwrap().code;
/// assert!(js.contains("// snapshot etag: e1\n"));
/// assert!(js.len() <= cloudfront_function::MAX_BYTES);
/// assert!(cloudfront_function::generate(filter.ranges(), &[("snapshot etag", "e\u{2028}")]).is_err());
/// ```
pub fn generate(
    ranges: &RangeSet,
    provenance: &[(&'static str, &str)],
) -> Result<Function, GenerateError> {
    let mut js = header("", provenance)?;
    js.push_str(
        "// Passes event.request, with its Host in x-forwarded-host, when event.viewer.ip is in the\n\
         // ranges; anything else, unparsable included, gets the 403 problem+json of the Rust core.\n",
    );
    write_table(&mut js, "V4", "V6", ranges);
    write_problem(&mut js);
    js.push_str(ADDRESS_JS);
    js.push_str(IP_ONLY_JS);
    within_limit(js, None, false)
}

/// `imports`, then the generated-code banner and one `// name: value` line a provenance field
/// (each checked first, see [`cloudflare_ranges::provenance`]).
fn header(imports: &str, provenance: &[(&'static str, &str)]) -> Result<String, GenerateError> {
    for (field, value) in provenance {
        check_field(field, value)?;
    }
    let mut js = imports.to_owned();
    js.push_str(
        "// oac-kit ip-filter: CloudFront Function (cloudfront-js-2.0) for viewer-request.\n\
         // Generated by `cargo xtask cloudfront-function` from shared/ip-filter-cloudfront-function; do not edit.\n",
    );
    for (field, value) in provenance {
        let _ = writeln!(js, "// {field}: {value}");
    }
    Ok(js)
}

/// `var <v4> = [...]; var <v6> = [...];`: the merged intervals of `ranges`, one a line, with
/// the dotted / colon form as a comment so a reviewer can read the table against ranges.json.
fn write_table(js: &mut String, v4_name: &str, v6_name: &str, ranges: &RangeSet) {
    let _ = writeln!(js, "var {v4_name} = [");
    let v4 = ranges.v4_intervals();
    for (i, (first, last)) in v4.iter().enumerate() {
        let sep = if i + 1 == v4.len() { ' ' } else { ',' };
        let _ = writeln!(
            js,
            "  {first}, {last}{sep} // {} - {}",
            Ipv4Addr::from(*first),
            Ipv4Addr::from(*last)
        );
    }
    let _ = writeln!(js, "];\nvar {v6_name} = [");
    let v6 = ranges.v6_intervals();
    for (i, (first, last)) in v6.iter().enumerate() {
        let sep = if i + 1 == v6.len() { ' ' } else { ',' };
        let (short_first, short_last) = short_v6_bounds(*first, *last);
        let _ = writeln!(
            js,
            "  '{short_first}', '{short_last}'{sep} // {} - {}",
            Ipv6Addr::from(*first),
            Ipv6Addr::from(*last)
        );
    }
    js.push_str("];\n");
}

/// The bounds of an IPv6 interval as the generated code writes them: the first address's 32 hex
/// digits without their trailing `0`s, the last address's without their trailing `f`s and with a
/// `g` appended. Against any 32-digit lowercase hex address `x`, `x >= first` and `x <= last`
/// give what they give with the full bounds: a shorter string sorts before every string it
/// starts, and `g` after every hex digit. Saves about 45 bytes an interval (the 10 KB budget).
///
/// ```
/// use ip_filter_cloudfront_function::short_v6_bounds;
/// let first = 0x2400_cb00_u128 << 96;
/// let last = first | ((1u128 << 96) - 1);
/// assert_eq!(short_v6_bounds(first, last), ("2400cb".into(), "2400cb00g".into()));
/// ```
pub fn short_v6_bounds(first: u128, last: u128) -> (String, String) {
    let first = format!("{first:032x}");
    let last = format!("{last:032x}");
    (
        first.trim_end_matches('0').to_owned(),
        format!("{}g", last.trim_end_matches('f')),
    )
}

/// `TITLE` and `BODY`: the core's 403 problem, as JSON string literals (which are JavaScript
/// string literals); and `XFH`, the header a passing request gets the viewer's host in.
fn write_problem(js: &mut String) {
    let _ = writeln!(js, "var XFH = {};", js_string(forwarded_host::HEADER));
    let problem = forbidden_problem();
    let _ = writeln!(js, "var TITLE = {};", js_string(problem.title()));
    let _ = writeln!(js, "var BODY = {};", js_string(&problem.to_json()));
}

/// `text` as a JavaScript string literal.
fn js_string(text: &str) -> String {
    serde_json::to_string(text).expect("string serializes")
}

/// `js` and its sidecar (`secret_header` checked, the store read or not), unless it is over
/// CloudFront's size limit.
fn within_limit(
    js: String,
    secret_header: Option<&str>,
    reads_kvs: bool,
) -> Result<Function, GenerateError> {
    if js.len() > MAX_BYTES {
        return Err(TooLarge { size: js.len() }.into());
    }
    let sidecar = Sidecar::of(&js, secret_header, reads_kvs);
    Ok(Function { code: js, sidecar })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ip_filter_core::{Config, IpFilter};

    #[test]
    fn default_function_is_small_and_carries_every_interval() {
        let filter = IpFilter::from_config_json("{}").unwrap();
        let js = generate(filter.ranges(), &[("test", "t")]).unwrap().code;
        assert!(js.len() < MAX_BYTES / 2, "{} bytes", js.len());
        // 104.16.0.0/13 and 104.24.0.0/14 are adjacent: merged into one interval.
        assert!(js.contains("1745879040, 1746665471"), "{js}");
        assert!(js.contains("'2a0698c', '2a0698c7g', // 2a06:98c0:: - 2a06:98c7:ffff:"));
        assert!(js.contains("function handler(event)"));
    }

    #[test]
    fn refuses_to_exceed_the_size_limit() {
        let extras: Vec<String> = (0..1000)
            .map(|i| format!("10.{}.{}.0/24", i / 128, (i % 128) * 2))
            .collect();
        let config = Config::with_extra_cidrs(extras.iter().map(String::as_str)).unwrap();
        let ranges = config.range_set().unwrap();
        assert!(matches!(
            generate(&ranges, &[]),
            Err(GenerateError::TooLarge(TooLarge { size })) if size > MAX_BYTES
        ));
    }

    /// What generating with `etag` as the snapshot etag gives.
    fn with_etag(etag: &str) -> Result<String, GenerateError> {
        let ranges = IpFilter::from_config_json("{}").unwrap().ranges().clone();
        generate(
            &ranges,
            &[("snapshot date", "2026-11-23"), ("snapshot etag", etag)],
        )
        .map(|f| f.code)
    }

    fn refused_field(result: Result<String, GenerateError>) -> Option<&'static str> {
        match result {
            Err(GenerateError::Provenance(
                ProvenanceError::NotPrintableAscii { field, .. }
                | ProvenanceError::ClosesComment { field },
            )) => Some(field),
            _ => None,
        }
    }

    // Each payload would, if written, end the comment and make `var V4` cover every address.
    const OPEN_EVERYTHING: &str = "var V4 = [0, 4294967295];";

    #[test]
    fn provenance_with_a_line_separator_is_refused() {
        let etag = format!("x\u{2028}{OPEN_EVERYTHING}");
        assert_eq!(refused_field(with_etag(&etag)), Some("snapshot etag"));
    }

    #[test]
    fn provenance_with_a_paragraph_separator_is_refused() {
        let etag = format!("x\u{2029}{OPEN_EVERYTHING}");
        assert_eq!(refused_field(with_etag(&etag)), Some("snapshot etag"));
    }

    #[test]
    fn provenance_with_a_newline_is_refused() {
        let etag = format!("x\n{OPEN_EVERYTHING}");
        assert_eq!(refused_field(with_etag(&etag)), Some("snapshot etag"));
    }

    #[test]
    fn provenance_with_a_comment_close_is_refused() {
        let etag = format!("x */ {OPEN_EVERYTHING} /*");
        assert_eq!(refused_field(with_etag(&etag)), Some("snapshot etag"));
    }

    #[test]
    fn provenance_with_non_ascii_is_refused() {
        assert_eq!(refused_field(with_etag("caf\u{e9}")), Some("snapshot etag"));
    }

    #[test]
    fn printable_provenance_is_written_as_comment_lines() {
        let js = with_etag("38f79d050aa027e3be3865e495dcc9bc").unwrap();
        assert!(js.contains(
            "\n// snapshot date: 2026-11-23\n// snapshot etag: 38f79d050aa027e3be3865e495dcc9bc\n"
        ));
        assert!(js.is_ascii());
    }
}
