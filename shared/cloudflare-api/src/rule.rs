//! oac-kit's one rule in the zone's `http_request_late_transform` phase: what it says (pure),
//! and how it is found in an entrypoint ruleset.
//!
//! ```
//! use cloudflare_api::OriginSecretRule;
//! let rule = OriginSecretRule {
//!     rule_ref: "oac-kit-origin-secret-1".to_owned(),
//!     hostnames: vec!["a.example.com".to_owned(), "b.example.com".to_owned()],
//!     header: "x-origin-secret".to_owned(),
//!     value: "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa".to_owned(),
//! };
//! let body = rule.to_json().unwrap();
//! assert_eq!(body["expression"], r#"(http.host in {"a.example.com" "b.example.com"})"#);
//! assert_eq!(body["action_parameters"]["headers"]["x-origin-secret"]["operation"], "set");
//! assert!(!format!("{rule:?}").contains("k7Qw2vL9"));
//! ```

use std::fmt;

use ip_filter_core::origin_secret::{check_header_name, check_secret};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Error;
use crate::ids::{check_hostname, check_rule_ref};

/// The phase oac-kit's rule lives in (request header modification, after the user's transforms).
pub const PHASE: &str = "http_request_late_transform";

/// The rule's description, telling whoever looks at the dashboard who owns it.
pub const DESCRIPTION: &str = "oac-kit origin secret (managed by CloudFormation; do not edit)";

/// oac-kit's rule: on requests for `hostnames`, set header `header` to `value`.
#[derive(Clone, PartialEq, Eq)]
pub struct OriginSecretRule {
    /// The rule's `ref`, stable across updates; how the rule is found.
    pub rule_ref: String,
    /// The hostnames the rule applies to (lowercase DNS names).
    pub hostnames: Vec<String>,
    /// The request header set (lowercase).
    pub header: String,
    /// The origin secret: never in `Debug`.
    pub value: String,
}

impl fmt::Debug for OriginSecretRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OriginSecretRule")
            .field("rule_ref", &self.rule_ref)
            .field("hostnames", &self.hostnames)
            .field("header", &self.header)
            .field("value", &"<redacted>")
            .finish()
    }
}

/// `(http.host in {"a.example.com" "b.example.com"})`, every hostname checked first.
pub fn expression(hostnames: &[String]) -> Result<String, Error> {
    if hostnames.is_empty() {
        return Err(Error::Invalid(
            "the rule needs at least one hostname".to_owned(),
        ));
    }
    for name in hostnames {
        check_hostname(name)?;
    }
    let quoted: Vec<String> = hostnames.iter().map(|h| format!("\"{h}\"")).collect();
    Ok(format!("(http.host in {{{}}})", quoted.join(" ")))
}

impl OriginSecretRule {
    /// The rule as Cloudflare's API takes it, after checking the ref, the hostnames, the header
    /// name and the secret's shape (the secret is never echoed).
    pub fn to_json(&self) -> Result<Value, Error> {
        check_rule_ref(&self.rule_ref)?;
        let expression = expression(&self.hostnames)?;
        check_header_name(&self.header).map_err(|e| Error::Invalid(e.to_string()))?;
        check_secret(&self.value).map_err(|e| Error::Invalid(e.to_string()))?;
        Ok(json!({
            "ref": self.rule_ref,
            "description": DESCRIPTION,
            "expression": expression,
            "action": "rewrite",
            "action_parameters": {
                "headers": { (self.header.clone()): { "operation": "set", "value": self.value } }
            },
            "enabled": true,
        }))
    }
}

/// The part of an entrypoint ruleset read back (no `Debug`: its rules hold secret values).
#[derive(Deserialize)]
pub(crate) struct Ruleset {
    pub id: String,
    #[serde(default)]
    pub rules: Vec<RuleRead>,
}

/// The part of a rule read back: its id, ref and the header values it sets.
#[derive(Deserialize)]
pub(crate) struct RuleRead {
    pub id: String,
    #[serde(rename = "ref", default)]
    pub rule_ref: Option<String>,
    #[serde(default)]
    pub action_parameters: Option<Value>,
    /// The other fields (description, expression, action, enabled, version, ...).
    #[serde(flatten)]
    pub rest: serde_json::Map<String, Value>,
}

