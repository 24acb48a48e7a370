//! `X-Fluid-Identity`: a caller proves who it is with a presigned STS `GetCallerIdentity` URL.
//!
//! - `presign` (feature `sign`) — the signer (pure: credentials and time are values).
//! - [`check_audience`] / [`Audience`] — the one rule for `x-fluid-audience` values.
//! - [`validate`] — the pure verifier step: every rule that can be checked without a network call.
//! - [`Verifier`] — validate, then one pinned GET to STS through an [`StsClient`], strict
//!   [`response`] parsing, ARN/account consistency, [`Principal`] normalization, O(1) LRU caches
//!   (admitted identities; final refusals, briefly) keyed by the SHA-256 of the header value,
//!   single-flight and a cap on concurrent STS calls.
//! - [`Allowlist`] — exact ARNs and `*` wildcards grouped into named roles; [`Gate`] combines both;
//!   [`LazyGate`] builds one off the start-up path, failing closed.
//! - [`axum`] — an extractor yielding [`Authorized`]; rejections are RFC 9457 problem+json.
//!
//! The design background and threat model are in `docs/identity.md`.

mod audience;
#[cfg(feature = "axum")]
pub mod axum;
mod cache;
mod error;
mod gate;
mod hosts;
mod lazy_gate;
mod pattern;
mod pattern_error;
mod principal;
mod query_params;
pub mod response;
#[cfg(feature = "sign")]
mod sign;
mod sts;
mod uri_encoding;
mod validate;
mod verify;

pub use audience::{Audience, AudienceError, MAX_AUDIENCE_LEN, check_audience};
pub use error::{ConfigError, RETRY_AFTER_SECS, Rejection};
pub use gate::{Authenticate, Authorized, BoxFuture, Gate};
pub use hosts::{
    AWS_CN_REGIONS, AWS_REGIONS, AWS_US_GOV_REGIONS, FIPS_REGIONS, HostAllowlist, Partition,
    StsHost,
};
pub use lazy_gate::LazyGate;
pub use pattern::AllowlistPolicy;
pub use pattern_error::{PatternError, PatternRule};
pub use principal::{Allowlist, Principal, PrincipalKind};
pub use response::CallerIdentity;
#[cfg(feature = "sign")]
pub use sign::{DEFAULT_EXPIRY, SignError, presign, sts_host_for_region};
#[cfg(feature = "http-client")]
pub use sts::HttpStsClient;
pub use sts::{DEFAULT_MAX_RESPONSE_BYTES, FetchError, OutboundRequest, StsClient, StsResponse};
pub use validate::{
    DEFAULT_FUTURE_SKEW, DEFAULT_MAX_EXPIRY, DEFAULT_MAX_HEADER_LEN, ValidatedRequest,
    ValidationPolicy, validate,
};
pub use verify::{VerifiedIdentity, Verifier, VerifierConfig};

/// The request header carrying the presigned URL.
pub const HEADER: &str = "x-fluid-identity";

/// The signed header binding a value to one service (the audience).
pub const AUDIENCE_HEADER: &str = "x-fluid-audience";
