//! `METRICS` and `METRICS_NAMESPACE`: whether the api writes EMF lines, and under which
//! CloudWatch namespace.

use std::fmt;

/// `METRICS`: `on` (default) or `off`.
pub const METRICS_VAR: &str = "METRICS";
/// `METRICS_NAMESPACE`: the CloudWatch namespace (default [`DEFAULT_NAMESPACE`]).
pub const NAMESPACE_VAR: &str = "METRICS_NAMESPACE";
/// The namespace unless `METRICS_NAMESPACE` says otherwise (`emf`'s, where the CDK app's alarms
/// are checked against it).
pub use ::emf::api::DEFAULT_NAMESPACE;

/// A CloudWatch namespace: 1–255 printable ASCII characters, not only spaces, not starting with
/// `:` and not in the `AWS/` namespaces AWS reserves for its services.
///
/// ```
/// use api::metrics::Namespace;
/// assert!(Namespace::new("Orders/Api").is_ok());
/// assert!(Namespace::new("AWS/Lambda").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace(String);

impl Namespace {
    /// Checks `value` against CloudWatch's namespace rules.
    pub fn new(value: &str) -> Result<Self, String> {
        if !(1..=255).contains(&value.len()) {
            return Err("a CloudWatch namespace is 1-255 characters".to_owned());
        }
        if !value.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            return Err("a CloudWatch namespace is printable ASCII".to_owned());
        }
        if value.trim().is_empty() || value.starts_with(':') {
            return Err(
                "a CloudWatch namespace needs a non-space character and cannot start with ':'"
                    .to_owned(),
            );
        }
        if value.starts_with("AWS/") {
            return Err("namespaces starting with AWS/ are reserved for AWS services".to_owned());
        }
        Ok(Namespace(value.to_owned()))
    }

    /// The namespace.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Namespace {
    /// [`DEFAULT_NAMESPACE`].
    fn default() -> Self {
        Namespace(DEFAULT_NAMESPACE.to_owned())
    }
}

impl fmt::Display for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The validated metrics settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsSettings {
    /// `METRICS=on`: EMF lines on stdout.
    pub enabled: bool,
    /// Where the metrics go.
    pub namespace: Namespace,
}

impl Default for MetricsSettings {
    /// On, in [`DEFAULT_NAMESPACE`].
    fn default() -> Self {
        Self {
            enabled: true,
            namespace: Namespace::default(),
        }
    }
}

/// Reads `METRICS` and `METRICS_NAMESPACE` through `get` (trimmed, empty = unset), adding one line
/// per bad variable to `errors` (and using the default for it).
pub fn settings_from_vars<'a>(
    get: impl Fn(&str) -> Option<&'a str>,
    errors: &mut Vec<String>,
) -> MetricsSettings {
    let enabled = match get(METRICS_VAR).unwrap_or("on") {
        "on" => true,
        "off" => false,
        other => {
            errors.push(format!(
                "{METRICS_VAR}={other:?}: expected \"on\" or \"off\""
            ));
            true
        }
    };
    let namespace = match get(NAMESPACE_VAR) {
        None => Namespace::default(),
        Some(value) => Namespace::new(value).unwrap_or_else(|why| {
            errors.push(format!("{NAMESPACE_VAR}={value:?}: {why}"));
            Namespace::default()
        }),
    };
    MetricsSettings { enabled, namespace }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&'static str, &'static str)]) -> (MetricsSettings, Vec<String>) {
        let mut errors = Vec::new();
        let get = |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        (settings_from_vars(get, &mut errors), errors)
    }

    #[test]
    fn metrics_are_on_in_oackit_api_by_default() {
        assert_eq!(settings(&[]), (MetricsSettings::default(), vec![]));
        assert_eq!(Namespace::default().as_str(), "OacKit/Api");
    }

    #[test]
    fn metrics_off_disables_them() {
        assert!(!settings(&[("METRICS", "off")]).0.enabled);
    }

    #[test]
    fn a_metrics_value_other_than_on_or_off_is_refused() {
        let (_, errors) = settings(&[("METRICS", "false")]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("METRICS=\"false\""), "{errors:?}");
    }

    #[test]
    fn the_namespace_is_configurable() {
        let (s, errors) = settings(&[("METRICS_NAMESPACE", "Orders/Staging")]);
        assert_eq!((s.namespace.as_str(), errors.len()), ("Orders/Staging", 0));
    }

    #[test]
    fn a_reserved_aws_namespace_is_refused() {
        let (_, errors) = settings(&[("METRICS_NAMESPACE", "AWS/Lambda")]);
        assert!(errors[0].contains("reserved"), "{errors:?}");
    }

    #[test]
    fn a_namespace_over_255_characters_is_refused() {
        assert!(Namespace::new(&"a".repeat(256)).is_err());
        assert!(Namespace::new(&"a".repeat(255)).is_ok());
    }

    #[test]
    fn a_namespace_with_a_control_character_is_refused() {
        assert!(Namespace::new("Oac\nKit").is_err());
    }
}
