//! The viewer-mTLS CloudFront Connection Function (issue 24): generated JavaScript that lets a
//! TLS connection through only when its client certificate's serial number is listed in the
//! function's KeyValueStore, so a certificate can be revoked without a deploy. With the
//! contracts it keeps:
//!
//! - the store's keys are `serial:<canonical serial>` ([`SERIAL_KEY_PREFIX`], [`serial_key`]);
//!   the value (`{"notAfter": …, "cn": …}`) is for people and is not read;
//! - a presented serial is normalised first (separators `:` and ASCII white space removed,
//!   lowercased, leading zeros stripped, at most 40 digits), the rule of Rust's
//!   `origin_pull_ca::Serial::from_presented`: the Node tests feed both the same cases;
//! - anything but a listed serial is denied: no `clientCertInfo`, no or a malformed
//!   `serialNumber`, a store read that throws; exactly one of `allow()` / `deny()` is called.
//!
//! # The Connection Function API, as AWS documents it
//!
//! - Runtime `cloudfront-js-2.0` only; the entry point is
//!   `async function connectionHandler(connection)`, the store is `cf.kvs()` after
//!   `import cf from 'cloudfront'`, and `await cf.kvs().exists(key)` gives a boolean
//!   ([revocation tutorial, step 2](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/create-revocation-connection-function.html),
//!   [creating](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/create-connection-functions.html)).
//! - The function sees `connection.clientCertInfo` (the tutorial reads `.serialNumber`, "parsed
//!   client serial number from client certificate"), the client IP and TLS details, and
//!   decides with `connection.allow()` or `connection.deny()`; "the function handler must call
//!   allow or deny"
//!   ([writing](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/write-connection-function-code.html),
//!   [associating](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/connection-functions.html)).
//! - It runs during the handshake *after* CloudFront's own validation against the trust store
//!   (chain, expiry, signature): a certificate that fails it never reaches the function; with
//!   `IgnoreCertificateExpiry` an expired but otherwise valid one does. It runs in `required`
//!   mode and in `optional` mode when a certificate is presented
//!   ([overview](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/connection-functions-overview.html)).
//! - One Connection Function per distribution; only a LIVE function can be associated; code
//!   size and execution time are "limited" without a number on the limits page
//!   ([limits](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/connection-function-configuration-limits.html));
//!   the writing guide states a 5 ms execution limit.
//! - `TestConnectionFunction` runs a DEVELOPMENT function on a connection object (a blob of up
//!   to 40 KB) and reports compute utilization and logs
//!   ([testing](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/test-connection-functions.html)).
//!
//! What is *not* documented — the exact text of `serialNumber` (the tutorial's store keys look
//! like `ABC123DEF456`, its CRL conversion writes colon-separated pairs), the other fields of
//! `clientCertInfo`, the size limit — is listed in `docs/viewer-mtls.md`. The size check here
//! assumes CloudFront Functions' 10 KB ([`MAX_BYTES`]); the function is far below it.

pub mod sidecar;

pub use sidecar::{Sidecar, SidecarError};

/// The prefix of every key the Connection Function looks up: `serial:<canonical serial>`
/// (contract 2 of issue 24).
pub const SERIAL_KEY_PREFIX: &str = "serial:";

/// The longest presented serial the function reads (separators and leading zeros included);
/// re-exported by `origin_pull_ca`, whose `Serial::from_presented` applies it too.
pub const MAX_PRESENTED_LEN: usize = 128;

/// The most significant hex digits of a serial (RFC 5280: at most 20 octets); re-exported by
/// `origin_pull_ca`.
pub const MAX_HEX_DIGITS: usize = 40;

/// The size limit the generated code is held to: CloudFront Functions' 10 KB. The Connection
/// Functions limits page names no number; this is the assumption.
pub const MAX_BYTES: usize = 10 * 1024;

/// The KeyValueStore key of a certificate whose canonical serial is `canonical_serial`.
///
/// ```
/// assert_eq!(mtls_connection_function::serial_key("1f2e"), "serial:1f2e");
/// ```
pub fn serial_key(canonical_serial: &str) -> String {
    format!("{SERIAL_KEY_PREFIX}{canonical_serial}")
}

/// The normalisation and the handler (`connectionHandler`).
const CONNECTION_JS: &str = include_str!("js/connection.js");

/// The generated function would exceed [`MAX_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the generated Connection Function is {size} bytes, over the {MAX_BYTES}-byte limit")]
pub struct TooLarge {
    /// Size of the code that was generated.
    pub size: usize,
}

/// The generated function: its code and its sidecar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The JavaScript, at most [`MAX_BYTES`].
    pub code: String,
    /// What a deployer must know of it (see [`sidecar`]).
    pub sidecar: Sidecar,
}

/// Generates the Connection Function: `import cf from 'cloudfront';` on the first line (the
/// loaders of oac-dev and the tests rely on it), the banner, the constants, the handler.
///
/// ```
/// let function = mtls_connection_function::generate().unwrap();
/// assert!(function.code.starts_with("import cf from 'cloudfront';\n"));
/// assert!(function.code.contains("async function connectionHandler(connection)"));
/// assert_eq!(function.sidecar.size_bytes, function.code.len());
/// ```
pub fn generate() -> Result<Function, TooLarge> {
    let mut js = String::from(
        "import cf from 'cloudfront';\n\
         // oac-kit viewer mTLS: CloudFront Connection Function (cloudfront-js-2.0).\n\
         // Generated by `cargo xtask cloudfront-function` from shared/mtls-connection-function; do not edit.\n\
         // Allows a TLS connection only when the client certificate's serial number, in canonical\n\
         // form, is listed in the KeyValueStore as PREFIX + serial; denies everything else.\n",
    );
    js.push_str(&format!(
        "var PREFIX = {};\nvar MAX_PRESENTED = {MAX_PRESENTED_LEN};\nvar MAX_DIGITS = {MAX_HEX_DIGITS};\n\n",
        serde_json::to_string(SERIAL_KEY_PREFIX).expect("a string serializes")
    ));
    js.push_str(CONNECTION_JS);
    if js.len() > MAX_BYTES {
        return Err(TooLarge { size: js.len() });
    }
    let sidecar = Sidecar::of(&js);
    Ok(Function { code: js, sidecar })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_function_is_small_ascii_and_has_the_contracts_entry_point() {
        let js = generate().unwrap().code;
        assert!(js.len() < 2048, "{} bytes", js.len());
        assert!(js.is_ascii());
        assert!(js.contains("\nasync function connectionHandler(connection) {\n"));
        assert!(js.contains("var PREFIX = \"serial:\";\n"));
        assert!(js.contains("var MAX_PRESENTED = 128;\nvar MAX_DIGITS = 40;\n"));
    }

    #[test]
    fn the_only_import_is_cloudfront_on_the_first_line() {
        let js = generate().unwrap().code;
        let imports: Vec<(usize, &str)> = js
            .lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with("import "))
            .collect();
        assert_eq!(imports, [(0, "import cf from 'cloudfront';")]);
        assert!(!js.contains("require(") && !js.contains("export "));
    }
}
