//! A client for oac-kit APIs, for internal callers.
//!
//! - **Identity**: `X-Fluid-Identity` minted with fluid-identity's signer ([`fluid_identity::presign`])
//!   for the client's audience, with credentials from the standard AWS chain (`aws-config`) or
//!   given; cached per audience and re-minted before expiry — a value is never sent with less
//!   than the re-mint margin (60 s) left. It is never logged ([`IdentityValue`]'s `Debug`
//!   redacts it, the header is marked sensitive).
//! - **Body hash**: `x-amz-content-sha256` ([`content_sha256`]) on every request with a body, so
//!   OAC can sign bodies over the 1 MB CloudFront shows an origin-request function.
//! - **Retries** ([`retry`]): idempotent methods and requests with an `Idempotency-Key`, on 429,
//!   500/502/503/504 and transport failures, with full-jitter exponential backoff honouring
//!   `Retry-After`, bounded in attempts and total time. Never a POST without a key.
//! - **Errors**: RFC 9457 problems as [`Error::Problem`] (the `problem-details` type).
//! - **Response size**: every body is read under a cap
//!   ([`OacClientBuilder::max_response_bytes`], 64 MiB unless set), whole ([`RequestBuilder::send`])
//!   or chunk by chunk as it arrives ([`RequestBuilder::send_streaming`], for server-sent events
//!   and exports): past it, [`Error::ResponseTooLarge`].
//! - **Transport**: `https://` only, or `http://` to loopback ([`is_loopback`]); anything else is
//!   [`Error::PlainHttp`] before an identity is minted. Redirects are never followed, and the
//!   `HTTP(S)_PROXY`/`ALL_PROXY`/`NO_PROXY` variables are ignored unless
//!   [`OacClientBuilder::use_env_proxy`] opts in.
//!
//! Time is injectable ([`Clock`], [`Sleep`]) so re-minting and retries are tested without waiting.

mod body_hash;
mod builder;
mod cap;
mod client;
mod clock;
mod error;
mod identity;
mod request;
mod response;
pub mod retry;
mod stream;
mod transport;

pub use body_hash::{CONTENT_SHA256_HEADER, content_sha256};
pub use builder::{DEFAULT_ATTEMPT_TIMEOUT, OacClientBuilder};
pub use cap::DEFAULT_MAX_RESPONSE_BYTES;
pub use client::OacClient;
pub use clock::{Clock, Sleep, SleepFuture, SystemClock, TokioSleep};
pub use error::{AWS_ERROR_TYPE_HEADER, Error};
pub use identity::{DEFAULT_IDENTITY_LIFETIME, DEFAULT_REMINT_MARGIN, IdentityValue, is_fresh};
pub use problem_details::Problem;
pub use request::{PreparedRequest, RequestBuilder};
pub use response::OacResponse;
pub use retry::RetryPolicy;
pub use stream::OacStream;
pub use transport::is_loopback;
