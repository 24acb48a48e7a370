//! Checks of everything that goes into a URL path or the rule's expression, before any request.

use std::fmt;

use crate::error::Error;

/// A zone id: 32 lowercase hexadecimal characters.
///
/// ```
/// use cloudflare_api::ZoneId;
/// assert!(ZoneId::parse("023e105f4ecef8ad9ca31a8372d0c353").is_ok());
/// assert!(ZoneId::parse("../zones").is_err());
/// assert!(ZoneId::parse("023E105F4ECEF8AD9CA31A8372D0C353").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneId(String);

impl ZoneId {
    /// Checks `id` is 32 lowercase hex characters.
    pub fn parse(id: &str) -> Result<Self, Error> {
        if id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(Self(id.to_owned()))
        } else {
            Err(Error::Invalid(format!(
                "zone id {id:?}: 32 lowercase hex characters expected"
            )))
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ZoneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A record, ruleset or rule id (Cloudflare's are 32 lowercase hex characters): refused unless
/// it is 1–64 characters of `[0-9a-z-]`, so it cannot leave its path segment.
pub fn check_object_id(what: &str, id: &str) -> Result<(), Error> {
    if (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'-')
    {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "{what} id {id:?}: 1-64 of [0-9a-z-] expected"
        )))
    }
}

/// A hostname for the rule's expression and the records: a lowercase DNS name (labels of 1–63
/// `[a-z0-9-]`, not starting or ending with `-`, at least two labels, at most 253 characters,
/// no trailing dot). Anything else (quotes, spaces, wildcards, uppercase) is refused.
///
/// ```
/// use cloudflare_api::ids::check_hostname;
/// assert!(check_hostname("api.example.com").is_ok());
/// assert!(check_hostname("a\" or true or \"b.example.com").is_err());
/// assert!(check_hostname("API.example.com").is_err());
/// ```
pub fn check_hostname(name: &str) -> Result<(), Error> {
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if name.len() <= 253 && name.split('.').count() >= 2 && name.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "hostname {name:?}: a lowercase DNS name expected"
        )))
    }
}

/// The rule's `ref`: 1–64 of `[A-Za-z0-9_-]`.
pub fn check_rule_ref(rule_ref: &str) -> Result<(), Error> {
    if (1..=64).contains(&rule_ref.len())
        && rule_ref
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "rule ref {rule_ref:?}: 1-64 of [A-Za-z0-9_-] expected"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_ids_are_refused_unless_32_lowercase_hex() {
        for bad in [
            "",
            "023e105f4ecef8ad9ca31a8372d0c35",
            "023e105f4ecef8ad9ca31a8372d0c353a",
            "023e105f4ecef8ad9ca31a8372d0c35g",
            "023e105f4ecef8ad9ca31a8372d0c3/.",
        ] {
            assert!(ZoneId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hostnames_are_refused_unless_lowercase_dns_names() {
        for bad in [
            "",
            "com",
            "a..example.com",
            "-a.example.com",
            "a-.example.com",
            "*.example.com",
            "a b.example.com",
            "a\"b.example.com",
            "example.com.",
            "a}.example.com",
            &format!("{}.com", "a".repeat(64)),
        ] {
            assert!(check_hostname(bad).is_err(), "{bad:?}");
        }
        assert!(check_hostname("xn--bcher-kva.example.com").is_ok());
    }

    #[test]
    fn object_ids_and_refs_stay_in_their_segment() {
        for bad in ["", "a/b", "..", "A", "a?b", &"a".repeat(65)] {
            assert!(check_object_id("record", bad).is_err(), "{bad:?}");
        }
        for bad in ["", "a b", "a/b", "a\"b", &"a".repeat(65)] {
            assert!(check_rule_ref(bad).is_err(), "{bad:?}");
        }
        assert!(check_rule_ref("oac-kit-origin-secret-0123abcd").is_ok());
    }
}
