//! A bounded map of remembered verdicts with per-entry expiry and least-recently-used eviction.
//!
//! Keys are the SHA-256 of a header value, so the bearer value itself is never stored. Lookup,
//! insert and eviction are O(1) (a hash map threaded by a recency list, `hashlink::LruCache`):
//! a full cache costs a hit no more than an empty one. Expired entries are dropped when looked up
//! or when they reach the least-recently-used end; they never outlive their `valid_until`.
//!
//! Digests as keys also make the map's fast, non-keyed hasher safe: a caller cannot choose values
//! whose SHA-256 collide in the table.

use hashlink::LruCache;

/// SHA-256 of a header value.
pub(crate) type Key = [u8; 32];

/// Remembers up to `capacity` values, each until its own `valid_until` (Unix seconds).
pub(crate) struct ExpiringLru<V> {
    entries: LruCache<Key, Entry<V>>,
}

struct Entry<V> {
    value: V,
    valid_until: u64,
}

impl<V: Clone> ExpiringLru<V> {
    /// An empty cache holding at most `capacity` entries (0 remembers nothing).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: LruCache::new(capacity),
        }
    }

    /// The value for `key` if it is still valid at `now`; a hit becomes the most recently used
    /// entry, an expired entry is removed.
    pub(crate) fn get(&mut self, key: &Key, now: u64) -> Option<V> {
        match self.entries.get(key) {
            Some(entry) if now < entry.valid_until => Some(entry.value.clone()),
            Some(_) => {
                self.entries.remove(key);
                None
            }
            None => None,
        }
    }

    /// Remembers `value` until `valid_until`, evicting the least recently used entry when full.
    pub(crate) fn insert(&mut self, key: Key, value: V, valid_until: u64) {
        self.entries.insert(key, Entry { value, valid_until });
    }

    /// How many entries are held (expired ones included until they are dropped).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> Key {
        [n; 32]
    }

    #[test]
    fn a_full_cache_evicts_the_least_recently_used_entry() {
        let mut cache = ExpiringLru::new(2);
        cache.insert(key(1), "one", 100);
        cache.insert(key(2), "two", 100);
        assert_eq!(cache.get(&key(1), 0), Some("one")); // 2 is now the least recently used
        cache.insert(key(3), "three", 100);
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&key(2), 0), None);
        assert_eq!(cache.get(&key(1), 0), Some("one"));
        assert_eq!(cache.get(&key(3), 0), Some("three"));
    }

    #[test]
    fn an_entry_is_gone_at_its_valid_until() {
        let mut cache = ExpiringLru::new(2);
        cache.insert(key(1), "one", 10);
        assert_eq!(cache.get(&key(1), 9), Some("one"));
        assert_eq!(cache.get(&key(1), 10), None);
        assert_eq!(cache.len(), 0, "the expired entry was dropped");
    }

    #[test]
    fn zero_capacity_remembers_nothing() {
        let mut cache = ExpiringLru::new(0);
        cache.insert(key(1), "one", 100);
        assert_eq!(cache.get(&key(1), 0), None);
    }

    #[test]
    fn reinserting_a_key_replaces_its_value_and_expiry() {
        let mut cache = ExpiringLru::new(2);
        cache.insert(key(1), "old", 100);
        cache.insert(key(1), "new", 5);
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.get(&key(1), 4), Some("new"));
        assert_eq!(cache.get(&key(1), 5), None);
    }
}
