//! The Connection Function of viewer mTLS (`target/edge/viewer-mtls.connection.js`): its sidecar
//! checked before it runs, the connection it is handed and the decision it returns.
//!
//! The worker (`js/edge-worker.mjs`) builds the `connection` object from [`event`] — its
//! `clientCertInfo.serialNumber` and `clientIp` — runs `connectionHandler(connection)` and answers
//! `{"decision": "allow" | "deny" | "none"}`: what the function called (`deny()` wins over an
//! `allow()`; neither is `none`). Only `allow` lets the handshake finish ([`Decision`]).

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The artifact, in the edge directory.
pub const FILE: &str = "viewer-mtls.connection.js";
/// Its sidecar (contract 3).
pub const SIDECAR: &str = "viewer-mtls.connection.json";
/// The key prefix the function looks serials up under (contract 2).
pub const SERIAL_KEY_PREFIX: &str = "serial:";

/// The sidecar's fields (contract 3).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Sidecar {
    kind: String,
    kvs_key_prefix: String,
    reads_kvs: bool,
    size_bytes: usize,
    sha256: String,
}

/// Refuses a function whose sidecar is missing, is not a connection function's reading serials
/// from the KeyValueStore under `serial:`, or does not describe the code beside it (rebuilt or
/// edited after it): rebuild both with `cargo xtask cloudfront-function`.
pub fn check_sidecar(function: &Path) -> Result<()> {
    let sidecar = function.with_file_name(SIDECAR);
    let code =
        std::fs::read(function).with_context(|| format!("reading {}", function.display()))?;
    let text = std::fs::read(&sidecar).with_context(|| {
        format!(
            "reading {} (build both with `cargo xtask cloudfront-function`)",
            sidecar.display()
        )
    })?;
    let built: Sidecar = serde_json::from_slice(&text).with_context(|| {
        format!(
            "{} is not the connection function's sidecar",
            sidecar.display()
        )
    })?;
    let sha256 = hex::encode(Sha256::digest(&code));
    let rebuild = "rebuild it with `cargo xtask cloudfront-function`";
    if built.kind != "connection" || !built.reads_kvs || built.kvs_key_prefix != SERIAL_KEY_PREFIX {
        bail!(
            "{} is not a connection function reading serials under {SERIAL_KEY_PREFIX} (its sidecar says: kind {}, reads the KeyValueStore: {}, prefix {}): {rebuild}",
            function.display(),
            built.kind,
            built.reads_kvs,
            built.kvs_key_prefix
        );
    }
    if built.size_bytes != code.len() || built.sha256 != sha256 {
        bail!(
            "{} does not describe {} (its sha256 differs): {rebuild}",
            sidecar.display(),
            function.display()
        );
    }
    Ok(())
}

/// What the function is handed about a connection.
pub fn event(serial_number: &str, client_ip: std::net::IpAddr) -> Value {
    json!({
        "clientCertInfo": { "serialNumber": serial_number },
        "clientIp": client_ip.to_string(),
    })
}

/// What the function decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// `connection.allow()`.
    Allow,
    /// `connection.deny()`, or neither called.
    Deny,
}

/// The decision in the worker's answer; an answer that is neither is an error (fail closed).
pub fn decision(answer: &Value) -> Result<Decision, String> {
    match answer.get("decision").and_then(Value::as_str) {
        Some("allow") => Ok(Decision::Allow),
        Some("deny" | "none") => Ok(Decision::Deny),
        _ => Err(format!("not a connection decision: {answer}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(code: &str, sidecar: impl FnOnce(&str) -> String) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), code).unwrap();
        let sha = hex::encode(Sha256::digest(code.as_bytes()));
        std::fs::write(dir.path().join(SIDECAR), sidecar(&sha)).unwrap();
        dir
    }

    fn good(code: &str) -> impl FnOnce(&str) -> String {
        let len = code.len();
        move |sha| {
            format!(
                r#"{{"kind":"connection","kvsKeyPrefix":"serial:","readsKvs":true,"sizeBytes":{len},"sha256":"{sha}"}}"#
            )
        }
    }

    const CODE: &str = "async function connectionHandler(connection) { connection.deny(); }\n";

    #[test]
    fn a_function_its_sidecar_describes_passes() {
        let dir = built(CODE, good(CODE));
        check_sidecar(&dir.path().join(FILE)).unwrap();
    }

    #[test]
    fn a_function_edited_after_its_sidecar_is_refused() {
        let dir = built(CODE, good(CODE));
        std::fs::write(dir.path().join(FILE), CODE.replace("deny", "allow")).unwrap();
        let e = check_sidecar(&dir.path().join(FILE)).unwrap_err();
        assert!(e.to_string().contains("sha256 differs"), "{e}");
    }

    #[test]
    fn a_function_without_its_sidecar_is_refused() {
        let dir = built(CODE, good(CODE));
        std::fs::remove_file(dir.path().join(SIDECAR)).unwrap();
        let e = check_sidecar(&dir.path().join(FILE)).unwrap_err();
        assert!(format!("{e:#}").contains(SIDECAR), "{e:#}");
    }

    #[test]
    fn a_viewer_functions_sidecar_is_refused() {
        let dir = built(CODE, |sha| {
            format!(
                r#"{{"kind":"viewer","kvsKeyPrefix":"serial:","readsKvs":true,"sizeBytes":{},"sha256":"{sha}"}}"#,
                CODE.len()
            )
        });
        let e = check_sidecar(&dir.path().join(FILE)).unwrap_err();
        assert!(e.to_string().contains("kind viewer"), "{e}");
    }

    #[test]
    fn only_allow_lets_a_connection_through() {
        assert_eq!(decision(&json!({"decision": "allow"})), Ok(Decision::Allow));
        assert_eq!(decision(&json!({"decision": "deny"})), Ok(Decision::Deny));
        assert_eq!(decision(&json!({"decision": "none"})), Ok(Decision::Deny));
        assert!(decision(&json!({"decision": true})).is_err());
        assert!(decision(&json!(null)).is_err());
    }
}
