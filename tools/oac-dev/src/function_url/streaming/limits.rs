//! A streamed response's documented limits
//! (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html>): at most
//! 200 MB, and "the first 6 MB … uncapped bandwidth. After this initial burst, Lambda streams your
//! response at a maximum rate of 2 MBps". Pure arithmetic; the pump applies it.
//! MB taken as MiB, as Lambda's 6 MB payload limit is 6,291,456 bytes.

use std::time::Duration;

/// The most a streamed response may carry (bytes the function sent after the prelude).
pub const RESPONSE_CAP: u64 = 200 << 20;

/// How much of a chunk the cap lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// All of it.
    All,
    /// Its first `n` bytes; the response is cut after them.
    Part(usize),
}

/// Counts a stream's bytes against a cap.
#[derive(Debug, Clone)]
pub struct ResponseCap {
    limit: u64,
    sent: u64,
}

impl ResponseCap {
    /// A counter for `limit` bytes.
    pub fn new(limit: u64) -> Self {
        Self { limit, sent: 0 }
    }

    /// Counts a chunk of `len` bytes: all of it while under the cap, else the part up to it.
    pub fn admit(&mut self, len: usize) -> Admit {
        let room = self.limit - self.sent;
        let len64 = len as u64;
        if len64 <= room {
            self.sent += len64;
            Admit::All
        } else {
            self.sent = self.limit;
            Admit::Part(usize::try_from(room).unwrap_or(usize::MAX))
        }
    }

    /// Bytes counted so far.
    pub fn sent(&self) -> u64 {
        self.sent
    }
}

/// Lambda's bandwidth for a streamed response: a burst at full speed, then a fixed rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bandwidth {
    /// Bytes sent at full speed from the start.
    pub burst: u64,
    /// Bytes per second after the burst.
    pub bytes_per_second: u64,
}

impl Bandwidth {
    /// Lambda's: 6 MB, then 2 MB/s.
    pub const LAMBDA: Self = Self {
        burst: 6 << 20,
        bytes_per_second: 2 << 20,
    };

    /// The earliest time after the stream's start at which `total` bytes may have been sent.
    pub fn earliest(&self, total: u64) -> Duration {
        let over = total.saturating_sub(self.burst);
        if over == 0 || self.bytes_per_second == 0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(over as f64 / self.bytes_per_second as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_the_cap_everything_passes() {
        let mut cap = ResponseCap::new(10);
        assert_eq!(
            (cap.admit(4), cap.admit(6), cap.sent()),
            (Admit::All, Admit::All, 10)
        );
    }

    #[test]
    fn the_chunk_that_crosses_the_cap_is_cut_at_it_and_nothing_passes_after() {
        let mut cap = ResponseCap::new(10);
        cap.admit(8);
        assert_eq!(cap.admit(5), Admit::Part(2));
        assert_eq!(cap.admit(1), Admit::Part(0));
        assert_eq!(cap.sent(), 10);
    }

    #[test]
    fn the_200_mb_cap_counts_without_holding_the_bytes() {
        let mut cap = ResponseCap::new(RESPONSE_CAP);
        let chunk = 1 << 20;
        for _ in 0..200 {
            assert_eq!(cap.admit(chunk), Admit::All);
        }
        assert_eq!(cap.sent(), 209_715_200);
        assert_eq!(cap.admit(1), Admit::Part(0));
    }

    #[test]
    fn the_first_6_mb_are_not_paced() {
        assert_eq!(Bandwidth::LAMBDA.earliest(6 << 20), Duration::ZERO);
    }

    #[test]
    fn after_the_burst_2_mb_take_a_second() {
        let b = Bandwidth::LAMBDA;
        assert_eq!(b.earliest((6 << 20) + (2 << 20)), Duration::from_secs(1));
        assert_eq!(b.earliest(200 << 20), Duration::from_secs(97));
    }
}
