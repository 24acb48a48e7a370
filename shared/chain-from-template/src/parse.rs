//! Text → a template or a manifest's stacks, with a clear error for what is neither. Pure.

use serde_json::Value;

use crate::Error;

/// A CloudFormation template in JSON whose `Resources` is a non-empty object.
pub fn template(path: &str, text: &str) -> Result<Value, Error> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        if looks_like_yaml(text) {
            Error::Yaml(path.to_owned())
        } else {
            Error::NotJson {
                path: path.to_owned(),
                reason: e.to_string(),
            }
        }
    })?;
    match value.get("Resources") {
        Some(Value::Object(r)) if !r.is_empty() => Ok(value),
        Some(_) => Err(Error::NoResources(format!(
            "{path}: its Resources is not an object of resources"
        ))),
        None => Err(Error::NoResources(format!("{path}: it has no Resources"))),
    }
}

/// YAML a template author would write: a document marker, a comment, or a top-level `Key:`.
fn looks_like_yaml(text: &str) -> bool {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    first.is_some_and(|l| {
        l.starts_with("---")
            || l.starts_with('#')
            || l.split_once(':')
                .is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric()))
    })
}

/// The `aws:cloudformation:stack` artifacts of a cloud assembly's `manifest.json`: each one's
/// `templateFile` and the region of its `environment` (`aws://account/region`; `unknown-region`
/// → none).
pub fn manifest(path: &str, text: &str) -> Result<Vec<(String, Option<String>)>, Error> {
    let bad = |reason: String| Error::Manifest {
        path: path.to_owned(),
        reason,
    };
    let value: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let artifacts = value
        .get("artifacts")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("it has no artifacts object".into()))?;
    let mut out = Vec::new();
    for (name, artifact) in artifacts {
        if artifact.get("type").and_then(Value::as_str) != Some("aws:cloudformation:stack") {
            continue;
        }
        let file = artifact
            .pointer("/properties/templateFile")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(format!("stack {name} names no properties.templateFile")))?;
        if file.contains('/') || file.contains('\\') || file.starts_with('.') {
            return Err(bad(format!(
                "stack {name}'s templateFile {file:?} is not a file in the assembly"
            )));
        }
        let region = artifact
            .get("environment")
            .and_then(Value::as_str)
            .and_then(|env| env.strip_prefix("aws://"))
            .and_then(|rest| rest.split_once('/'))
            .map(|(_, region)| region)
            .filter(|r| !r.is_empty() && *r != "unknown-region")
            .map(str::to_owned);
        out.push((file.to_owned(), region));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_with_resources_is_read() {
        let t = template(
            "t.json",
            r#"{"Resources": {"A": {"Type": "AWS::S3::Bucket"}}}"#,
        )
        .unwrap();
        assert!(t["Resources"]["A"].is_object());
    }

    #[test]
    fn yaml_is_refused_as_yaml() {
        for text in [
            "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
            "---\nResources:\n  A: {}\n",
            "# a comment\nResources: {}\n",
        ] {
            let e = template("t.yaml", text).unwrap_err();
            assert!(matches!(e, Error::Yaml(_)), "{text}: {e}");
            assert!(e.to_string().contains("YAML"), "{e}");
        }
    }

    #[test]
    fn not_json_and_no_resources_are_refused() {
        let e = template("t.json", "{\"Resources\": ").unwrap_err();
        assert!(matches!(e, Error::NotJson { .. }), "{e}");
        assert!(e.to_string().starts_with("t.json: not JSON"), "{e}");
        for text in [
            r#"{"Outputs": {}}"#,
            r#"{"Resources": []}"#,
            r#"{"Resources": {}}"#,
        ] {
            let e = template("t.json", text).unwrap_err();
            assert!(matches!(e, Error::NoResources(_)), "{text}: {e}");
        }
    }

    #[test]
    fn a_manifest_lists_its_stacks_and_regions() {
        let text = r#"{"artifacts": {
            "A.assets": {"type": "cdk:asset-manifest"},
            "A": {"type": "aws:cloudformation:stack", "environment": "aws://1/eu-west-1",
                  "properties": {"templateFile": "A.template.json"}},
            "B": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
                  "properties": {"templateFile": "B.template.json"}}}}"#;
        let stacks = manifest("m", text).unwrap();
        assert_eq!(
            stacks,
            [
                ("A.template.json".to_owned(), Some("eu-west-1".to_owned())),
                ("B.template.json".to_owned(), None)
            ]
        );
    }

    #[test]
    fn a_bad_manifest_is_refused() {
        for text in [
            "nope",
            r#"{"version": "1"}"#,
            r#"{"artifacts": {"A": {"type": "aws:cloudformation:stack"}}}"#,
            r#"{"artifacts": {"A": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "../x.json"}}}}"#,
        ] {
            let e = manifest("m", text).unwrap_err();
            assert!(matches!(e, Error::Manifest { .. }), "{text}: {e}");
        }
    }
}
