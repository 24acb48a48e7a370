//! The origin secret's value for Cloudflare's rule (pure): the SecretString is
//! `{"current":"…"}` with an optional `"next"`; the rule sends `next` when there is one (the
//! manual runbook's step), else `current`. No error quotes the SecretString.

use ip_filter_core::origin_secret::check_secret;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretString {
    current: String,
    #[serde(default)]
    next: Option<String>,
}

/// The value the rule sets, checked by the origin-secret rules.
pub fn rule_value(secret_string: &str) -> Result<String, String> {
    let parsed: SecretString = serde_json::from_str(secret_string).map_err(|_| {
        r#"the origin secret's SecretString is not JSON {"current":"…"} or {"current":"…","next":"…"}"#.to_owned()
    })?;
    let value = parsed.next.unwrap_or(parsed.current);
    check_secret(&value).map_err(|e| format!("the origin secret: {e}"))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::rule_value;

    const A: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
    const B: &str = "Zq8Wm3Np6Rt9Vx2Bc5Df8Gh1Jk4Lm7Pq";

    #[test]
    fn current_alone_is_sent() {
        assert_eq!(rule_value(&format!(r#"{{"current":"{A}"}}"#)).unwrap(), A);
    }

    #[test]
    fn next_wins_over_current() {
        assert_eq!(
            rule_value(&format!(r#"{{"current":"{A}","next":"{B}"}}"#)).unwrap(),
            B
        );
    }

    #[test]
    fn refusals_never_quote_the_secret() {
        for bad in [
            A.to_owned(),
            format!(r#"{{"current":"{A}","extra":1}}"#),
            format!(r#"{{"next":"{A}"}}"#),
            r#"{"current":"short"}"#.to_owned(),
        ] {
            let err = rule_value(&bad).unwrap_err();
            assert!(!err.contains(A) && !err.contains("short"), "{err}");
        }
    }
}
