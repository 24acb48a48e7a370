//! The ip-filter at the edge: given a trusted list of Cloudflare's ranges, decide each viewer
//! request.
//!
//! CloudFront must only be reachable through Cloudflare, or anyone can skip Cloudflare's WAF by
//! calling the distribution directly. The viewer address CloudFront sees (`clientIp` for
//! Lambda@Edge, `event.viewer.ip` for CloudFront Functions) is, behind Cloudflare, a Cloudflare
//! edge address; that is what is checked. `CF-Connecting-IP` / `X-Forwarded-For` are set by the
//! viewer's side and never consulted. Which list may be trusted (the snapshot, the parsers, the
//! range rules, refresh and its guards) is the `cloudflare-ranges` crate's job; this one only
//! matches against a list that crate let through.
//!
//! - [`RangeSet`]: sorted, merged intervals searched by binary search; IPv4-mapped IPv6 is judged
//!   as IPv4 and anything unparsable is rejected;
//! - [`IpFilter`] / [`viewer`]: the pure viewer-request core (forward unchanged or a 403
//!   problem+json), configured with extra CIDRs at build time ([`Config`]);
//! - [`cloudfront_function`]: the same table and verdicts as a `cloudfront-js-2.0` function;
//! - [`kvs_layout`] and [`origin_secret`]: the CloudFront KeyValueStore layout (ranges and the
//!   origin secrets' hashes) and the origin-secret check, shared by the edge and the range sync;
//! - [`kvs_arn`]: the one rule for a KeyValueStore ARN (the edge build, the range sync and, held
//!   to it by a generated case table, the CDK app's synth check);
//! - [`kvs_config`], [`kvs_viewer`], [`kvs_refresh`] and [`kvs_refresh_log`]: the Lambda@Edge
//!   bundle in KVS mode — its `config.json` options, the address-and-secret decision on data
//!   fetched from the store, when to fetch which keys, and the line a failed refresh logs;
//!   `kvs_getkey` (feature `kvs-getkey`) signs the `GetKey` call.
//!
//! ```
//! let filter = ip_filter_core::IpFilter::from_config_json("{}").unwrap();
//! assert!(filter.is_allowed("104.16.0.1"));
//! assert!(filter.is_allowed("::ffff:104.16.0.1"));
//! assert!(!filter.is_allowed("203.0.113.9"));
//! assert!(!filter.is_allowed("not an address"));
//! ```

pub mod cloudfront_function;
mod config;
#[cfg(test)]
mod decision_tests;
pub mod kvs_arn;
pub mod kvs_config;
#[cfg(feature = "kvs-getkey")]
pub mod kvs_getkey;
pub mod kvs_layout;
pub mod kvs_refresh;
pub mod kvs_refresh_log;
pub mod kvs_viewer;
mod matcher;
pub mod origin_secret;
pub mod viewer;

pub use config::{Config, ConfigError, IpFilter};
pub use matcher::RangeSet;
pub use viewer::forbidden_problem;
