//! The origin secret as Secrets Manager stores it (read by range-sync, the rotation and the
//! Cloudflare setup): a SecretString of JSON `{"current":"…"}` or
//! `{"current":"…","next":"…"}` (rotation: add `next`, move Cloudflare's Transform Rule to it,
//! then replace the secret with `{"current": <next>}`), each value an origin secret as
//! [`crate::origin_secret`] defines it. Only their hashes leave this module, and the one
//! value Cloudflare's rule sends ([`rule_value`]).
//!
//! Secrets Manager's rotation stages a new version as AWSPENDING ([`SecretStrings`]): while one
//! is staged, its secrets are admitted beside AWSCURRENT's.

use std::fmt;

use crate::origin_secret::{MAX_SECRETS, SecretError, secrets_value};
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
    /// AWSCURRENT and AWSPENDING together hold more than two secrets.
    #[error(
        "AWSCURRENT and AWSPENDING together hold more than {MAX_SECRETS} secrets (AWSCURRENT still has a \"next\": finish the manual rotation first)"
    )]
    TooMany,
}

/// The secret's SecretStrings by stage. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretStrings {
    /// AWSCURRENT's SecretString.
    pub current: String,
    /// AWSPENDING's, while a rotation has one staged.
    pub pending: Option<String>,
}

impl fmt::Debug for SecretStrings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretStrings")
            .field("current", &"<redacted>")
            .field("pending", &self.pending.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl SecretStrings {
    /// The KVS `origin-secrets` value: the hashes of AWSCURRENT's secrets and AWSPENDING's
    /// (a secret in both counted once), at most [`MAX_SECRETS`].
    pub fn origin_secrets_value(&self) -> Result<String, SecretStringError> {
        let mut secrets = parse(&self.current)?;
        if let Some(pending) = &self.pending {
            for secret in parse(pending)? {
                if !secrets.contains(&secret) {
                    secrets.push(secret);
                }
            }
        }
        if secrets.len() > MAX_SECRETS {
            return Err(SecretStringError::TooMany);
        }
        Ok(secrets_value(&secrets)?)
    }
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
/// use ip_filter_core::origin_secret_string::origin_secrets_value;
/// let value = origin_secrets_value(r#"{"current":"k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa"}"#).unwrap();
/// assert!(value.starts_with("oac-secrets/1 "));
/// assert!(!value.contains("k7Qw2vL9"));
/// ```
pub fn origin_secrets_value(secret_string: &str) -> Result<String, SecretStringError> {
    Ok(secrets_value(&parse(secret_string)?)?)
}

/// The value Cloudflare's rule sends for a SecretString: `next` if it has one, else `current`
/// (checked by the secret rules).
pub fn rule_value(secret_string: &str) -> Result<String, SecretStringError> {
    let secrets = parse(secret_string)?;
    secrets_value(&secrets)?;
    Ok(secrets.into_iter().next_back().expect("one or two secrets"))
}

/// `current`, then `next` if present.
fn parse(secret_string: &str) -> Result<Vec<String>, SecretStringError> {
    // serde's messages can quote the input; none of them is passed on.
    let parsed: SecretString =
        serde_json::from_str(secret_string).map_err(|_| SecretStringError::Shape)?;
    let mut secrets = vec![parsed.current];
    secrets.extend(parsed.next);
    Ok(secrets)
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

    fn strings(current: String, pending: Option<String>) -> SecretStrings {
        SecretStrings { current, pending }
    }

    #[test]
    fn a_pending_secret_is_admitted_beside_the_current_one() {
        let both = strings(
            format!(r#"{{"current":"{A}"}}"#),
            Some(format!(r#"{{"current":"{B}"}}"#)),
        );
        let value = both.origin_secrets_value().unwrap();
        assert_eq!(value, secrets_value(&[A, B]).unwrap());
        assert!(!format!("{both:?}").contains(A) && !format!("{both:?}").contains(B));
    }

    #[test]
    fn a_pending_version_equal_to_the_current_one_counts_once() {
        let same = format!(r#"{{"current":"{A}"}}"#);
        let value = strings(same.clone(), Some(same)).origin_secrets_value();
        assert_eq!(value.unwrap(), secrets_value(&[A]).unwrap());
    }

    #[test]
    fn three_secrets_across_the_stages_are_refused() {
        const C: &str = "Pp0Oo9Ii8Uu7Yy6Tt5Rr4Ee3Ww2Qq1Aa";
        let err = strings(
            format!(r#"{{"current":"{A}","next":"{B}"}}"#),
            Some(format!(r#"{{"current":"{C}"}}"#)),
        )
        .origin_secrets_value()
        .unwrap_err();
        assert_eq!(err, SecretStringError::TooMany);
    }

    #[test]
    fn the_rule_sends_next_when_there_is_one() {
        assert_eq!(rule_value(&format!(r#"{{"current":"{A}"}}"#)).unwrap(), A);
        let rotating = format!(r#"{{"current":"{A}","next":"{B}"}}"#);
        assert_eq!(rule_value(&rotating).unwrap(), B);
        assert_eq!(
            rule_value(r#"{"current":"x"}"#).unwrap_err().to_string(),
            SecretError::Malformed.to_string()
        );
    }

    #[test]
    fn an_unknown_member_is_refused() {
        let err =
            origin_secrets_value(&format!(r#"{{"current":"{A}","previous":"{B}"}}"#)).unwrap_err();
        assert_eq!(err, SecretStringError::Shape);
    }
}
