//! The sidecar of a generated function: a small JSON file beside the `.js` that says what a
//! deployer must know of the function — the origin-secret header it checks, whether it reads a
//! KeyValueStore — so that oac-dev and the CDK app read those facts instead of scraping them out
//! of the code. `cargo xtask cloudfront-function` writes one beside each function.
//!
//! Its name is the function's with the `.js` ending replaced by `.json` (appended when the name
//! has no `.js` ending): `ip-filter-kvs.cloudfront.js` → `ip-filter-kvs.cloudfront.json`
//! ([`path_beside`]). Its fields (camelCase, all required, no others):
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `secretHeader` | string or `null` | the origin-secret header the function checks and removes; `null`: no secret check |
//! | `readsKvs` | bool | the function reads the KeyValueStore associated with it (`cf.kvs()`) |
//! | `sizeBytes` | number | the code's length in bytes (CloudFront's limit is [`crate::MAX_BYTES`]) |
//! | `sha256` | string | SHA-256 of the code, lowercase hex: ties the sidecar to the one function it describes |
//!
//! A reader fails closed ([`read_beside`]): no sidecar, a malformed one, or one whose size or
//! digest is not the code's (a function rebuilt or edited after its sidecar) is an error, never
//! a guess. The CDK app's reader (`infra/cdk/lib/artifact-checks.ts`) applies the same rules and
//! is run on the real generated files by its tests.
//!
//! ```
//! use ip_filter_core::IpFilter;
//! use ip_filter_cloudfront_function::generate;
//! let function = generate(IpFilter::from_config_json("{}").unwrap().ranges(), &[]).unwrap();
//! assert_eq!(function.sidecar.secret_header, None);
//! assert!(!function.sidecar.reads_kvs);
//! assert_eq!(function.sidecar.size_bytes, function.code.len());
//! assert!(function.sidecar.to_json().starts_with("{\n  \"secretHeader\": null,\n"));
//! ```

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a generated function's sidecar says (see the [module docs](self) for the format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Sidecar {
    /// The origin-secret header the function checks (and removes before the request goes on);
    /// `None` for the address-only function.
    pub secret_header: Option<String>,
    /// Whether the function reads the KeyValueStore associated with it.
    pub reads_kvs: bool,
    /// The code's length in bytes.
    pub size_bytes: usize,
    /// SHA-256 of the code, lowercase hex.
    pub sha256: String,
}

/// Why a sidecar could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SidecarError {
    /// The function or its sidecar could not be read (missing, most likely).
    #[error("reading {path}: {source} (build both with `cargo xtask cloudfront-function`)")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The sidecar is not the JSON this module describes.
    #[error("{path} is not a function sidecar: {source}")]
    Malformed {
        /// The sidecar.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// The sidecar describes other code than the function beside it.
    #[error(
        "{sidecar} does not describe {function} (its {field} differs): rebuild both with `cargo xtask cloudfront-function`"
    )]
    Mismatch {
        /// The sidecar.
        sidecar: PathBuf,
        /// The function.
        function: PathBuf,
        /// `sizeBytes` or `sha256`.
        field: &'static str,
    },
}

impl Sidecar {
    /// The sidecar of `code`, which checks `secret_header` (if any) and reads the store or not.
    pub(crate) fn of(code: &str, secret_header: Option<&str>, reads_kvs: bool) -> Self {
        Self {
            secret_header: secret_header.map(str::to_owned),
            reads_kvs,
            size_bytes: code.len(),
            sha256: hex::encode(Sha256::digest(code.as_bytes())),
        }
    }

    /// The sidecar as written: pretty JSON, fields in the documented order, a final newline.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a sidecar serializes");
        json.push('\n');
        json
    }
}

/// Where the sidecar of the function at `function` is: the same name with `.js` replaced by
/// `.json` (or `.json` appended).
///
/// ```
/// use std::path::Path;
/// use ip_filter_cloudfront_function::sidecar::path_beside;
/// let js = Path::new("target/edge/ip-filter-kvs.cloudfront.js");
/// assert_eq!(path_beside(js), Path::new("target/edge/ip-filter-kvs.cloudfront.json"));
/// assert_eq!(path_beside(Path::new("f.mjs")), Path::new("f.mjs.json"));
/// ```
pub fn path_beside(function: &Path) -> PathBuf {
    let name = function.file_name().unwrap_or_default().to_string_lossy();
    let mut sidecar = OsString::from(name.strip_suffix(".js").unwrap_or(&name));
    sidecar.push(".json");
    function.with_file_name(sidecar)
}

