//! The sidecar of the Connection Function (contract 3 of issue 24), written beside
//! `viewer-mtls.connection.js` as `viewer-mtls.connection.json`:
//!
//! ```json
//! {"kind": "connection", "kvsKeyPrefix": "serial:", "readsKvs": true, "sizeBytes": N, "sha256": "<hex>"}
//! ```
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `kind` | `"connection"` | a Connection Function (associated with the distribution's mTLS, not a viewer-request event) |
//! | `kvsKeyPrefix` | string | the prefix of the keys it looks up ([`crate::SERIAL_KEY_PREFIX`]) |
//! | `readsKvs` | bool | it reads the KeyValueStore associated with it (always `true`) |
//! | `sizeBytes` | number | the code's length in bytes |
//! | `sha256` | string | SHA-256 of the code, lowercase hex |
//!
//! The path rule and the fail-closed reader are every generated function's (crate
//! `function-sidecar`).

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use function_sidecar::{SidecarError, path_beside};

/// What kind of function a sidecar describes: here always a Connection Function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A CloudFront Connection Function.
    Connection,
}

/// What the Connection Function's sidecar says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Sidecar {
    /// Always [`Kind::Connection`].
    pub kind: Kind,
    /// The prefix of the keys the function looks up.
    pub kvs_key_prefix: String,
    /// Whether the function reads its KeyValueStore.
    pub reads_kvs: bool,
    /// The code's length in bytes.
    pub size_bytes: usize,
    /// SHA-256 of the code, lowercase hex.
    pub sha256: String,
}

function_sidecar::describes_code!(Sidecar);

impl Sidecar {
    /// The sidecar of `code`.
    pub(crate) fn of(code: &str) -> Self {
        let (size_bytes, sha256) = function_sidecar::digest(code);
        Self {
            kind: Kind::Connection,
            kvs_key_prefix: crate::SERIAL_KEY_PREFIX.to_owned(),
            reads_kvs: true,
            size_bytes,
            sha256,
        }
    }
}

/// Reads the sidecar beside `function` and checks it describes the code there.
pub fn read_beside(function: &Path) -> Result<Sidecar, SidecarError> {
    function_sidecar::read_beside(function)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_are_the_contracts_in_its_order() {
        let json = Sidecar::of("x").to_json();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["kind"], "connection");
        assert_eq!(value["kvsKeyPrefix"], "serial:");
        assert_eq!(value["readsKvs"], true);
        assert_eq!(value["sizeBytes"], 1);
        let keys: Vec<&str> = json
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next())
            .collect();
        assert_eq!(
            keys,
            ["kind", "kvsKeyPrefix", "readsKvs", "sizeBytes", "sha256"]
        );
    }

    #[test]
    fn the_sidecar_of_the_generated_function_is_read_back_beside_it() {
        let function = crate::generate().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("viewer-mtls.connection.js");
        std::fs::write(&path, &function.code).unwrap();
        std::fs::write(path_beside(&path), function.sidecar.to_json()).unwrap();
        assert_eq!(read_beside(&path).unwrap(), function.sidecar);
        assert!(path_beside(&path).ends_with("viewer-mtls.connection.json"));
    }

    #[test]
    fn another_kind_is_refused() {
        let json = Sidecar::of("x")
            .to_json()
            .replace("connection", "viewer-request");
        assert!(serde_json::from_str::<Sidecar>(&json).is_err());
    }
}
