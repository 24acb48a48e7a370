//! The viewer-mTLS CloudFront Connection Function: the KeyValueStore key layout it reads (contract 2 of issue 24).

/// The prefix of every key the Connection Function looks up: `serial:<canonical serial>`
/// (contract 2 of issue 24).
pub const SERIAL_KEY_PREFIX: &str = "serial:";

/// The KeyValueStore key of a certificate whose canonical serial is `canonical_serial`.
///
/// ```
/// assert_eq!(mtls_connection_function::serial_key("1f2e"), "serial:1f2e");
/// ```
pub fn serial_key(canonical_serial: &str) -> String {
    format!("{SERIAL_KEY_PREFIX}{canonical_serial}")
}
