//! The viewer's host for the origin: a request the viewer filter lets through goes on with
//! `x-forwarded-host` set to the `Host` CloudFront gave the function, so an application behind
//! the origin request policy `AllViewerExceptHostHeader` (which replaces `Host` with the Function
//! URL's) can still build absolute URLs for the name the viewer called.
//!
//! The viewer never chooses the value: every `x-forwarded-host` entry it sent (one or many, any
//! spelling of the name — CloudFront keys headers in lowercase) is replaced, never merged. The
//! `Host` value is copied exactly as CloudFront gives it (no lowercasing, a port kept). A request
//! without exactly one non-empty `Host` entry gets no `x-forwarded-host` at all. Both edge
//! variants apply this rule: the Rust core here (Lambda@Edge) and the generated CloudFront
//! Functions (`fwd` in `shared/ip-filter-cloudfront-function/src/js/address.js`), held to the
//! same cases by the Node tests.
//!
//! ```
//! use cloudfront_event::{HeaderEdit, HeaderEntry, Headers};
//! use ip_filter_core::forwarded_host::edit;
//! let mut headers = Headers::default();
//! headers.0.insert("host".into(), vec![HeaderEntry::new("Host", "API.example.com:443")]);
//! headers.0.insert("x-forwarded-host".into(), vec![HeaderEntry::new("X-Forwarded-Host", "evil.example")]);
//! let set = HeaderEdit::Set {
//!     name: "x-forwarded-host".into(),
//!     entries: vec![("X-Forwarded-Host".into(), "API.example.com:443".into())],
//! };
//! assert_eq!(edit(&headers), set);
//! ```

use cloudfront_event::{HeaderEdit, HeaderLookup};

/// The header set on a passing request (lowercase, as CloudFront keys it).
pub const HEADER: &str = "x-forwarded-host";
/// The spelling of [`HEADER`] the edit writes as the entry's `key`.
pub const KEY: &str = "X-Forwarded-Host";
/// The header whose value is copied: the viewer's `Host` as CloudFront gives it.
pub const HOST: &str = "host";

/// The edit a passing request gets: [`HEADER`] set to the one `Host` value, replacing every
/// entry the viewer sent; removed when `Host` is missing, empty or repeated. Reads `Host` only.
pub fn edit(headers: &impl HeaderLookup) -> HeaderEdit {
    let values = headers.values(HOST);
    if let (1, Some(host)) = (headers.count(HOST), values.first())
        && !host.is_empty()
    {
        return HeaderEdit::Set {
            name: HEADER.to_owned(),
            entries: vec![(KEY.to_owned(), host.to_string())],
        };
    }
    HeaderEdit::Remove {
        name: HEADER.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use cloudfront_event::reserved_headers::{EditRefusal, Trigger, edit_refusal};
    use cloudfront_event::{HeaderEntry, Headers};

    use super::*;

    fn headers(entries: &[(&str, &str)]) -> Headers {
        let mut headers = Headers::default();
        for (key, value) in entries {
            let name = key.to_ascii_lowercase();
            headers
                .0
                .entry(name)
                .or_default()
                .push(HeaderEntry::new(*key, *value));
        }
        headers
    }

    fn set(value: &str) -> HeaderEdit {
        HeaderEdit::Set {
            name: HEADER.into(),
            entries: vec![(KEY.into(), value.into())],
        }
    }

    fn removed() -> HeaderEdit {
        HeaderEdit::Remove {
            name: HEADER.into(),
        }
    }

    #[test]
    fn cloudfront_lets_a_viewer_request_function_set_it_and_keeps_host_read_only() {
        assert_eq!(edit_refusal(Trigger::ViewerRequest, HEADER), None);
        assert_eq!(
            edit_refusal(Trigger::ViewerRequest, HOST),
            Some(EditRefusal::ReadOnly)
        );
    }

    #[test]
    fn the_host_is_copied() {
        assert_eq!(
            edit(&headers(&[("Host", "api.example.com")])),
            set("api.example.com")
        );
    }

    #[test]
    fn a_host_with_a_port_or_uppercase_is_copied_as_given() {
        for host in [
            "api.example.com:8443",
            "API.Example.COM",
            "[2001:db8::1]:443",
        ] {
            assert_eq!(edit(&headers(&[("host", host)])), set(host), "{host}");
        }
    }

    #[test]
    fn one_forged_entry_is_replaced() {
        let h = headers(&[
            ("Host", "api.example.com"),
            ("X-Forwarded-Host", "evil.example"),
        ]);
        assert_eq!(edit(&h), set("api.example.com"));
    }

    #[test]
    fn many_forged_entries_in_any_case_are_replaced_not_merged() {
        let h = headers(&[
            ("x-forwarded-host", "evil.example"),
            ("X-FORWARDED-HOST", "evil2.example"),
            ("X-Forwarded-Host", "api.example.com"),
            ("Host", "api.example.com"),
        ]);
        assert_eq!(h.count(HEADER), 3);
        assert_eq!(edit(&h), set("api.example.com"));
    }

    #[test]
    fn without_one_host_a_forged_value_is_removed() {
        let forged = ("X-Forwarded-Host", "evil.example");
        for h in [
            headers(&[forged]),
            headers(&[forged, ("Host", "")]),
            headers(&[forged, ("Host", "a.example"), ("host", "b.example")]),
        ] {
            assert_eq!(edit(&h), removed());
        }
    }
}
