//! When a Cloudflare call is sent again: the project's one retry rule, `oac_client::retry`
//! (transient statuses 429, 500, 502, 503, 504; full-jitter exponential backoff never shorter
//! than `Retry-After`; bounded in attempts and total time), with a budget sized for Cloudflare's
//! rate limiting. Other 4xx answers are final. The transport does the sleeping.
//!
//! Every method is retried, `POST` included: a 429 was refused before any work, and a repeated
//! create after a 5xx meets Cloudflare's own refusal of a second record on a name or a second
//! rule with one `ref` rather than doing the work twice.
//!
//! ```
//! use std::time::Duration;
//! let policy = cloudflare_api::retry::cloudflare_policy();
//! let wait = policy.next_delay(1, Duration::ZERO, Some(Duration::from_secs(2)), 0.5).unwrap();
//! assert!(wait >= Duration::from_secs(2));
//! assert_eq!(policy.next_delay(policy.max_attempts, Duration::ZERO, None, 0.5), None);
//! assert!(cloudflare_api::retry::is_retryable(429) && !cloudflare_api::retry::is_retryable(403));
//! ```

use std::time::Duration;

pub use oac_client::retry::{RetryPolicy, retry_after};

/// The default for Cloudflare: 5 attempts, 1 s doubling to at most 16 s, within 60 s (a
/// `Retry-After` that ends later gives up at once).
pub fn cloudflare_policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        base_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(16),
        max_total: Duration::from_secs(60),
    }
}

/// Whether an answer with `status` may be retried (429 and the transient 5xx).
pub fn is_retryable(status: u16) -> bool {
    oac_client::retry::is_transient_status(status)
}
