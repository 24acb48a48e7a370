//! The origin secret's Secrets Manager rotation Lambda: one job, rotate the secret Cloudflare's
//! rule sends with no moment at which the edge refuses what Cloudflare sends.
//!
//! Secrets Manager calls it four times per rotation, with `{SecretId, ClientRequestToken, Step}`
//! ([`event`]); every step first checks (DescribeSecret) that rotation is enabled and the
//! token's version is staged AWSPENDING, and is harmless to repeat ([`rotation`]):
//!
//! - **createSecret**: a new secret ([`secret`], by `ip_filter_core::origin_secret`'s rules) put
//!   as `{"current": <new>}` with stage AWSPENDING, unless the version already has a value.
//! - **setSecret**: the KeyValueStore's `origin-secrets` = the hashes of AWSCURRENT's secrets and
//!   AWSPENDING's (range-sync's one writer, `range_sync::sync::sync_secrets`: never `ranges:*`),
//!   then Cloudflare's rule sends the new secret.
//! - **testSecret**: the rule reads back the new value and `GET TEST_URL` answers 2xx within
//!   `TEST_ATTEMPTS` ([`probe`]); on failure the rule is put back to the old value.
//! - **finishSecret**: AWSCURRENT moves to the new version (AWSPENDING removed), then
//!   `origin-secrets` = AWSCURRENT's hashes only.
//!
//! A failing step returns an error (Lambda's `Errors` metric, the alarm) and leaves the old secret
//! admitted: its hash stays in the store until finishSecret. Each step logs one JSON line
//! ([`log`]) without the secret or the Cloudflare token. Configuration: [`config`].

pub mod config;
pub mod event;
pub mod log;
pub mod probe;
pub mod rotation;
pub mod secret;
pub mod secrets;

pub use config::Config;
pub use rotation::Rotation;
