//! The store model: CloudFront KeyValueStore's limits and ETag rules, nothing about HTTP.
//!
//! - a key is 1–512 characters, a value at most 1,024 bytes, the store at most 5 MB (keys and
//!   values together);
//! - every successful change gets a new ETag; a change whose `If-Match` is not the current ETag
//!   is a conflict and changes nothing;
//! - an update (puts and deletes) is all or nothing: one refused item refuses the whole batch.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// CloudFront's limits, from their one home: the layout the ip-filter reads and range-sync writes.
pub use ip_filter_core::kvs_layout::{MAX_KEY_CHARS, MAX_STORE_BYTES, MAX_VALUE_BYTES};

/// A change the store refuses; the name is the API's error type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// `If-Match` is not the current ETag.
    #[error("Pre-condition failed: the ETag is {current}, not {given}")]
    Conflict {
        /// The ETag the caller sent.
        given: String,
        /// The store's.
        current: String,
    },
    /// A key or value breaks a limit, or the batch is contradictory.
    #[error("{0}")]
    Validation(String),
    /// The store would exceed its size limit.
    #[error("the store would hold {0} bytes, over the {MAX_STORE_BYTES}-byte limit")]
    QuotaExceeded(usize),
    /// A key to read or delete is not in the store.
    #[error("the key {0:?} is not in the store")]
    NotFound(String),
}

impl StoreError {
    /// The error type the data-plane API names in `x-amzn-ErrorType`.
    pub fn error_type(&self) -> &'static str {
        match self {
            Self::Conflict { .. } => "ConflictException",
            Self::Validation(_) => "ValidationException",
            Self::QuotaExceeded(_) => "ServiceQuotaExceededException",
            Self::NotFound(_) => "ResourceNotFoundException",
        }
    }

    /// The HTTP status the API answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Conflict { .. } => 409,
            Self::Validation(_) => 400,
            Self::QuotaExceeded(_) => 402,
            Self::NotFound(_) => 404,
        }
    }
}

/// The state file's model (one implementation, shared with `oac-dev --kvs-file`).
pub use kvs_state_file::{Item, State};

/// A key-value store with CloudFront's limits and ETag rules.
///
/// ```
/// use kvs_standin::store::{Store, StoreError};
/// let mut store = Store::default();
/// let first = store.etag().to_owned();
/// let puts = [("ranges:0".to_owned(), "v".to_owned())];
/// let second = store.update(&first, &puts, &[]).unwrap().to_owned();
/// assert_ne!(first, second);
/// assert!(matches!(store.update(&first, &puts, &[]), Err(StoreError::Conflict { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    etag: String,
    items: BTreeMap<String, String>,
}

impl Default for Store {
    /// An empty store with its first ETag.
    fn default() -> Self {
        let mut store = Self {
            etag: String::new(),
            items: BTreeMap::new(),
        };
        store.etag = store.next_etag();
        store
    }
}

impl Store {
    /// A store holding a state file's items and ETag (the limits checked).
    pub fn from_state(state: State) -> Result<Self, StoreError> {
        let mut items = BTreeMap::new();
        for Item { key, value } in state.items {
            check_item(&key, &value)?;
            if items.insert(key.clone(), value).is_some() {
                return Err(StoreError::Validation(format!(
                    "the key {key:?} appears twice"
                )));
            }
        }
        check_size(&items)?;
        Ok(Self {
            etag: state.etag,
            items,
        })
    }

    /// The state file's content for this store.
    pub fn to_state(&self) -> State {
        State {
            etag: self.etag.clone(),
            items: self
                .items
                .iter()
                .map(|(key, value)| Item {
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect(),
        }
    }

    /// The current ETag.
    pub fn etag(&self) -> &str {
        &self.etag
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Result<&str, StoreError> {
        self.items
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| StoreError::NotFound(key.to_owned()))
    }

    /// Every item, in key order.
    pub fn items(&self) -> impl Iterator<Item = (&str, &str)> {
        self.items.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// How many items the store holds.
    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// Keys and values together, in bytes.
    pub fn total_size(&self) -> usize {
        size_of(&self.items)
    }

    /// Applies `puts` and `deletes` together when `if_match` is the current ETag; returns the new
    /// ETag. Any refused item (a limit, a missing key to delete, a key named twice) refuses the
    /// whole batch and leaves the store as it was.
    pub fn update(
        &mut self,
        if_match: &str,
        puts: &[(String, String)],
        deletes: &[String],
    ) -> Result<&str, StoreError> {
        if if_match != self.etag {
            return Err(StoreError::Conflict {
                given: if_match.to_owned(),
                current: self.etag.clone(),
            });
        }
        if puts.is_empty() && deletes.is_empty() {
            return Err(StoreError::Validation(
                "an update needs at least one put or delete".into(),
            ));
        }
        let mut named = std::collections::BTreeSet::new();
        for key in puts.iter().map(|(k, _)| k).chain(deletes) {
            if !named.insert(key) {
                return Err(StoreError::Validation(format!(
                    "the key {key:?} is named twice in one update"
                )));
            }
        }
        let mut next = self.items.clone();
        for key in deletes {
            if next.remove(key).is_none() {
                return Err(StoreError::NotFound(key.clone()));
            }
        }
        for (key, value) in puts {
            check_item(key, value)?;
            next.insert(key.clone(), value.clone());
        }
        check_size(&next)?;
        self.items = next;
        self.etag = self.next_etag();
        Ok(&self.etag)
    }

    /// A new ETag: a digest of the previous one and the content, so it changes on every write
    /// (even one that leaves the same content) and never repeats an earlier one in practice.
    fn next_etag(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.etag.as_bytes());
        for (key, value) in &self.items {
            hasher.update((key.len() as u64).to_be_bytes());
            hasher.update(key.as_bytes());
            hasher.update((value.len() as u64).to_be_bytes());
            hasher.update(value.as_bytes());
        }
        let digest = hex::encode_upper(hasher.finalize());
        format!("KV{}", &digest[..14])
    }
}

fn check_item(key: &str, value: &str) -> Result<(), StoreError> {
    let chars = key.chars().count();
    if chars == 0 || chars > MAX_KEY_CHARS {
        return Err(StoreError::Validation(format!(
            "a key must be 1 to {MAX_KEY_CHARS} characters; one has {chars}"
        )));
    }
    if value.len() > MAX_VALUE_BYTES {
        return Err(StoreError::Validation(format!(
            "the value of {key:?} is {} bytes, over the {MAX_VALUE_BYTES}-byte limit",
            value.len()
        )));
    }
    Ok(())
}

fn size_of(items: &BTreeMap<String, String>) -> usize {
    items.iter().map(|(k, v)| k.len() + v.len()).sum()
}

fn check_size(items: &BTreeMap<String, String>) -> Result<(), StoreError> {
    let size = size_of(items);
    if size > MAX_STORE_BYTES {
        Err(StoreError::QuotaExceeded(size))
    } else {
        Ok(())
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
