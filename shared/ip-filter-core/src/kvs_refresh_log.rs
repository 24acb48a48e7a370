//! The log line of a failed store refresh in KVS mode: one JSON line per refresh that fetched
//! nothing usable (a `GetKey` that failed, timed out or could not be signed), counted, so an
//! outage of the store shows in the logs long before the last good secrets stop admitting.
//!
//! Like a decision line it is built from numbers alone (no key, value, secret or address), and it
//! has no `reason` field, so the decision queries of `docs/metrics.md` do not count it.
//!
//! ```
//! use ip_filter_core::kvs_refresh_log::RefreshFailure;
//! let failure = RefreshFailure { consecutive: 3, secrets_age_ms: Some(75_500), secrets_stale: false };
//! assert_eq!(
//!     failure.log_line(),
//!     r#"{"function":"ip-filter","event":"kvs-refresh-failed","consecutiveFailures":3,"secretsAgeSeconds":75,"secretsStale":false}"#
//! );
//! ```

use cloudfront_event::EdgeFunction;
use serde::Serialize;

/// A refresh that failed: how many have failed in a row, and how old the secrets are now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshFailure {
    /// Refreshes failed in a row, this one included (reset by one that fetched everything).
    pub consecutive: u32,
    /// How long ago the secrets in use were read from the store (`None`: never read).
    pub secrets_age_ms: Option<u64>,
    /// Whether the secrets are past their maximum age: nobody passes until a refresh succeeds.
    pub secrets_stale: bool,
}

impl RefreshFailure {
    /// The failure's one JSON log line (no trailing newline).
    pub fn log_line(&self) -> String {
        let line = Line {
            function: EdgeFunction::IpFilter,
            event: "kvs-refresh-failed",
            consecutive_failures: self.consecutive,
            secrets_age_seconds: self.secrets_age_ms.map(|ms| ms / 1_000),
            secrets_stale: self.secrets_stale,
        };
        serde_json::to_string(&line).expect("a log line always serializes")
    }
}

/// The serialized shape of the line.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line {
    function: EdgeFunction,
    event: &'static str,
    consecutive_failures: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    secrets_age_seconds: Option<u64>,
    secrets_stale: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_read_have_no_age() {
        let failure = RefreshFailure {
            consecutive: 1,
            secrets_age_ms: None,
            secrets_stale: true,
        };
        let line: serde_json::Value = serde_json::from_str(&failure.log_line()).unwrap();
        assert!(line.get("secretsAgeSeconds").is_none(), "{line}");
        assert_eq!(line["secretsStale"], true);
        assert!(line.get("reason").is_none(), "not a decision: {line}");
    }
}
