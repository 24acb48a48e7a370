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
//!    32-digit lowercase hex strings, which compare like the numbers they spell);
//! 4. allowed: `event.request` is returned unchanged; otherwise a 403 with the core's problem+json
//!    body, `content-type: application/problem+json` and `cache-control: no-store`.
//!
//! The Node tests run the generated file on CloudFront Functions events and check it agrees with
//! the Rust matcher (the N-API addon) and with Python's `ipaddress` on every range boundary.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::matcher::RangeSet;
use crate::provenance::{ProvenanceError, check_field};
use crate::viewer::forbidden_problem;

/// CloudFront's limit on a function's code size.
pub const MAX_BYTES: usize = 10 * 1024;

/// Why the function was not generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    /// Over CloudFront's size limit.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
    /// A provenance field that could break out of its comment (see [`crate::provenance`]).
    #[error(transparent)]
    Provenance(#[from] ProvenanceError),
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

const LOGIC: &str = r#"
function v4(s) {
  var p = s.split('.');
  if (p.length !== 4) return -1;
  var n = 0;
  for (var i = 0; i < 4; i++) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p[i]) || +p[i] > 255) return -1;
    n = n * 256 + +p[i];
  }
  return n;
}

function hex4(n) {
  return ('000' + n.toString(16)).slice(-4);
}

// Appends the groups of s (4 lowercase hex digits each) to out; an IPv4 tail only if last.
function groups(s, out, last) {
  if (s === '') return true;
  var p = s.split(':');
  for (var i = 0; i < p.length; i++) {
    if (last && i === p.length - 1 && p[i].indexOf('.') >= 0) {
      var n = v4(p[i]);
      if (n < 0) return false;
      out.push(hex4(Math.floor(n / 65536)), hex4(n % 65536));
    } else if (/^[0-9a-fA-F]{1,4}$/.test(p[i])) {
      out.push(('000' + p[i].toLowerCase()).slice(-4));
    } else {
      return false;
    }
  }
  return true;
}

// The address as 32 lowercase hex digits, or '' when s is not an IPv6 address.
function v6(s) {
  var d = s.indexOf('::');
  var head = [];
  var tail = [];
  if (d < 0) {
    if (!groups(s, head, true) || head.length !== 8) return '';
  } else {
    // A second '::' leaves an empty group in the tail, which groups() refuses.
    if (!groups(s.slice(0, d), head, false) || !groups(s.slice(d + 2), tail, true)) return '';
    if (head.length + tail.length > 7) return '';
    while (head.length + tail.length < 8) head.push('0000');
  }
  return head.concat(tail).join('');
}

function inV4(n) {
  for (var i = 0; i < V4.length; i += 2) {
    if (n >= V4[i] && n <= V4[i + 1]) return true;
  }
  return false;
}

function inV6(h) {
  for (var i = 0; i < V6.length; i += 2) {
    if (h >= V6[i] && h <= V6[i + 1]) return true;
  }
  return false;
}

function allowed(ip) {
  if (typeof ip !== 'string') return false;
  var n = v4(ip);
  if (n >= 0) return inV4(n);
  var h = v6(ip);
  if (h === '') return false;
  if (h.slice(0, 24) === '00000000000000000000ffff') return inV4(parseInt(h.slice(24), 16));
  return inV6(h);
}

function handler(event) {
  if (event.viewer && allowed(event.viewer.ip)) return event.request;
  return {
    statusCode: 403,
    statusDescription: TITLE,
    headers: {
      'content-type': { value: 'application/problem+json' },
      'cache-control': { value: 'no-store' }
    },
    body: { encoding: 'text', data: BODY }
  };
}
"#;

/// Generates the CloudFront Function for `ranges`. `provenance` (field name and value, e.g. the
/// snapshot's date, etag and source) goes into the header comment, one `// name: value` line a
/// field; a value that is not printable ASCII or contains `*/` is refused with an error naming
/// the field, so nothing but the intended comment is ever written.
///
/// ```
/// use ip_filter_core::{IpFilter, cloudfront_function};
/// let filter = IpFilter::from_config_json("{}").unwrap();
/// let js = cloudfront_function::generate(filter.ranges(), &[("snapshot etag", "e1")]).unwrap();
/// assert!(js.contains("// snapshot etag: e1\n"));
/// assert!(js.len() <= cloudfront_function::MAX_BYTES);
/// assert!(cloudfront_function::generate(filter.ranges(), &[("snapshot etag", "e\u{2028}")]).is_err());
/// ```
pub fn generate(
    ranges: &RangeSet,
    provenance: &[(&'static str, &str)],
) -> Result<String, GenerateError> {
    for (field, value) in provenance {
        check_field(field, value)?;
    }
    let problem = forbidden_problem();
    let mut js = String::new();
    js.push_str(
        "// oac-kit ip-filter: CloudFront Function (cloudfront-js-2.0) for viewer-request.\n\
         // Generated by `cargo xtask cloudfront-function` from shared/ip-filter-core; do not edit.\n",
    );
    for (field, value) in provenance {
        let _ = writeln!(js, "// {field}: {value}");
    }
    js.push_str(
        "// Passes event.request unchanged when event.viewer.ip is in the ranges; anything else,\n\
         // unparsable included, gets the 403 problem+json of the Rust core.\n",
    );
    // One interval a line, with its dotted / colon form as a comment, so a reviewer can read
    // the table against ranges.json.
    js.push_str("var V4 = [\n");
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
    js.push_str("];\nvar V6 = [\n");
    let v6 = ranges.v6_intervals();
    for (i, (first, last)) in v6.iter().enumerate() {
        let sep = if i + 1 == v6.len() { ' ' } else { ',' };
        let _ = writeln!(
            js,
            "  '{first:032x}', '{last:032x}'{sep} // {} - {}",
            Ipv6Addr::from(*first),
            Ipv6Addr::from(*last)
        );
    }
    js.push_str("];\n");
    // JSON string literals are JavaScript string literals.
    let _ = writeln!(
        js,
        "var TITLE = {};",
        serde_json::to_string(problem.title()).expect("string serializes")
    );
    let _ = writeln!(
        js,
        "var BODY = {};",
        serde_json::to_string(&problem.to_json()).expect("string serializes")
    );
    js.push_str(LOGIC);
    if js.len() > MAX_BYTES {
        return Err(TooLarge { size: js.len() }.into());
    }
    Ok(js)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, IpFilter};

    #[test]
    fn default_function_is_small_and_carries_every_interval() {
        let filter = IpFilter::from_config_json("{}").unwrap();
        let js = generate(filter.ranges(), &[("test", "t")]).unwrap();
        assert!(js.len() < MAX_BYTES / 2, "{} bytes", js.len());
        // 104.16.0.0/13 and 104.24.0.0/14 are adjacent: merged into one interval.
        assert!(js.contains("1745879040, 1746665471"), "{js}");
        assert!(
            js.contains("'2a0698c0000000000000000000000000', '2a0698c7ffffffffffffffffffffffff'")
        );
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
