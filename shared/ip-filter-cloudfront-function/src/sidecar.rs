//! The sidecar of a generated function: a small JSON file beside the `.js` that says what a
//! deployer must know of the function — the origin-secret header it checks, whether it reads a
//! KeyValueStore — so that oac-dev and the CDK app read those facts instead of scraping them out
//! of the code. `cargo xtask cloudfront-function` writes one beside each function.
//!
//! Its name, the last two fields and the fail-closed reader are every generated function's
//! (crate `function-sidecar`, re-exported here): `ip-filter-kvs.cloudfront.js` →
//! `ip-filter-kvs.cloudfront.json` ([`path_beside`]). Its fields (camelCase, all required, no
//! others):
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

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use function_sidecar::{SidecarError, path_beside};

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

function_sidecar::describes_code!(Sidecar);

impl Sidecar {
    /// The sidecar of `code`, which checks `secret_header` (if any) and reads the store or not.
    pub(crate) fn of(code: &str, secret_header: Option<&str>, reads_kvs: bool) -> Self {
        let (size_bytes, sha256) = function_sidecar::digest(code);
        Self {
            secret_header: secret_header.map(str::to_owned),
            reads_kvs,
            size_bytes,
            sha256,
        }
    }
}

/// Reads the sidecar beside `function` and checks it describes the code there (size and digest;
/// [`function_sidecar::read_beside`]).
pub fn read_beside(function: &Path) -> Result<Sidecar, SidecarError> {
    function_sidecar::read_beside(function)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "function handler(event) { return event.request; }\n";

    #[test]
    fn a_sidecar_written_for_the_code_is_read_back() {
        let sidecar = Sidecar::of(CODE, Some("x-zone-key"), true);
        let dir = tempfile::tempdir().unwrap();
        let function = dir.path().join("f.cloudfront.js");
        std::fs::write(&function, CODE).unwrap();
        std::fs::write(path_beside(&function), sidecar.to_json()).unwrap();
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
}
