//! The sidecar of a generated CloudFront function: a small JSON file beside the `.js` that says
//! what a deployer must know of the function, so that oac-dev and the CDK app read those facts
//! instead of scraping them out of the code. Each generator (`ip-filter-cloudfront-function`,
//! `mtls-connection-function`) has its own fields; every sidecar ends with the two this crate
//! checks:
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `sizeBytes` | number | the code's length in bytes |
//! | `sha256` | string | SHA-256 of the code, lowercase hex: ties the sidecar to the one function it describes |
//!
//! Its name is the function's with the `.js` ending replaced by `.json` (appended when the name
//! has no `.js` ending): `ip-filter-kvs.cloudfront.js` → `ip-filter-kvs.cloudfront.json`
//! ([`path_beside`]).
//!
//! A reader fails closed ([`read_beside`]): no sidecar, a malformed one, or one whose size or
//! digest is not the code's (a function rebuilt or edited after its sidecar) is an error, never
//! a guess.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// A sidecar type: it records the size and digest of the code it describes.
pub trait Describes {
    /// The `sizeBytes` it records.
    fn size_bytes(&self) -> usize;
    /// The `sha256` it records.
    fn sha256(&self) -> &str;
}

/// Implements [`Describes`] for a sidecar struct with `size_bytes` and `sha256` fields, and
/// gives it `to_json` ([`to_json`]): what every generator's sidecar shares.
#[macro_export]
macro_rules! describes_code {
    ($sidecar:ty) => {
        impl $crate::Describes for $sidecar {
            fn size_bytes(&self) -> usize {
                self.size_bytes
            }

            fn sha256(&self) -> &str {
                &self.sha256
            }
        }

        impl $sidecar {
            /// The sidecar as written: pretty JSON, fields in the documented order, a final
            /// newline.
            pub fn to_json(&self) -> String {
                $crate::to_json(self)
            }
        }
    };
}

/// The size and lowercase-hex SHA-256 of `code`, as a sidecar records them.
///
/// ```
/// let (size, sha256) = function_sidecar::digest("x");
/// assert_eq!(size, 1);
/// assert_eq!(&sha256[..8], "2d711642");
/// ```
pub fn digest(code: &str) -> (usize, String) {
    (code.len(), hex::encode(Sha256::digest(code.as_bytes())))
}

/// A sidecar as written: pretty JSON, fields in their declared order, a final newline.
pub fn to_json(sidecar: &impl Serialize) -> String {
    let mut json = serde_json::to_string_pretty(sidecar).expect("a sidecar serializes");
    json.push('\n');
    json
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
    /// The sidecar is not the JSON its generator describes.
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

/// Where the sidecar of the function at `function` is: the same name with `.js` replaced by
/// `.json` (or `.json` appended).
///
/// ```
/// use std::path::Path;
/// use function_sidecar::path_beside;
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
pub fn read_beside<S: DeserializeOwned + Describes>(function: &Path) -> Result<S, SidecarError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| SidecarError::Read {
            path: path.to_owned(),
            source,
        })
    };
    let code = read(function)?;
    let path = path_beside(function);
    let sidecar: S =
        serde_json::from_slice(&read(&path)?).map_err(|source| SidecarError::Malformed {
            path: path.clone(),
            source,
        })?;
    let mismatch = |field| SidecarError::Mismatch {
        sidecar: path.clone(),
        function: function.to_owned(),
        field,
    };
    if sidecar.size_bytes() != code.len() {
        return Err(mismatch("sizeBytes"));
    }
    if sidecar.sha256() != hex::encode(Sha256::digest(&code)) {
        return Err(mismatch("sha256"));
    }
    Ok(sidecar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    const CODE: &str = "function handler(event) { return event.request; }\n";

    /// A sidecar with one field of its own, as the generators' are.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct TestSidecar {
        reads_kvs: bool,
        size_bytes: usize,
        sha256: String,
    }

    describes_code!(TestSidecar);

    fn of(code: &str) -> TestSidecar {
        let (size_bytes, sha256) = digest(code);
        TestSidecar {
            reads_kvs: true,
            size_bytes,
            sha256,
        }
    }

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
        let (_dir, function) = written(CODE, Some(&of(CODE).to_json()));
        assert_eq!(read_beside::<TestSidecar>(&function).unwrap(), of(CODE));
    }

    #[test]
    fn a_missing_sidecar_is_an_error_naming_it() {
        let (_dir, function) = written(CODE, None);
        let e = read_beside::<TestSidecar>(&function).unwrap_err();
        assert!(
            matches!(&e, SidecarError::Read { path, .. } if path.ends_with("f.cloudfront.json"))
        );
    }

    /// The field a sidecar written for `built` is refused on, beside [`CODE`].
    fn mismatched_field(built: &str) -> Option<&'static str> {
        let (_dir, function) = written(CODE, Some(&of(built).to_json()));
        match read_beside::<TestSidecar>(&function) {
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
        let full = of(CODE).to_json();
        let missing = full.replace("  \"readsKvs\": true,\n", "");
        let unknown = full.replace("\"readsKvs\"", "\"readsKvs\": true, \"readsKV\"");
        for sidecar in [missing, unknown, "not json".to_owned()] {
            let (_dir, function) = written(CODE, Some(&sidecar));
            let e = read_beside::<TestSidecar>(&function).unwrap_err();
            assert!(
                matches!(e, SidecarError::Malformed { .. }),
                "{sidecar}: {e}"
            );
        }
    }
}
