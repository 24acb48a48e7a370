//! The required shape of a CloudWatch Embedded Metric Format document, checked member by member as
//! AWS's specification (and its JSON schema) states it: the validator the metric tests run every
//! rendered line through.

use serde_json::Value;

/// CloudWatch's metric units (MetricDatum), as the EMF schema lists them.
const UNITS: &[&str] = &[
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

fn is_name(value: &Value) -> bool {
    value.as_str().is_some_and(|s| (1..=255).contains(&s.len()))
}

fn only_members(object: &serde_json::Map<String, Value>, allowed: &[&str]) -> Option<String> {
    object
        .keys()
        .find(|k| !allowed.contains(&k.as_str()))
        .map(|k| format!("unexpected member {k:?}"))
}

/// Every way `line` breaks the EMF specification (empty: a valid document).
pub fn emf_violations(line: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if line.contains('\n') {
        errors.push("a document is one line".to_owned());
    }
    let root: Value = match serde_json::from_str(line) {
        Ok(root) => root,
        Err(e) => return vec![format!("not JSON: {e}")],
    };
    let Some(root) = root.as_object() else {
        return vec!["the root is not an object".to_owned()];
    };
    let Some(aws) = root.get("_aws").and_then(Value::as_object) else {
        return vec!["no _aws object".to_owned()];
    };
    errors.extend(only_members(aws, &["Timestamp", "CloudWatchMetrics"]));
    if !aws.get("Timestamp").is_some_and(Value::is_u64) {
        errors.push("_aws.Timestamp is not an integer (ms since the epoch)".to_owned());
    }
    let Some(directives) = aws.get("CloudWatchMetrics").and_then(Value::as_array) else {
        errors.push("_aws.CloudWatchMetrics is not an array".to_owned());
        return errors;
    };
    for (i, directive) in directives.iter().enumerate() {
        let Some(directive) = directive.as_object() else {
            errors.push(format!("directive {i} is not an object"));
            continue;
        };
        errors.extend(only_members(
            directive,
            &["Namespace", "Dimensions", "Metrics"],
        ));
        if !directive.get("Namespace").is_some_and(is_name) {
            errors.push(format!(
                "directive {i}: Namespace is not a 1-255 character string"
            ));
        }
        match directive.get("Dimensions").and_then(Value::as_array) {
            Some(sets) if !sets.is_empty() => {
                for set in sets {
                    let Some(keys) = set.as_array().filter(|keys| keys.len() <= 30) else {
                        errors.push(format!(
                            "directive {i}: a dimension set is not an array of at most 30 keys"
                        ));
                        continue;
                    };
                    for key in keys {
                        let is_string_member = key
                            .as_str()
                            .and_then(|k| root.get(k))
                            .and_then(Value::as_str)
                            .is_some_and(|value| !value.trim().is_empty());
                        if !is_name(key) || !is_string_member {
                            errors.push(format!(
                                "directive {i}: dimension {key} is not a top-level string member"
                            ));
                        }
                    }
                }
            }
            _ => errors.push(format!(
                "directive {i}: Dimensions is not a non-empty array"
            )),
        }
        let Some(metrics) = directive.get("Metrics").and_then(Value::as_array) else {
            errors.push(format!("directive {i}: Metrics is not an array"));
            continue;
        };
        if metrics.len() > 100 {
            errors.push(format!("directive {i}: more than 100 metrics"));
        }
        for metric in metrics {
            let Some(metric) = metric.as_object() else {
                errors.push(format!(
                    "directive {i}: a metric definition is not an object"
                ));
                continue;
            };
            errors.extend(only_members(metric, &["Name", "Unit", "StorageResolution"]));
            let name = metric.get("Name");
            if !name.is_some_and(is_name) {
                errors.push(format!(
                    "directive {i}: a metric has no 1-255 character Name"
                ));
                continue;
            }
            let target = name.and_then(Value::as_str).and_then(|n| root.get(n));
            let numeric = match target {
                Some(Value::Number(_)) => true,
                Some(Value::Array(values)) => {
                    values.len() <= 100 && values.iter().all(Value::is_number)
                }
                _ => false,
            };
            if !numeric {
                errors.push(format!(
                    "directive {i}: metric {:?} is not a top-level number",
                    name.unwrap()
                ));
            }
            if let Some(unit) = metric.get("Unit")
                && !unit.as_str().is_some_and(|u| UNITS.contains(&u))
            {
                errors.push(format!(
                    "directive {i}: unit {unit} is not a CloudWatch unit"
                ));
            }
        }
    }
    errors
}
