//! When to try again, and how long to wait: pure decisions, no I/O.
//!
//! - Only requests that are safe to repeat are retried: the idempotent methods (GET, HEAD, PUT,
//!   DELETE, OPTIONS) and any request carrying an `Idempotency-Key`. A POST without a key is sent
//!   once, whatever happens: repeating it could do its work twice.
//! - Only transient answers are retried: 429, 500, 502, 503, 504, and transport failures
//!   (connection refused or reset, timeouts).
//! - The wait is full-jitter exponential backoff (a uniform draw in `[0, min(cap, base·2ⁿ)]`),
//!   but never shorter than the server's `Retry-After`. Attempts and total time are bounded: a
//!   wait that would run past the budget ends the retries instead.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method};

/// The request header that makes a non-idempotent request safe to repeat.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// Bounds of the retry loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The backoff's first ceiling.
    pub base_delay: Duration,
    /// The largest ceiling of one backoff draw.
    pub max_delay: Duration,
    /// Time from the first attempt after which no new attempt starts.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, 100 ms base, 5 s cap, 20 s total.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            max_total: Duration::from_secs(20),
        }
    }
}

/// Whether a request may be sent more than once.
pub fn is_repeatable(method: &Method, headers: &HeaderMap) -> bool {
    let idempotent = [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
    ]
    .contains(method);
    idempotent || headers.contains_key(IDEMPOTENCY_KEY_HEADER)
}

/// Whether an answer with this status is worth another attempt (throttling or a transient
/// server failure).
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` as a wait from `now`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). A date
/// in the past is no wait; an unparsable value is ignored.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

impl RetryPolicy {
    /// The ceiling of the draw before attempt `retry` (1 for the first retry): `base·2^(retry-1)`,
    /// capped at `max_delay`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// The wait before the next attempt, or `None` to stop: `attempts_made` so far, `elapsed`
    /// since the first one, the server's `retry_after` and a uniform `draw` in `[0, 1]`.
    pub fn next_delay(
        &self,
        attempts_made: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
        draw: f64,
    ) -> Option<Duration> {
        if attempts_made >= self.max_attempts {
            return None;
        }
        let jitter = self.ceiling(attempts_made).mul_f64(draw.clamp(0.0, 1.0));
        let delay = jitter.max(retry_after.unwrap_or(Duration::ZERO));
        (elapsed.saturating_add(delay) < self.max_total).then_some(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap()))
            .collect()
    }

    #[test]
    fn get_put_delete_head_and_options_are_repeatable() {
        for method in [
            Method::GET,
            Method::PUT,
            Method::DELETE,
            Method::HEAD,
            Method::OPTIONS,
        ] {
            assert!(is_repeatable(&method, &HeaderMap::new()), "{method}");
        }
    }

    #[test]
    fn a_post_without_an_idempotency_key_is_not_repeatable() {
        assert!(!is_repeatable(&Method::POST, &HeaderMap::new()));
        assert!(!is_repeatable(&Method::PATCH, &HeaderMap::new()));
    }

    #[test]
    fn a_post_with_an_idempotency_key_is_repeatable() {
        assert!(is_repeatable(
            &Method::POST,
            &headers(&[("idempotency-key", "k-1")])
        ));
    }

    #[test]
    fn throttling_and_transient_server_errors_are_retried_and_others_are_not() {
        for status in [429, 500, 502, 503, 504] {
            assert!(is_transient_status(status), "{status}");
        }
        for status in [200, 400, 401, 403, 404, 409, 413, 501] {
            assert!(!is_transient_status(status), "{status}");
        }
    }

    #[test]
    fn retry_after_in_seconds() {
        let now = SystemTime::UNIX_EPOCH;
        assert_eq!(
            retry_after(&headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
    }

    #[test]
    fn retry_after_as_an_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let h = headers(&[("retry-after", "Sun, 06 Nov 1994 08:49:40 GMT")]);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(3)));
    }

    #[test]
    fn an_unparsable_retry_after_is_ignored() {
        let h = headers(&[("retry-after", "soon")]);
        assert_eq!(retry_after(&h, SystemTime::UNIX_EPOCH), None);
    }

    #[test]
    fn the_ceiling_doubles_up_to_the_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.ceiling(1), Duration::from_millis(100));
        assert_eq!(p.ceiling(2), Duration::from_millis(200));
        assert_eq!(p.ceiling(3), Duration::from_millis(400));
        assert_eq!(p.ceiling(40), Duration::from_secs(5));
    }

    #[test]
    fn the_delay_is_the_draw_times_the_ceiling() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.next_delay(2, Duration::ZERO, None, 0.5),
            Some(Duration::from_millis(100))
        );
        assert_eq!(
            p.next_delay(2, Duration::ZERO, None, 0.0),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_is_a_floor_under_the_jitter() {
        let p = RetryPolicy::default();
        let wait = Some(Duration::from_secs(2));
        assert_eq!(
            p.next_delay(1, Duration::ZERO, wait, 1.0),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn no_retry_after_the_last_attempt() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.next_delay(p.max_attempts, Duration::ZERO, None, 0.0),
            None
        );
    }

    #[test]
    fn no_retry_that_would_end_past_the_total_budget() {
        let p = RetryPolicy::default();
        let wait = Some(Duration::from_secs(30));
        assert_eq!(p.next_delay(1, Duration::ZERO, wait, 0.0), None);
    }
}
