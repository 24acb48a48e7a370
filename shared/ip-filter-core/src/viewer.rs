//! The pure viewer-request core: an address inside the ranges passes unchanged; anything else
//! gets a generated 403 `application/problem+json` (a viewer-request response is not cached, and
//! it carries `cache-control: no-store` anyway).
//!
//! Only the address CloudFront saw is judged (`clientIp` / `event.viewer.ip`). Headers such as
//! `CF-Connecting-IP` or `X-Forwarded-For` are whatever the caller chose to send and are never
//! read here.

use cloudfront_event::{Decision, Outcome, Reason, Response};
use problem_details::Problem;

use crate::matcher::RangeSet;

/// Problem type slug of the rejection: `urn:oac-kit:problem:not-from-cloudflare`.
pub const FORBIDDEN_SLUG: &str = "not-from-cloudflare";

/// The problem every rejected request gets. It is the same for every address (nothing about the
/// request is echoed), so the generated CloudFront Function can carry it as a constant.
///
/// ```
/// let p = ip_filter_core::forbidden_problem();
/// assert_eq!(p.status(), 403);
/// assert_eq!(p.type_uri(), "urn:oac-kit:problem:not-from-cloudflare");
/// ```
pub fn forbidden_problem() -> Problem {
    Problem::new(FORBIDDEN_SLUG, "Forbidden", 403)
        .with_detail("This endpoint only accepts requests that come through Cloudflare.")
}

/// Decides a viewer request from the address CloudFront saw.
///
/// ```
/// use cloudfront_event::Outcome;
/// use ip_filter_core::IpFilter;
/// let filter = IpFilter::from_config_json("{}").unwrap();
/// assert_eq!(filter.decide("162.158.1.1"), Outcome::forward_unchanged());
/// assert!(matches!(filter.decide("203.0.113.9"), Outcome::Respond(r) if r.status == "403"));
/// ```
pub fn decide(client_ip: &str, ranges: &RangeSet) -> Outcome {
    decide_address(client_ip, ranges).outcome
}

/// [`decide`], with the reason an adapter logs (`from-cloudflare` or `not-from-cloudflare`).
pub fn decide_address(client_ip: &str, ranges: &RangeSet) -> Decision {
    if ranges.is_allowed(client_ip) {
        Decision::new(Outcome::forward_unchanged(), Reason::FromCloudflare)
    } else {
        forbidden(Reason::NotFromCloudflare)
    }
}

/// The one 403 every rejection gets, whatever `reason` the log line gives.
pub fn forbidden(reason: Reason) -> Decision {
    Decision::new(
        Outcome::Respond(Response::problem(&forbidden_problem())),
        reason,
    )
}
