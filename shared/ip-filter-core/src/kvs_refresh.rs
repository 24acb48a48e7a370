//! When the Lambda@Edge bundle fetches the store, and which keys: a pure schedule driven by the
//! clock the adapter passes in (Lambda freezes between invocations, so there is no background
//! timer: a request that finds the data too old fetches it before it is judged).
//!
//! One refresh asks for `ranges:0` and `origin-secrets`, then `ranges:1` … `ranges:<N-1>` when
//! `ranges:0`'s header says the list spans more values. A refresh that fetched and applied
//! everything is good for [`KvsConfig::refresh_seconds`](crate::kvs_config::KvsConfig); any
//! other is retried after [`RETRY_BACKOFF_MS`], not on every request.
//!
//! ```
//! use ip_filter_core::kvs_refresh::{Fetched, Progress, RefreshCycle};
//! let mut cycle = RefreshCycle::new(60);
//! assert_eq!(cycle.start(0).unwrap(), ["ranges:0", "origin-secrets"]);
//! let Progress::Done { failed, .. } = cycle.receive(vec![Fetched::Failed, Fetched::Failed]) else { panic!() };
//! assert!(failed);
//! cycle.finish(0, false);
//! assert!(cycle.start(1_000).is_none(), "backing off");
//! assert!(cycle.start(5_000).is_some());
//! ```

use crate::kvs_layout::{ORIGIN_SECRETS_KEY, part_count, ranges_key};

/// How long after a failed refresh the next request tries again, in milliseconds.
pub const RETRY_BACKOFF_MS: u64 = 5_000;

/// What one `GetKey` brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The key's value.
    Value(String),
    /// The store has no such key (404 `ResourceNotFoundException`).
    Missing,
    /// No usable answer: a network error, a timeout, another status, a malformed body.
    Failed,
}

/// What to do next in a refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Fetch these keys, then [`RefreshCycle::receive`] their answers in the same order.
    Fetch(Vec<String>),
    /// Every key is in: the values found, and whether any fetch failed.
    Done {
        /// `(key, value)` of every key the store returned.
        items: Vec<(String, String)>,
        /// Whether a fetch brought no usable answer (the refresh must be retried soon).
        failed: bool,
    },
}

/// The refresh schedule and the keys of the refresh under way.
#[derive(Debug, Clone)]
pub struct RefreshCycle {
    interval_ms: u64,
    /// When the next refresh is due; `None` until the first one starts (due at once).
    next_due_ms: Option<u64>,
    round: Option<Round>,
}

#[derive(Debug, Clone)]
struct Round {
    asked: Vec<String>,
    items: Vec<(String, String)>,
    failed: bool,
}

impl RefreshCycle {
    /// A schedule refreshing data older than `refresh_seconds`; the first request refreshes.
    pub fn new(refresh_seconds: u32) -> Self {
        Self {
            interval_ms: u64::from(refresh_seconds) * 1_000,
            next_due_ms: None,
            round: None,
        }
    }

    /// The keys to fetch when a refresh is due at `now_ms` (milliseconds since the epoch), else
    /// `None`. A refresh that never finishes counts as failed: the next one waits out the
    /// back-off.
    pub fn start(&mut self, now_ms: u64) -> Option<Vec<String>> {
        if self.next_due_ms.is_some_and(|due| now_ms < due) {
            return None;
        }
        self.next_due_ms = Some(now_ms.saturating_add(RETRY_BACKOFF_MS));
        let asked = vec![ranges_key(0), ORIGIN_SECRETS_KEY.to_owned()];
        self.round = Some(Round {
            asked: asked.clone(),
            items: Vec::new(),
            failed: false,
        });
        Some(asked)
    }

