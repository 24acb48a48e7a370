//! Governance of Cloudflare's published IP ranges: which list may be trusted, before anything
//! matches an address against it.
//!
//! Whoever answers for `api.cloudflare.com` decides who may reach the origin, so every list is
//! held to the same rules wherever it comes from (the checked-in snapshot, a fresh API answer,
//! the store the range-sync Lambda writes):
//!
//! - [`Snapshot`]: the checked-in `ranges.json` (source, date, etag, IPv4 and IPv6 lists);
//! - [`parse`]: Cloudflare's JSON API (`/client/v4/ips`) and the plain `ips-v4`/`ips-v6` lists,
//!   strictly ([`parse_cidr`]);
//! - [`rules`] and [`special_purpose`]: what every range list must meet before it is written or
//!   embedded (prefix lengths, no special-purpose blocks, no duplicates or nesting);
//! - [`refresh`] and [`guards`]: validating a fresh API answer (the size guards against the
//!   reviewed snapshot and the last list, the diff);
//! - [`provenance`]: the printable-ASCII rule for provenance written into generated code;
//! - `fetch` (feature `fetch`): the hardened HTTP fetch of the answer, one implementation for
//!   `cargo xtask cloudflare-ips` and the range-sync Lambda; off by default, so the edge bundles
//!   and anything pure never link an HTTP client.
//!
//! Matching addresses against a trusted list is `ip-filter-core`'s job, which depends on this
//! crate (never the reverse).
//!
//! ```
//! let snapshot = cloudflare_ranges::Snapshot::bundled().unwrap();
//! assert!(snapshot.ipv4_cidrs.contains(&"104.16.0.0/13".to_owned()));
//! assert!(cloudflare_ranges::parse_cidr("104.16.0.0/33").is_err());
//! ```

#[cfg(feature = "fetch")]
pub mod fetch;
#[cfg(test)]
mod fetch_tests;
pub mod guards;
pub mod parse;
pub mod provenance;
pub mod refresh;
pub mod rules;
mod snapshot;
pub mod special_purpose;
#[cfg(feature = "testing")]
pub mod test_server;

pub use parse::{ApiRanges, ParseError, parse_cidr};
pub use snapshot::{SNAPSHOT_JSON, Snapshot};
