//! The CloudFront KeyValueStore the KVS-mode viewer filter reads: its items come from the KVS
//! stand-in's state file (`--kvs-file`, re-read when it changes) or are built from the origin
//! secrets ([`crate::secret_source`]) and the compiled ranges, with `ip_filter_core::kvs_layout`.
//! The Node.js workers hold a copy for the CloudFront Function (`cloudfront-function.mjs`'s store
//! stand-in), the Lambda@Edge bundle fetches it from an in-process KVS stand-in
//! ([`super::kvs_edge`]), and the chain keeps one too, for the log's verdict. Where the items
//! come from is the model's [`crate::model::KvsSource`]; [`crate::kvs_feed`] hands them to every
//! reader.

use std::path::Path;
use std::sync::RwLock;

use anyhow::{Context, Result};
use ip_filter_core::kvs_layout;
use ip_filter_core::kvs_layout::{ORIGIN_SECRETS_KEY, decode_ranges};
use ip_filter_core::origin_secret::OriginSecrets;

use crate::model::Items;

/// Refuses a KVS-mode function built for another header than `header` (it would refuse every
/// request, or check a header Cloudflare does not send): rebuild it with
/// `cargo xtask cloudfront-function --origin-secret-header NAME`.
pub fn check_baked_header(function: &Path, header: &str) -> Result<()> {
    let code = std::fs::read_to_string(function)
        .with_context(|| format!("reading {}", function.display()))?;
    let line = format!("var SECRET_HEADER = {};", serde_json::to_string(header)?);
    if !code.lines().any(|l| l == line) {
        anyhow::bail!(
            "{} does not check the header {header}: rebuild it with `cargo xtask cloudfront-function --origin-secret-header {header}`",
            function.display()
        );
    }
    Ok(())
}

/// The items of a state file's text (read with the stand-in's own model, [`kvs_state_file`]);
/// `None` when it is not one.
pub fn parse_state(text: &[u8]) -> Option<Items> {
    kvs_state_file::parse(text)
        .ok()
        .map(kvs_state_file::State::into_pairs)
}

/// What the store holds now (`None`: reads fail), shared by the chain and the file watcher.
#[derive(Debug, Default)]
pub struct KvsView {
    items: RwLock<Option<Items>>,
}

impl KvsView {
    /// The valid secrets per the store, `None` when `origin-secrets` is missing or malformed.
    pub fn secrets(&self) -> Option<OriginSecrets> {
        let items = self.items.read().expect("kvs lock");
        let value = lookup(items.as_ref()?, ORIGIN_SECRETS_KEY)?;
        OriginSecrets::from_kvs_value(&value).ok()
    }

    pub(crate) fn replace(&self, items: Option<Items>) {
        *self.items.write().expect("kvs lock") = items;
    }
}

fn lookup(items: &Items, key: &str) -> Option<String> {
    items.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// One line about what the function will make of `items`, for the operator (no value printed).
pub fn describe(items: Option<&Items>) -> String {
    let Some(items) = items else {
        return "unreadable: every read fails (compiled ranges; no valid secret, so every request is refused)"
            .to_owned();
    };
    let ranges = match decode_ranges(|key| lookup(items, key)) {
        Ok(nets) => format!("ranges: {} CIDRs", nets.len()),
        Err(e) => format!("ranges refused ({e}): the compiled ranges apply"),
    };
    let secrets =
        match lookup(items, ORIGIN_SECRETS_KEY).map(|v| kvs_layout::decode_secret_hashes(&v)) {
            Some(Ok(hashes)) => format!("{} valid origin secret(s)", hashes.len()),
            Some(Err(_)) | None => "no valid origin secret: every request is refused".to_owned(),
        };
    format!("{} items, {ranges}, {secrets}", items.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::KvsSource;

    const SECRET: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";

    #[test]
    fn a_state_file_gives_its_items_in_order() {
        let items = parse_state(
            br#"{"etag":"e1","items":[{"key":"b","value":"2"},{"key":"a","value":"1"}]}"#,
        );
        assert_eq!(
            items,
            Some(vec![("b".into(), "2".into()), ("a".into(), "1".into())])
        );
    }

    #[test]
    fn a_file_that_is_not_a_state_file_gives_nothing() {
        assert_eq!(parse_state(b"{\"items\":[{\"key\":\"a\"}]}"), None);
    }

    #[test]
    fn a_state_file_without_an_etag_gives_nothing() {
        // The stand-in always writes an etag and refuses a file without one; oac-dev reads with
        // the same model, so it refuses that file too.
        assert_eq!(parse_state(br#"{"items":[{"key":"a","value":"1"}]}"#), None);
    }

    #[test]
    fn secrets_become_their_hashes_and_the_compiled_ranges() {
        let KvsSource::Items(items) = KvsSource::from_secrets(&[SECRET.to_owned()]).unwrap() else {
            panic!("items")
        };
        assert!(items.iter().all(|(_, v)| !v.contains(SECRET)));
        let view = KvsView::default();
        view.replace(Some(items.clone()));
        assert!(view.secrets().unwrap().admits(SECRET));
        assert!(
            describe(Some(&items)).contains("ranges: 22 CIDRs"),
            "{}",
            describe(Some(&items))
        );
    }
}
