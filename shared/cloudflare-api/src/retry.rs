//! When to send a request again: only after a 429 or a 5xx, with exponential backoff and full
//! jitter, never sooner than `Retry-After` says, and within a bound on attempts and total time.
//! Other 4xx answers are final. Pure: the transport does the sleeping.
//!
//! ```
//! use std::time::Duration;
//! use cloudflare_api::retry::{RetryPolicy, is_retryable};
//! assert!(is_retryable(429) && is_retryable(503) && !is_retryable(403));
//! let policy = RetryPolicy::default();
//! let wait = policy.delay(1, Some(Duration::from_secs(2)), Duration::ZERO).unwrap();
//! assert!(wait >= Duration::from_secs(2));
//! assert_eq!(policy.delay(policy.max_attempts, None, Duration::ZERO), None);
//! ```

use std::time::Duration;

/// How persistently a 429 or 5xx is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Requests sent at most, the first included.
    pub max_attempts: u32,
    /// The backoff before the second request (doubling after each).
    pub base_delay: Duration,
    /// The longest backoff (a longer `Retry-After` is still honoured, within `max_total`).
    pub max_delay: Duration,
    /// No retry is started when its wait would end later than this after the first request.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, 1 s doubling to at most 16 s, within 60 s.
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(16),
            max_total: Duration::from_secs(60),
        }
    }
}

/// Whether an answer with `status` may be retried: 429 and 5xx.
pub fn is_retryable(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// `Retry-After` in seconds (the HTTP-date form is not used by Cloudflare's API and is ignored).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

impl RetryPolicy {
    /// The wait before the next request after `attempts` requests and `elapsed` since the first,
    /// or `None` when the attempts or the time are used up. The wait is a full-jitter backoff
    /// (`0..=min(max_delay, base_delay * 2^(attempts-1))`), raised to `retry_after` if given.
    pub fn delay(
        &self,
        attempts: u32,
        retry_after: Option<Duration>,
        elapsed: Duration,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let exponent = attempts.saturating_sub(1).min(16);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let jittered = ceiling.mul_f64(fastrand::f64());
        let wait = retry_after.map_or(jittered, |r| r.max(jittered));
        (elapsed.saturating_add(wait) <= self.max_total).then_some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_by_attempts_time_and_ceiling() {
        let p = RetryPolicy::default();
        for attempts in 1..p.max_attempts {
            let wait = p.delay(attempts, None, Duration::ZERO).unwrap();
            assert!(wait <= p.max_delay);
        }
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(61)), Duration::ZERO),
            None
        );
        assert_eq!(p.delay(1, None, Duration::from_secs(61)), None);
        assert_eq!(p.delay(5, None, Duration::ZERO), None);
    }

    #[test]
    fn retry_after_is_seconds_only() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn only_429_and_5xx_are_retried() {
        for s in [400, 401, 403, 404, 409, 200, 304] {
            assert!(!is_retryable(s), "{s}");
        }
        for s in [429, 500, 502, 503, 599] {
            assert!(is_retryable(s), "{s}");
        }
    }
}
