//! The headers CloudFront owns, from "Restrictions on all edge functions", HTTP headers:
//! <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html#function-restrictions-headers>.
//! A Lambda@Edge function that adds or changes one gets a 502 from CloudFront. One table per list
//! of that page, plus the hop-by-hop headers CloudFront does not pass on; OAC's own are in
//! [`crate::oac`].

use crate::oac::SIGNED_BY_OAC;

/// Headers no edge function may add or change, at any trigger.
pub const DISALLOWED: &[&str] = &[
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "trailer",
    "upgrade",
    "x-amzn-auth",
    "x-amzn-cf-billing",
    "x-amzn-cf-id",
    "x-amzn-cf-xff",
    "x-amzn-errortype",
    "x-amzn-fle-profile",
    "x-amzn-header-count",
    "x-amzn-header-order",
    "x-amzn-lambda-integration-tag",
    "x-amzn-requestid",
    "x-cache",
    "x-forwarded-proto",
    "x-real-ip",
];

/// Prefixes of header names no edge function may add or change (`X-Accel-*`, `X-Amz-Cf-*`,
/// `X-Edge-*`).
pub const DISALLOWED_PREFIXES: &[&str] = &["x-accel-", "x-amz-cf-", "x-edge-"];

/// Headers a viewer-request function may read but not change.
pub const READ_ONLY_AT_VIEWER_REQUEST: &[&str] =
    &["content-length", "host", "transfer-encoding", "via"];

/// Headers an origin-request function may read but not change.
pub const READ_ONLY_AT_ORIGIN_REQUEST: &[&str] = &[
    "accept-encoding",
    "content-length",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "transfer-encoding",
    "via",
];

/// Hop-by-hop headers (RFC 9110 §7.6.1 and the legacy `keep-alive`/`proxy-connection`):
/// CloudFront does not pass them on towards the origin.
pub const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Whether an origin-request function in front of OAC must leave the header `lowercase_name`
/// alone: CloudFront refuses the change (disallowed, read-only at origin-request), drops it
/// (hop-by-hop) or OAC overwrites or signs it.
///
/// ```
/// use cloudfront_event::reserved_headers::is_reserved_at_origin_request;
/// assert!(is_reserved_at_origin_request("via"));
/// assert!(is_reserved_at_origin_request("x-amz-cf-id"));
/// assert!(is_reserved_at_origin_request("x-amz-content-sha256"));
/// assert!(!is_reserved_at_origin_request("x-viewer-authorization"));
/// ```
pub fn is_reserved_at_origin_request(lowercase_name: &str) -> bool {
    [
        DISALLOWED,
        READ_ONLY_AT_ORIGIN_REQUEST,
        HOP_BY_HOP,
        SIGNED_BY_OAC,
    ]
    .iter()
    .any(|table| table.contains(&lowercase_name))
        || is_disallowed(lowercase_name)
}

/// The edge function trigger a header rule is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// viewer-request (a CloudFront Function or Lambda@Edge).
    ViewerRequest,
    /// origin-request (Lambda@Edge).
    OriginRequest,
}

/// Why CloudFront refuses an edge function's change to a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditRefusal {
    /// A disallowed header: never exposed to the function, which may not add it.
    Disallowed,
    /// A read-only header at this trigger: the function may not add, change or delete it.
    ReadOnly,
}

/// Whether `lowercase_name` is one of the disallowed headers (a table entry or under a prefix).
pub fn is_disallowed(lowercase_name: &str) -> bool {
    DISALLOWED.contains(&lowercase_name)
        || DISALLOWED_PREFIXES
            .iter()
            .any(|prefix| lowercase_name.starts_with(prefix))
}

/// What CloudFront says to an edge function at `trigger` that adds, changes or deletes the
/// header `lowercase_name`: `None` when it may, else why not (CloudFront answers the viewer 502).
///
/// ```
/// use cloudfront_event::reserved_headers::{EditRefusal, Trigger, edit_refusal};
/// assert_eq!(edit_refusal(Trigger::ViewerRequest, "host"), Some(EditRefusal::ReadOnly));
/// assert_eq!(edit_refusal(Trigger::OriginRequest, "host"), None);
/// assert_eq!(edit_refusal(Trigger::ViewerRequest, "x-amz-cf-id"), Some(EditRefusal::Disallowed));
/// assert_eq!(edit_refusal(Trigger::ViewerRequest, "x-origin-secret"), None);
/// ```
pub fn edit_refusal(trigger: Trigger, lowercase_name: &str) -> Option<EditRefusal> {
    let read_only = match trigger {
        Trigger::ViewerRequest => READ_ONLY_AT_VIEWER_REQUEST,
        Trigger::OriginRequest => READ_ONLY_AT_ORIGIN_REQUEST,
    };
    if is_disallowed(lowercase_name) {
        Some(EditRefusal::Disallowed)
    } else if read_only.contains(&lowercase_name) {
        Some(EditRefusal::ReadOnly)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_entry_is_a_lowercase_header_name() {
        let tables = [
            DISALLOWED,
            DISALLOWED_PREFIXES,
            READ_ONLY_AT_VIEWER_REQUEST,
            READ_ONLY_AT_ORIGIN_REQUEST,
            HOP_BY_HOP,
            SIGNED_BY_OAC,
        ];
        for name in tables.iter().flat_map(|t| t.iter()) {
            assert!(
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{name:?}"
            );
        }
    }

    #[test]
    fn a_header_read_only_at_origin_request_is_reserved() {
        assert!(is_reserved_at_origin_request("if-none-match"));
    }

    #[test]
    fn a_hop_by_hop_header_is_reserved() {
        assert!(is_reserved_at_origin_request("te"));
    }

    #[test]
    fn a_header_under_a_disallowed_prefix_is_reserved() {
        assert!(is_reserved_at_origin_request("x-edge-location"));
    }

    #[test]
    fn a_header_read_only_at_one_trigger_may_be_edited_at_the_other() {
        assert_eq!(
            edit_refusal(Trigger::OriginRequest, "if-none-match"),
            Some(EditRefusal::ReadOnly)
        );
        assert_eq!(edit_refusal(Trigger::ViewerRequest, "if-none-match"), None);
    }

    #[test]
    fn a_disallowed_header_is_refused_at_every_trigger() {
        for trigger in [Trigger::ViewerRequest, Trigger::OriginRequest] {
            assert_eq!(
                edit_refusal(trigger, "x-edge-origin-shield"),
                Some(EditRefusal::Disallowed)
            );
            assert_eq!(
                edit_refusal(trigger, "connection"),
                Some(EditRefusal::Disallowed)
            );
        }
    }

    #[test]
    fn an_ordinary_header_is_not_reserved() {
        assert!(!is_reserved_at_origin_request("x-request-origin"));
    }
}
