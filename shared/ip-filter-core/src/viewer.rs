//! The pure viewer-request core: an address inside the ranges passes, with the viewer's host in
//! `x-forwarded-host` ([`crate::forwarded_host`]) and nothing else changed; anything else gets a
//! generated 403 `application/problem+json` (a viewer-request response is not cached, and it
//! carries `cache-control: no-store` anyway), the request unchanged.
//!
//! Only the address CloudFront saw is judged (`clientIp` / `event.viewer.ip`). Headers such as
//! `CF-Connecting-IP` or `X-Forwarded-For` are whatever the caller chose to send and are never
//! read here; `Host` is read only once the address passed, to be copied.

use cloudfront_event::{Decision, HeaderLookup, Outcome, Reason, Response};
use problem_details::Problem;

use crate::forwarded_host;
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

/// Decides a viewer request from the address CloudFront saw, reading its headers (through
/// `read`, given the names wanted: `host`) only when the address passes. A read error (say, a
/// malformed event) is returned as is: nothing is forwarded unjudged.
///
/// ```
/// use std::convert::Infallible;
/// use cloudfront_event::{HeaderEdit, Headers, Outcome};
/// use ip_filter_core::IpFilter;
/// let filter = IpFilter::from_config_json("{}").unwrap();
/// let unread = |_: &[&str]| -> Result<Headers, &str> { Err("headers read") };
/// assert!(matches!(filter.judge("203.0.113.9", unread), Ok(d) if matches!(d.outcome, Outcome::Respond(_))));
/// let none = filter.judge("162.158.1.1", |_| Ok::<_, Infallible>(Headers::default())).unwrap();
/// assert_eq!(none.outcome, Outcome::Forward(vec![HeaderEdit::Remove { name: "x-forwarded-host".into() }]));
/// ```
pub fn decide_address<'n, H: HeaderLookup, E>(
    client_ip: &str,
    ranges: &RangeSet,
    read: impl FnOnce(&[&'n str]) -> Result<H, E>,
) -> Result<Decision, E> {
    if !ranges.is_allowed(client_ip) {
        return Ok(forbidden(Reason::NotFromCloudflare));
    }
    let headers = read(&[forwarded_host::HOST])?;
    Ok(Decision::new(
        Outcome::Forward(vec![forwarded_host::edit(&headers)]),
        Reason::FromCloudflare,
    ))
}

/// The one 403 every rejection gets, whatever `reason` the log line gives.
pub fn forbidden(reason: Reason) -> Decision {
    Decision::new(
        Outcome::Respond(Response::problem(&forbidden_problem())),
        reason,
    )
}
