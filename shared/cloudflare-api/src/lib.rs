//! A Cloudflare v4 API client for exactly what oac-kit touches, and nothing else: a zone's DNS
//! records, its `ssl` setting, per-hostname Authenticated Origin Pulls, and oac-kit's one rule in the zone's
//! `http_request_late_transform` phase entrypoint (the rule that adds the origin secret header).
//!
//! - **Envelope** ([`envelope`]): every answer is `{success, errors, messages, result,
//!   result_info}`; `success: false` or a non-2xx status becomes [`Error::Cloudflare`] with the
//!   `errors[]` codes and messages, which is what a CloudFormation failure reason shows.
//! - **Pagination**: [`Client::dns_records`] follows `result_info.total_pages`.
//! - **Retries** ([`retry`]): the project's one retry rule (`oac_client::retry`): 429 and the
//!   transient 5xx, full-jitter exponential backoff never shorter than `Retry-After`, bounded in
//!   attempts and total time; other 4xx are answered at once.
//! - **Transport** ([`transport`]): bearer token, `https://` only, or `http://` to loopback
//!   (the project's one rule, [`oac_client::is_loopback`]); timeouts, a body cap, no redirects,
//!   no proxy from the environment.
//! - **Per-hostname Authenticated Origin Pulls** ([`aop`]): the client certificates Cloudflare
//!   presents to the origin, uploaded (with a [`PrivateKeyPem`] that never prints), listed,
//!   deleted, and the hostnames pointed at them.
//! - **The rule** ([`rule`]): found by its `ref`; created, patched or deleted by its id, so the
//!   user's own rules in the phase are never replaced, reordered or dropped. A missing
//!   entrypoint is created with only our rule.
//! - **Secrets**: the token ([`ApiToken`]), a certificate's private key and the rule's header
//!   value never appear in an [`Error`] or a `Debug` string.
//!
//! Input is checked before any request ([`ids`]): zone ids, record ids, hostnames, the rule's
//! ref and header name; a bad one is an [`Error::Invalid`].
//!
//! Its tests run against `cloudflare-standin` over loopback HTTP.

pub mod aop;
mod client;
mod dns;
pub mod envelope;
mod error;
pub mod ids;
pub mod retry;
pub mod rule;
mod ssl;
mod token;
pub mod transport;

pub use aop::{
    HostnameAop, HostnameAopConfig, HostnameCertificate, MAX_HOSTNAME_CERTIFICATES,
    MAX_HOSTNAMES_PER_CERTIFICATE, PrivateKeyPem,
};
pub use client::Client;
pub use dns::{DnsRecord, NewDnsRecord, check_record_name};
pub use error::{ApiMessage, Error};
pub use ids::ZoneId;
pub use retry::RetryPolicy;
pub use rule::OriginSecretRule;
pub use ssl::SSL_MODES;
pub use token::ApiToken;

/// Cloudflare's API base.
pub const DEFAULT_API_BASE: &str = "https://api.cloudflare.com/client/v4";
