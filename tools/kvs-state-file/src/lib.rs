//! The KeyValueStore state file: `{"etag":"…","items":[{"key":"…","value":"…"},…]}`.
//!
//! One model for both sides of the file: the KVS stand-in (`tools/kvs-standin`) writes it after
//! every successful change ([`write_atomic`]: a temporary file beside it, then a rename, so a
//! reader sees the old state or the new one, never half of one), and `oac-dev --kvs-file` reads
//! it ([`parse`]). The store's rules (limits, ETags) are the stand-in's; this crate only says
//! what the file holds.
//!
//! ```
//! let state = kvs_state_file::parse(br#"{"etag":"e1","items":[{"key":"k","value":"v"}]}"#).unwrap();
//! assert_eq!(state.etag, "e1");
//! assert_eq!(state.into_pairs(), [("k".to_owned(), "v".to_owned())]);
//! assert!(kvs_state_file::parse(br#"{"items":[]}"#).is_err());
//! ```

use std::fs;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// One key and its value, as the state file holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The key.
    pub key: String,
    /// Its value.
    pub value: String,
}

/// The state file's content: the store's ETag and its items, in the order written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// The store's current ETag.
    pub etag: String,
    /// Every item.
    pub items: Vec<Item>,
}

impl State {
    /// The items as (key, value) pairs, in file order.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.items.into_iter().map(|i| (i.key, i.value)).collect()
    }
}

/// The state in `text`; an error when it is not a state file (not JSON, a member missing, of the
/// wrong type, or unknown).
pub fn parse(text: &[u8]) -> Result<State, serde_json::Error> {
    serde_json::from_slice(text)
}

/// Writes `state` to `path` through a temporary file beside it (`<path>.tmp`) and a rename.
pub fn write_atomic(path: &Path, state: &State) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let json = serde_json::to_string_pretty(state).expect("a state serializes");
    fs::write(&tmp, json + "\n")?;
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State {
            etag: "KV1".into(),
            items: vec![
                Item {
                    key: "b".into(),
                    value: "2".into(),
                },
                Item {
                    key: "a".into(),
                    value: "1".into(),
                },
            ],
        }
    }

    #[test]
    fn a_written_state_parses_back_equal_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kvs.json");
        write_atomic(&path, &state()).unwrap();
        assert_eq!(parse(&fs::read(&path).unwrap()).unwrap(), state());
        assert!(!dir.path().join("kvs.json.tmp").exists());
    }

    #[test]
    fn the_items_keep_their_file_order() {
        let text = br#"{"etag":"e1","items":[{"key":"b","value":"2"},{"key":"a","value":"1"}]}"#;
        assert_eq!(
            parse(text).unwrap().into_pairs(),
            [("b".into(), "2".into()), ("a".into(), "1".into())]
        );
    }

    #[test]
    fn an_item_without_a_value_is_refused() {
        assert!(parse(br#"{"etag":"e1","items":[{"key":"a"}]}"#).is_err());
    }

    #[test]
    fn a_state_without_an_etag_is_refused() {
        assert!(parse(br#"{"items":[{"key":"a","value":"1"}]}"#).is_err());
    }

    #[test]
    fn an_unknown_member_is_refused() {
        assert!(parse(br#"{"etag":"e1","items":[],"extra":1}"#).is_err());
    }
}
