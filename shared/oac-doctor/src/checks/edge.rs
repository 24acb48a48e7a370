//! The Lambda@Edge functions the behaviours run: numbered version, region, runtime.

use super::{combine, not_applicable};
use crate::model::{Chain, EdgeFunction, Known};
use crate::{Check, Verdict};

/// The runtimes Lambda@Edge documents ("Restrictions on Lambda@Edge", Supported runtimes) that
/// Lambda has not deprecated, as of December 2026. Lambda@Edge takes no other.
const SUPPORTED_RUNTIMES: &[&str] = &["nodejs22.x", "python3.13", "python3.12", "python3.11"];

/// Runtimes Lambda@Edge documents but Lambda has deprecated: functions on them run, but can no
/// longer be created or updated.
const DEPRECATED_RUNTIMES: &[&str] = &[
    "nodejs20.x",
    "nodejs18.x",
    "nodejs16.x",
    "nodejs14.x",
    "nodejs12.x",
    "nodejs10.x",
    "nodejs8.10",
    "nodejs6.10",
    "python3.10",
    "python3.9",
    "python3.8",
    "python3.7",
];

/// `edge-function-version`.
pub const EDGE_FUNCTION_VERSION: Check = Check {
    id: "edge-function-version",
    title: "Every Lambda@Edge association names a numbered version in us-east-1 with a supported runtime",
    symptom: "The distribution cannot be deployed or updated (InvalidLambdaFunctionAssociation), or the function cannot be updated any more; at the edge, 502/503 LambdaValidationError or LambdaExecutionError",
    fix: "Associate a published numbered version (`…:function:name:7`, CDK: `cloudfront.experimental.EdgeFunction` + `currentVersion`) of a function in us-east-1 on a supported Node.js or Python runtime (nodejs22.x, python3.11–3.13)",
    explanation: "Lambda@Edge replicates a function version to CloudFront's edge locations, so it takes only what can be replicated unchanged: a numbered version (not `$LATEST`, not an alias, not the unqualified ARN), of a function in US East (N. Virginia), on a Node.js or Python runtime the service supports (no custom runtime such as `provided.al2023`, no container image). A runtime Lambda has deprecated keeps running but the function can no longer be updated.\n\nThe check looks at every Lambda@Edge association of every behaviour. A numbered version is a qualifier of digits, or in a template an `AWS::Lambda::Version`'s `Version` attribute (rendered `${Logical.Version}`). The region must be read as `us-east-1`, the runtime one of nodejs22.x, python3.13, python3.12, python3.11 (Lambda@Edge's documented runtimes less those Lambda has deprecated, December 2026). A function the source could not read fails. Without Lambda@Edge associations the check is not applicable.",
    run: edge_function_version,
};

fn edge_function_version(chain: &Chain) -> Verdict {
    let mut seen: Vec<&str> = Vec::new();
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    let associations = chain
        .distribution
        .behaviors
        .iter()
        .flat_map(|b| &b.lambda_associations);
    for a in associations {
        if seen.contains(&a.arn.as_str()) {
            continue;
        }
        seen.push(&a.arn);
        let f = match &a.function {
            Known::Read(f) => f,
            Known::Unknown(why) => {
                failures.push((
                    a.arn.clone(),
                    format!("Lambda@Edge function {} could not be read ({why})", a.arn),
                ));
                continue;
            }
        };
        let problems: Vec<String> = [qualifier(f), region(f), runtime(&f.runtime)]
            .into_iter()
            .filter_map(Result::err)
            .collect();
        if problems.is_empty() {
            passed.push(f.resource.clone());
        } else {
            failures.push((
                f.resource.clone(),
                format!("{}: {}", f.resource, problems.join(", ")),
            ));
        }
    }
    if failures.is_empty() && passed.is_empty() {
        return not_applicable("no Lambda@Edge association");
    }
    combine(
        failures,
        passed,
        "every Lambda@Edge function is a numbered version in us-east-1 on a supported runtime"
            .into(),
    )
}

fn qualifier(f: &EdgeFunction) -> Result<(), String> {
    match f.qualifier.as_deref() {
        Some(q) if !q.is_empty() && q.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        Some(q) if q.starts_with("${") && q.ends_with(".Version}") => Ok(()),
        Some("$LATEST") => Err("names $LATEST, not a numbered version".into()),
        Some(q) => Err(format!("names `{q}` (an alias), not a numbered version")),
        None => Err("is unqualified, not a numbered version".into()),
    }
}

