//! The origin secret's value for Cloudflare's rule: the SecretString's one rule,
//! `ip_filter_core::origin_secret_string` (`next` when there is one — the manual runbook's
//! step —, else `current`; both checked). No error quotes the SecretString.

/// The value the rule sets, checked by the origin-secret rules.
pub fn rule_value(secret_string: &str) -> Result<String, String> {
    ip_filter_core::origin_secret_string::rule_value(secret_string)
        .map_err(|e| format!("the origin secret: {e}"))
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
