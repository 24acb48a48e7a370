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

use anyhow::Result;
use ip_filter_cloudfront_function::sidecar;
use ip_filter_core::kvs_layout;
use ip_filter_core::kvs_layout::{ORIGIN_SECRETS_KEY, decode_ranges};
use ip_filter_core::origin_secret::OriginSecrets;

use crate::model::Items;

/// Refuses a function that is not the KVS-mode one built for `header` (it would refuse every
/// request, or check a header Cloudflare does not send), as its sidecar says
/// (`ip_filter_cloudfront_function::sidecar`; a missing sidecar, or one that does not describe
/// the code beside it, is refused too): rebuild it with
/// `cargo xtask cloudfront-function --origin-secret-header NAME`.
pub fn check_baked_header(function: &Path, header: &str) -> Result<()> {
    let built = sidecar::read_beside(function)?;
    if !built.reads_kvs || built.secret_header.as_deref() != Some(header) {
        anyhow::bail!(
            "{} does not check the header {header} (its sidecar says: header {}, reads the KeyValueStore: {}): rebuild it with `cargo xtask cloudfront-function --origin-secret-header {header}`",
            function.display(),
            built.secret_header.as_deref().unwrap_or("none"),
            built.reads_kvs,
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

    /// A directory holding `function` as `f.cloudfront.js`, with its sidecar.
    fn built(function: &ip_filter_cloudfront_function::Function) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f.cloudfront.js"), &function.code).unwrap();
        std::fs::write(
            dir.path().join("f.cloudfront.json"),
            function.sidecar.to_json(),
        )
        .unwrap();
        dir
    }

    fn compiled() -> ip_filter_core::RangeSet {
        let filter = ip_filter_core::IpFilter::from_config_json("{}").unwrap();
        filter.ranges().clone()
    }

    fn kvs_function(header: &str) -> ip_filter_cloudfront_function::Function {
        let none = ip_filter_core::RangeSet::new([]);
        ip_filter_cloudfront_function::kvs::generate(&compiled(), &none, header, &[]).unwrap()
    }

    /// Why the function in `dir` is refused for `header`.
    fn refusal(dir: &tempfile::TempDir, header: &str) -> String {
        let e = check_baked_header(&dir.path().join("f.cloudfront.js"), header).unwrap_err();
        format!("{e:#}")
    }

    #[test]
    fn a_kvs_function_built_for_the_header_passes() {
        let dir = built(&kvs_function("x-zone-key"));
        check_baked_header(&dir.path().join("f.cloudfront.js"), "x-zone-key").unwrap();
    }

    #[test]
    fn a_kvs_function_built_for_another_header_is_refused() {
        let dir = built(&kvs_function("x-zone-key"));
        let e = refusal(&dir, "x-origin-secret");
        assert!(
            e.contains("does not check the header x-origin-secret"),
            "{e}"
        );
    }

    #[test]
    fn the_address_only_function_is_refused() {
        let dir = built(&ip_filter_cloudfront_function::generate(&compiled(), &[]).unwrap());
        let e = refusal(&dir, "x-origin-secret");
        assert!(e.contains("header none"), "{e}");
    }

    #[test]
    fn a_function_without_its_sidecar_is_refused() {
        let dir = built(&kvs_function("x-origin-secret"));
        std::fs::remove_file(dir.path().join("f.cloudfront.json")).unwrap();
        let e = refusal(&dir, "x-origin-secret");
        assert!(e.contains("f.cloudfront.json"), "{e}");
    }

    #[test]
    fn a_function_edited_after_its_sidecar_is_refused() {
        let dir = built(&kvs_function("x-origin-secret"));
        let path = dir.path().join("f.cloudfront.js");
        let code = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, code.replace("x-origin-secret", "x-origin-secreT")).unwrap();
        let e = refusal(&dir, "x-origin-secret");
        assert!(e.contains("(its sha256 differs)"), "{e}");
    }
}
