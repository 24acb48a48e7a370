//! The Secrets Manager secret: a SecretString of JSON `{"current":"…"}` or
//! `{"current":"…","next":"…"}` (rotation: add `next`, move Cloudflare's Transform Rule to it,
//! then replace the secret with `{"current": <next>}`), each value an origin secret as
//! `ip_filter_core::origin_secret` defines it. Only their hashes leave this module.

use ip_filter_core::origin_secret::{SecretError, secrets_value};
use serde::Deserialize;

/// Why the secret is refused. No message ever contains a secret or a part of one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretStringError {
    /// Not a JSON object of `current` and an optional `next`, both strings, nothing else.
    #[error(r#"the SecretString is not JSON {{"current":"…"}} or {{"current":"…","next":"…"}}"#)]
    Shape,
    /// A value breaks the secret rules, or `next` equals `current`.
    #[error("{0}")]
    Secret(#[from] SecretError),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretString {
    current: String,
    #[serde(default)]
    next: Option<String>,
}

/// The KVS `origin-secrets` value for a SecretString (the hashes of `current` and `next`).
///
/// ```
/// use range_sync::secret_string::origin_secrets_value;
/// let value = origin_secrets_value(r#"{"current":"k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa"}"#).unwrap();
/// assert!(value.starts_with("oac-secrets/1 "));
/// assert!(!value.contains("k7Qw2vL9"));
/// ```
pub fn origin_secrets_value(secret_string: &str) -> Result<String, SecretStringError> {
    // serde's messages can quote the input; none of them is passed on.
    let parsed: SecretString =
        serde_json::from_str(secret_string).map_err(|_| SecretStringError::Shape)?;
    let mut secrets = vec![parsed.current];
    secrets.extend(parsed.next);
    Ok(secrets_value(&secrets)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
    const B: &str = "Zq8Wm3Np6Rt9Vx2Bc5Df8Gh1Jk4Lm7Pq";

    #[test]
    fn current_alone_gives_one_hash() {
        let value = origin_secrets_value(&format!(r#"{{"current":"{A}"}}"#)).unwrap();
        assert_eq!(value.matches(',').count(), 0);
    }

    #[test]
    fn current_and_next_give_two_hashes() {
        let value = origin_secrets_value(&format!(r#"{{"current":"{A}","next":"{B}"}}"#)).unwrap();
        assert_eq!(value.matches(',').count(), 1);
    }

    #[test]
    fn a_short_secret_is_refused_without_echoing_it() {
        let err = origin_secrets_value(r#"{"current":"tooshort-secret"}"#).unwrap_err();
        assert_eq!(err, SecretStringError::Secret(SecretError::Malformed));
        assert!(!err.to_string().contains("tooshort"));
    }

    #[test]
    fn next_equal_to_current_is_refused() {
        let err =
            origin_secrets_value(&format!(r#"{{"current":"{A}","next":"{A}"}}"#)).unwrap_err();
        assert_eq!(err, SecretStringError::Secret(SecretError::Count));
    }

    #[test]
    fn a_plain_string_secret_is_refused_without_echoing_it() {
        let err = origin_secrets_value(A).unwrap_err();
        assert_eq!(err, SecretStringError::Shape);
        assert!(!err.to_string().contains(A));
    }

    #[test]
    fn an_unknown_member_is_refused() {
        let err =
            origin_secrets_value(&format!(r#"{{"current":"{A}","previous":"{B}"}}"#)).unwrap_err();
        assert_eq!(err, SecretStringError::Shape);
    }
}
