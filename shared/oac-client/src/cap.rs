//! The response-size cap: a pure counter, no I/O.
//!
//! Every body the client reads, whole or chunk by chunk, is counted against one limit
//! ([`crate::OacClientBuilder::max_response_bytes`], 64 MiB unless set). An answer whose
//! `content-length` already says it is larger is refused before a byte of it is read; one without
//! (chunked, streamed) is refused at the chunk that would take it past the limit, which is not
//! handed out. Without the cap a 300 MiB answer took `fluid-identity request` to 320 MB.

use crate::error::Error;

/// The default response-size cap: 64 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// The bytes of one body read so far, against its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ByteBudget {
    limit: u64,
    read: u64,
}

impl ByteBudget {
    /// A budget of `limit` bytes; refuses at once when the `announced` length is above it
    /// (`read` is then 0: nothing was read).
    pub(crate) fn new(limit: u64, announced: Option<u64>) -> Result<Self, Error> {
        match announced {
            Some(length) if length > limit => Err(Error::ResponseTooLarge { limit, read: 0 }),
            _ => Ok(Self { limit, read: 0 }),
        }
    }

    /// Counts a chunk of `len` bytes; past the limit, the error names the bytes received with it.
    pub(crate) fn admit(&mut self, len: usize) -> Result<(), Error> {
        let read = self.read.saturating_add(len as u64);
        if read > self.limit {
            return Err(Error::ResponseTooLarge {
                limit: self.limit,
                read,
            });
        }
        self.read = read;
        Ok(())
    }

    /// The bytes admitted so far.
    pub(crate) fn read(&self) -> u64 {
        self.read
    }

    /// The limit.
    pub(crate) fn limit(&self) -> u64 {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn too_large(result: Result<impl std::fmt::Debug, Error>) -> (u64, u64) {
        match result {
            Err(Error::ResponseTooLarge { limit, read }) => (limit, read),
            other => panic!("expected ResponseTooLarge, got {other:?}"),
        }
    }

    #[test]
    fn an_announced_length_above_the_limit_is_refused_before_reading() {
        assert_eq!(too_large(ByteBudget::new(10, Some(11))), (10, 0));
    }

    #[test]
    fn an_announced_length_at_the_limit_is_accepted() {
        assert!(ByteBudget::new(10, Some(10)).is_ok());
    }

    #[test]
    fn chunks_up_to_exactly_the_limit_are_admitted() {
        let mut budget = ByteBudget::new(10, None).unwrap();
        budget.admit(4).unwrap();
        budget.admit(6).unwrap();
        budget.admit(0).unwrap();
        assert_eq!(budget.read(), 10);
    }

    #[test]
    fn the_chunk_past_the_limit_is_refused_and_named_in_the_count() {
        let mut budget = ByteBudget::new(10, None).unwrap();
        budget.admit(8).unwrap();
        assert_eq!(too_large(budget.admit(3)), (10, 11));
        assert_eq!(
            budget.read(),
            8,
            "the refused chunk is not counted as admitted"
        );
    }

    #[test]
    fn a_limit_of_zero_admits_only_an_empty_body() {
        let mut budget = ByteBudget::new(0, Some(0)).unwrap();
        budget.admit(0).unwrap();
        assert_eq!(too_large(budget.admit(1)), (0, 1));
    }
}
