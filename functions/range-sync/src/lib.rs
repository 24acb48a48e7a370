//! The range-sync Lambda: on a schedule, keeps the CloudFront KeyValueStore the viewer filter
//! reads current — Cloudflare's ranges (`ranges:*`, `ranges:meta`) and the origin secrets' hashes
//! (`origin-secrets`), in the layout of `ip_filter_core::kvs_layout`.
//!
//! Per run: fetch `GET <CLOUDFLARE_API_BASE>/client/v4/ips` with the hardened fetch
//! `cargo xtask cloudflare-ips` uses ([`cloudflare_ranges::fetch`]); read the secret
//! `ORIGIN_SECRET_ID`, its AWSCURRENT and (mid-rotation) AWSPENDING ([`secrets`],
//! [`secret_string`]); read the store (DescribeKeyValueStore for the ETag, then ListKeys);
//! [`plan`] (pure: the ranges and `origin-secrets` each on its own, so a refused or unreachable
//! list never keeps a revoked secret in the store); apply the batch with one `UpdateKeys` and
//! `If-Match`, only when something changed, re-reading and re-planning on a conflict ([`sync`]);
//! log one line that is also the metrics ([`report`]). A part refused or failed is not written
//! and the run returns an error naming it.
//!
//! The rotation Lambda (`origin-secret-rotation`) writes `origin-secrets` through the same code:
//! [`sync::sync_secrets`] with an [`kvs::SdkStore`].
//!
//! Configuration: the environment variables of [`config`]. Metrics: namespace
//! `OacKit/RangeSync`, no dimensions, `SyncSucceeded`, `SyncFailed`, `RangesChanged` (Count, 0 or
//! 1 per run).

pub mod config;
pub mod kvs;
pub mod plan;
pub mod plan_ranges;
pub mod report;
pub mod run;
/// The SecretString's one rule, `ip_filter_core::origin_secret_string`.
pub use ip_filter_core::origin_secret_string as secret_string;
pub mod secrets;
pub mod sync;

pub use config::Config;
pub use run::RangeSync;