fn region(f: &EdgeFunction) -> Result<(), String> {
    match f.region.as_deref() {
        Some("us-east-1") => Ok(()),
        Some(r) => Err(format!("is in {r}, not us-east-1")),
        None => Err("its region could not be read (Lambda@Edge requires us-east-1)".into()),
    }
}

fn runtime(runtime: &str) -> Result<(), String> {
    if SUPPORTED_RUNTIMES.contains(&runtime) {
        Ok(())
    } else if DEPRECATED_RUNTIMES.contains(&runtime) {
        Err(format!(
            "runs {runtime}, which Lambda has deprecated (it can no longer be updated)"
        ))
    } else if runtime.starts_with("nodejs") || runtime.starts_with("python") {
        Err(format!(
            "runs {runtime}, not one Lambda@Edge documents ({})",
            SUPPORTED_RUNTIMES.join(", ")
        ))
    } else {
        Err(format!(
            "runs `{runtime}`: Lambda@Edge supports only Node.js and Python"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::good;
    use super::*;
    use crate::Status;

    fn assert_fails(v: &Verdict, needle: &str) {
        assert_eq!(v.status, Status::Fail, "{}", v.reason);
        assert!(v.reason.contains(needle), "{}", v.reason);
    }

    fn with(change: impl FnOnce(&mut EdgeFunction)) -> Chain {
        let mut chain = good::chain();
        if let Known::Read(f) = &mut good::only_behavior(&mut chain).lambda_associations[0].function
        {
            change(f);
        }
        chain
    }

    #[test]
    fn the_template_version_passes() {
        let v = edge_function_version(&good::chain());
        assert_eq!(v.status, Status::Pass, "{}", v.reason);
        assert_eq!(
            v.resources,
            ["AWS::Lambda::Version BodyHashCurrentVersionB4C84B1C"]
        );
    }

    #[test]
    fn a_numbered_live_version_passes() {
        let chain = with(|f| f.qualifier = Some("12".into()));
        assert_eq!(edge_function_version(&chain).status, Status::Pass);
    }

    #[test]
    fn latest_alias_and_unqualified_fail() {
        for (q, needle) in [
            (Some("$LATEST"), "$LATEST"),
            (Some("live"), "`live` (an alias)"),
            (Some("${Fn.Arn}"), "an alias"),
            (None, "unqualified"),
        ] {
            let chain = with(|f| f.qualifier = q.map(String::from));
            assert_fails(&edge_function_version(&chain), needle);
        }
    }

    #[test]
    fn another_or_unknown_region_fails() {
        assert_fails(
            &edge_function_version(&with(|f| f.region = Some("eu-west-1".into()))),
            "in eu-west-1",
        );
        assert_fails(
            &edge_function_version(&with(|f| f.region = None)),
            "region could not be read",
        );
    }

    #[test]
    fn unsupported_runtimes_fail() {
        for (r, needle) in [
            ("provided.al2023", "only Node.js and Python"),
            ("java21", "only Node.js and Python"),
            ("nodejs18.x", "deprecated"),
            ("python3.9", "deprecated"),
            ("nodejs99.x", "not one Lambda@Edge documents"),
        ] {
            assert_fails(
                &edge_function_version(&with(|f| f.runtime = r.into())),
                needle,
            );
        }
        for r in SUPPORTED_RUNTIMES {
            assert_eq!(
                edge_function_version(&with(|f| f.runtime = (*r).into())).status,
                Status::Pass
            );
        }
    }

    #[test]
    fn every_problem_is_named_once_per_function() {
        let mut chain = with(|f| {
            f.qualifier = None;
            f.runtime = "provided.al2023".into();
        });
        good::add_bucket(&mut chain);
        chain.distribution.behaviors[1].lambda_associations =
            vec![good::only_behavior(&mut chain).lambda_associations[0].clone()];
        let v = edge_function_version(&chain);
        assert_fails(
            &v,
            "unqualified, not a numbered version, runs `provided.al2023`",
        );
        assert_eq!(v.resources.len(), 1);
        assert_eq!(v.reason.matches("unqualified").count(), 1);
    }

    #[test]
    fn an_unreadable_function_fails() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).lambda_associations[0].function =
            Known::Unknown("GetFunction denied".into());
        assert_fails(&edge_function_version(&chain), "GetFunction denied");
    }

    #[test]
    fn no_association_is_not_applicable() {
        assert_eq!(
            edge_function_version(&good::bucket_only()).status,
            Status::NotApplicable
        );
    }
}
