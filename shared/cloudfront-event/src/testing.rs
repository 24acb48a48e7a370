//! Test helpers for the cores that read headers (feature `testing`; dev-dependencies only).

use std::borrow::Cow;
use std::cell::Cell;

use crate::HeaderLookup;

/// A lookup of one header that knows its number of entries but has read none of them (as the
/// N-API reader leaves a header with more entries than it may read), and counts how often a core
/// asked for values: a core that judges a repeated header on its count asks for none.
///
/// ```
/// use cloudfront_event::HeaderLookup;
/// use cloudfront_event::testing::CountOnly;
/// let lookup = CountOnly::new("x-a", 10_000);
/// assert_eq!((lookup.count("x-a"), lookup.count("x-b")), (10_000, 0));
/// assert!(lookup.values("x-a").is_empty());
/// assert_eq!(lookup.value_reads(), 1);
/// ```
#[derive(Debug)]
pub struct CountOnly {
    name: String,
    count: usize,
    value_reads: Cell<usize>,
}

impl CountOnly {
    /// `count` entries of the header `name` (lowercase), none read.
    pub fn new(name: &str, count: usize) -> Self {
        Self {
            name: name.to_owned(),
            count,
            value_reads: Cell::new(0),
        }
    }

    /// How often values were asked for.
    pub fn value_reads(&self) -> usize {
        self.value_reads.get()
    }
}

impl HeaderLookup for CountOnly {
    fn values(&self, _: &str) -> Vec<Cow<'_, str>> {
        self.value_reads.set(self.value_reads.get() + 1);
        Vec::new()
    }

    fn count(&self, lowercase_name: &str) -> usize {
        if lowercase_name == self.name {
            self.count
        } else {
            0
        }
    }
}
