//! The state file: read at start, rewritten after every successful change, atomically (a
//! temporary file beside it, then a rename), so a reader (oac-dev's `--kvs-file`) sees the old
//! state or the new one, never half of one. The file's model, reader and writer are
//! [`kvs_state_file`]'s; this module adds the store's rules on loading.

use std::fs;
use std::io;
use std::path::Path;

use crate::store::Store;

/// The store in `path`; an empty store when the file does not exist.
pub fn load(path: &Path) -> io::Result<Store> {
    match fs::read(path) {
        Ok(text) => {
            let state = kvs_state_file::parse(&text)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            Store::from_state(state).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Store::default()),
        Err(e) => Err(e),
    }
}

/// Writes `store` to `path` through a temporary file and a rename.
pub fn save(path: &Path, store: &Store) -> io::Result<()> {
    kvs_state_file::write_atomic(path, &store.to_state())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_store_loads_back_equal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kvs.json");
        let mut store = Store::default();
        let etag = store.etag().to_owned();
        store
            .update(&etag, &[("k".into(), "v".into())], &[])
            .unwrap();
        save(&path, &store).unwrap();
        assert_eq!(load(&path).unwrap(), store);
        assert!(!dir.path().join("kvs.json.tmp").exists());
    }

    #[test]
    fn a_missing_file_is_an_empty_store() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(&dir.path().join("none.json")).unwrap().item_count(), 0);
    }
}
