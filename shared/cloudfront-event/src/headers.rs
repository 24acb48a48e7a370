//! CloudFront's header map: lowercase name → `[{key, value}]`, order kept.

use std::borrow::Cow;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Lowercase header name → entries, in the order CloudFront sent them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Headers(pub IndexMap<String, Vec<HeaderEntry>>);

/// One header entry. `key` is the original casing and may be omitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeaderEntry {
    /// Header name as the viewer spelled it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Header value.
    pub value: String,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl HeaderEntry {
    /// An entry with both `key` and `value`.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: Some(key.into()),
            value: value.into(),
            other: Map::new(),
        }
    }
}

/// Read access to request headers by lowercase name, implemented by [`Headers`] and by the N-API
/// adapter over a JavaScript headers object, so a core decides the same way in both.
pub trait HeaderLookup {
    /// Every value of the header `lowercase_name`, in order; empty when absent. A lookup that
    /// reads entries lazily may leave a header with more entries than it reads unread (empty
    /// here): a core asks [`HeaderLookup::count`] first.
    fn values(&self, lowercase_name: &str) -> Vec<Cow<'_, str>>;

    /// How many entries the header `lowercase_name` has (0 when absent), known without reading
    /// them: the viewer chooses this number, so a core judges it before it reads any value.
    fn count(&self, lowercase_name: &str) -> usize {
        self.values(lowercase_name).len()
    }

    /// Whether the header is present at all.
    fn contains(&self, lowercase_name: &str) -> bool {
        self.count(lowercase_name) > 0
    }
}

impl<T: HeaderLookup + ?Sized> HeaderLookup for &T {
    fn values(&self, lowercase_name: &str) -> Vec<Cow<'_, str>> {
        (**self).values(lowercase_name)
    }

    fn count(&self, lowercase_name: &str) -> usize {
        (**self).count(lowercase_name)
    }
}

impl HeaderLookup for Headers {
    fn values(&self, lowercase_name: &str) -> Vec<Cow<'_, str>> {
        self.0
            .get(lowercase_name)
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| Cow::Borrowed(e.value.as_str()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn count(&self, lowercase_name: &str) -> usize {
        self.0.get(lowercase_name).map_or(0, Vec::len)
    }
}

/// A change a core asks an adapter to make to the request headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderEdit {
    /// Replace every entry of `name` (lowercase) with these `(key, value)` entries.
    Set {
        /// Lowercase header name (the map key).
        name: String,
        /// Entries as `(key, value)`.
        entries: Vec<(String, String)>,
    },
    /// Remove the header `name` (lowercase).
    Remove {
        /// Lowercase header name.
        name: String,
    },
}

impl Headers {
    /// Applies an edit; a set header keeps its position if it existed, else goes last.
    pub fn apply(&mut self, edit: &HeaderEdit) {
        match edit {
            HeaderEdit::Set { name, entries } => {
                let entries = entries
                    .iter()
                    .map(|(k, v)| HeaderEntry::new(k.clone(), v.clone()))
                    .collect();
                self.0.insert(name.clone(), entries);
            }
            HeaderEdit::Remove { name } => {
                self.0.shift_remove(name);
            }
        }
    }

    /// Header names in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}