/// Reads the sidecar beside `function` and checks it describes the code there (size and digest).
pub fn read_beside(function: &Path) -> Result<Sidecar, SidecarError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| SidecarError::Read {
            path: path.to_owned(),
            source,
        })
    };
    let code = read(function)?;
    let path = path_beside(function);
    let sidecar: Sidecar =
        serde_json::from_slice(&read(&path)?).map_err(|source| SidecarError::Malformed {
            path: path.clone(),
            source,
        })?;
    let mismatch = |field| SidecarError::Mismatch {
        sidecar: path.clone(),
        function: function.to_owned(),
        field,
    };
    if sidecar.size_bytes != code.len() {
        return Err(mismatch("sizeBytes"));
    }
    if sidecar.sha256 != hex::encode(Sha256::digest(&code)) {
        return Err(mismatch("sha256"));
    }
    Ok(sidecar)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "function handler(event) { return event.request; }\n";

    /// A directory holding `code` as `f.cloudfront.js` and `sidecar` beside it (if any).
    fn written(code: &str, sidecar: Option<&str>) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let function = dir.path().join("f.cloudfront.js");
        std::fs::write(&function, code).unwrap();
        if let Some(sidecar) = sidecar {
            std::fs::write(dir.path().join("f.cloudfront.json"), sidecar).unwrap();
        }
        (dir, function)
    }

    #[test]
    fn a_sidecar_written_for_the_code_is_read_back() {
        let sidecar = Sidecar::of(CODE, Some("x-zone-key"), true);
        let (_dir, function) = written(CODE, Some(&sidecar.to_json()));
        assert_eq!(read_beside(&function).unwrap(), sidecar);
    }

    #[test]
    fn the_fields_are_camel_case_in_the_documented_order() {
        let json = Sidecar::of(CODE, Some("x-zone-key"), true).to_json();
        let keys: Vec<&str> = json
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next())
            .collect();
        assert_eq!(keys, ["secretHeader", "readsKvs", "sizeBytes", "sha256"]);
    }

    #[test]
    fn a_missing_sidecar_is_an_error_naming_it() {
        let (_dir, function) = written(CODE, None);
        let e = read_beside(&function).unwrap_err();
        assert!(
            matches!(&e, SidecarError::Read { path, .. } if path.ends_with("f.cloudfront.json"))
        );
    }

    /// The field a sidecar written for `built` is refused on, beside [`CODE`].
    fn mismatched_field(built: &str) -> Option<&'static str> {
        let sidecar = Sidecar::of(built, None, false).to_json();
        let (_dir, function) = written(CODE, Some(&sidecar));
        match read_beside(&function) {
            Err(SidecarError::Mismatch { field, .. }) => Some(field),
            _ => None,
        }
    }

    #[test]
    fn a_sidecar_of_other_code_of_another_size_is_refused() {
        assert_eq!(
            mismatched_field("function handler(e) {}\n"),
            Some("sizeBytes")
        );
    }

    #[test]
    fn a_sidecar_of_other_code_of_the_same_size_is_refused() {
        // One letter differs: the same size, other code.
        let built = CODE.replace("event", "evenT");
        assert_eq!(mismatched_field(&built), Some("sha256"));
    }

    #[test]
    fn a_sidecar_with_a_field_missing_or_unknown_is_malformed() {
        let full = Sidecar::of(CODE, None, false).to_json();
        let missing = full.replace("  \"readsKvs\": false,\n", "");
        let unknown = full.replace("\"readsKvs\"", "\"readsKvs\": false, \"readsKV\"");
        for sidecar in [missing, unknown, "not json".to_owned()] {
            let (_dir, function) = written(CODE, Some(&sidecar));
            let e = read_beside(&function).unwrap_err();
            assert!(
                matches!(e, SidecarError::Malformed { .. }),
                "{sidecar}: {e}"
            );
        }
    }
}