    /// Takes the answers to the keys last asked for (same order; a count that differs fails the
    /// refresh) and says what comes next.
    pub fn receive(&mut self, answers: Vec<Fetched>) -> Progress {
        let Some(mut round) = self.round.take() else {
            return Progress::Done {
                items: Vec::new(),
                failed: true,
            };
        };
        round.failed |= answers.len() != round.asked.len();
        let mut more = Vec::new();
        for (key, answer) in round.asked.iter().zip(answers) {
            match answer {
                Fetched::Value(value) => {
                    if *key == ranges_key(0) {
                        // A bad header is the decoder's to refuse; only a good one asks for more.
                        let parts = part_count(&value).unwrap_or(1);
                        more.extend((1..parts).map(ranges_key));
                    }
                    round.items.push((key.clone(), value));
                }
                Fetched::Missing => {}
                Fetched::Failed => round.failed = true,
            }
        }
        if more.is_empty() || round.failed {
            return Progress::Done {
                items: round.items,
                failed: round.failed,
            };
        }
        round.asked = more.clone();
        self.round = Some(round);
        Progress::Fetch(more)
    }

    /// Records how the refresh ended at `now_ms`: applied in full, the data is good for the
    /// refresh interval; otherwise the next request after the back-off tries again.
    pub fn finish(&mut self, now_ms: u64, applied: bool) {
        let wait = if applied {
            self.interval_ms
        } else {
            RETRY_BACKOFF_MS
        };
        self.next_due_ms = Some(now_ms.saturating_add(wait));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kvs_layout::encode_ranges;
    use cloudflare_ranges::parse_cidr;

    fn value(text: &str) -> Fetched {
        Fetched::Value(text.to_owned())
    }

    #[test]
    fn the_first_request_refreshes_and_a_good_refresh_lasts_the_interval() {
        let mut cycle = RefreshCycle::new(60);
        assert!(cycle.start(1_000).is_some());
        cycle.finish(1_000, true);
        assert!(cycle.start(60_999).is_none());
        assert!(cycle.start(61_000).is_some());
    }

    #[test]
    fn a_failed_refresh_is_retried_after_the_back_off_not_before() {
        let mut cycle = RefreshCycle::new(60);
        cycle.start(0).unwrap();
        cycle.finish(0, false);
        assert!(cycle.start(RETRY_BACKOFF_MS - 1).is_none());
        assert!(cycle.start(RETRY_BACKOFF_MS).is_some());
    }

    #[test]
    fn a_refresh_that_never_finishes_backs_off() {
        let mut cycle = RefreshCycle::new(60);
        cycle.start(0).unwrap();
        assert!(cycle.start(1).is_none());
        assert!(cycle.start(RETRY_BACKOFF_MS).is_some());
    }

    #[test]
    fn a_list_of_several_parts_asks_for_the_other_parts() {
        let nets: Vec<_> = (0..120)
            .map(|i| parse_cidr(&format!("104.{}.{}.0/24", 16 + i / 256, i % 256)).unwrap())
            .collect();
        let items = encode_ranges(&nets).unwrap();
        let mut cycle = RefreshCycle::new(60);
        cycle.start(0).unwrap();
        let progress = cycle.receive(vec![value(&items[0].1), value("oac-secrets/1 x")]);
        let expected: Vec<String> = (1..items.len()).map(ranges_key).collect();
        assert_eq!(progress, Progress::Fetch(expected));
        let rest = items[1..].iter().map(|(_, v)| value(v)).collect();
        let Progress::Done { items: got, failed } = cycle.receive(rest) else {
            panic!("a second round of parts")
        };
        assert!(!failed);
        assert_eq!(got.len(), items.len() + 1);
    }

    #[test]
    fn a_failed_fetch_marks_the_refresh_failed() {
        let mut cycle = RefreshCycle::new(60);
        cycle.start(0).unwrap();
        let progress = cycle.receive(vec![Fetched::Missing, Fetched::Failed]);
        assert_eq!(
            progress,
            Progress::Done {
                items: vec![],
                failed: true
            }
        );
    }

    #[test]
    fn answers_of_the_wrong_count_fail_the_refresh() {
        let mut cycle = RefreshCycle::new(60);
        cycle.start(0).unwrap();
        let Progress::Done { failed, .. } = cycle.receive(vec![Fetched::Missing]) else {
            panic!()
        };
        assert!(failed);
    }

    #[test]
    fn answers_without_a_refresh_under_way_are_ignored_as_failed() {
        let mut cycle = RefreshCycle::new(60);
        assert_eq!(
            cycle.receive(vec![value("x")]),
            Progress::Done {
                items: vec![],
                failed: true
            }
        );
    }
}