impl RuleRead {
    /// Whether the rule already is `body` (what [`OriginSecretRule::to_json`] makes): then an
    /// upsert writes nothing, so a repeated CloudFormation event changes nothing.
    pub fn is(&self, body: &Value) -> bool {
        let Some(body) = body.as_object() else {
            return false;
        };
        body.iter().all(|(key, value)| match key.as_str() {
            "ref" => self.rule_ref.as_deref() == value.as_str(),
            "action_parameters" => self.action_parameters.as_ref() == Some(value),
            _ => self.rest.get(key) == Some(value),
        })
    }

    /// The first `set` header value of the rule.
    pub fn set_value(&self) -> Option<String> {
        let headers = self
            .action_parameters
            .as_ref()?
            .get("headers")?
            .as_object()?;
        headers.values().find_map(|h| {
            (h.get("operation")? == "set").then(|| h.get("value")?.as_str().map(str::to_owned))?
        })
    }
}

impl Ruleset {
    /// The rule with `rule_ref`, if any.
    pub fn find(&self, rule_ref: &str) -> Option<&RuleRead> {
        self.rules
            .iter()
            .find(|r| r.rule_ref.as_deref() == Some(rule_ref))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> OriginSecretRule {
        OriginSecretRule {
            rule_ref: "oac-kit-origin-secret-1".to_owned(),
            hostnames: vec!["a.example.com".to_owned()],
            header: "x-origin-secret".to_owned(),
            value: "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa".to_owned(),
        }
    }

    #[test]
    fn a_rule_read_back_is_the_body_only_when_every_field_agrees() {
        let body = rule().to_json().unwrap();
        let mut stored = body.clone();
        stored["id"] = serde_json::json!("r1");
        stored["version"] = serde_json::json!("3");
        let read: RuleRead = serde_json::from_value(stored.clone()).unwrap();
        assert!(read.is(&body));
        for other in [
            OriginSecretRule {
                hostnames: vec!["b.example.com".to_owned()],
                ..rule()
            },
            OriginSecretRule {
                value: "Zq8Wm3Np6Rt9Vx2Bc5Df8Gh1Jk4Lm7Pq".to_owned(),
                ..rule()
            },
            OriginSecretRule {
                header: "x-other-secret".to_owned(),
                ..rule()
            },
        ] {
            assert!(!read.is(&other.to_json().unwrap()));
        }
        stored["enabled"] = serde_json::json!(false);
        let disabled: RuleRead = serde_json::from_value(stored).unwrap();
        assert!(!disabled.is(&body));
    }

    #[test]
    fn bad_rules_are_refused_without_echoing_the_secret() {
        let bad = [
            OriginSecretRule {
                hostnames: vec![],
                ..rule()
            },
            OriginSecretRule {
                hostnames: vec!["a.example.com\" or true or \"".to_owned()],
                ..rule()
            },
            OriginSecretRule {
                header: "cf-secret".to_owned(),
                ..rule()
            },
            OriginSecretRule {
                rule_ref: "a b".to_owned(),
                ..rule()
            },
            OriginSecretRule {
                value: "short-k7Qw2vL9".to_owned(),
                ..rule()
            },
            OriginSecretRule {
                value: format!("{} k7Qw2vL9", rule().value),
                ..rule()
            },
        ];
        for r in bad {
            let e = r.to_json().unwrap_err();
            assert!(matches!(e, Error::Invalid(_)), "{e:?}");
            assert!(!format!("{e} {e:?} {r:?}").contains("k7Qw2vL9"), "{e}");
        }
    }

    #[test]
    fn the_set_value_is_read_back() {
        let read: RuleRead = serde_json::from_value(json!({"id": "r1", "ref": "x", "action_parameters": rule().to_json().unwrap()["action_parameters"]})).unwrap();
        assert_eq!(read.set_value().as_deref(), Some(rule().value.as_str()));
    }
}
