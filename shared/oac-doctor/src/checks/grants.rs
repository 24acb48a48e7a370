//! The two grants CloudFront needs in the function's resource-based policy.

use super::{combine, function_url_origins, not_applicable};
use crate::model::{Chain, Grant, Known};
use crate::{Check, Verdict};

/// CloudFront's service principal.
const CLOUDFRONT: &str = "cloudfront.amazonaws.com";

/// `grant-invoke-function-url`.
pub const INVOKE_FUNCTION_URL: Check = Check {
    id: "grant-invoke-function-url",
    title: "CloudFront may `lambda:InvokeFunctionUrl` (AuthType AWS_IAM), scoped to this distribution",
    symptom: "403 AccessDeniedException from the Function URL for every request through CloudFront; the function is never invoked and logs nothing",
    fix: "Add a permission: principal `cloudfront.amazonaws.com`, action `lambda:InvokeFunctionUrl`, SourceArn `arn:aws:cloudfront::<account>:distribution/<id>` of this distribution (CDK: `FunctionUrlOrigin.withOriginAccessControl` adds it)",
    explanation: "A Function URL with AuthType AWS_IAM lets a caller in only if the function's resource-based policy allows it `lambda:InvokeFunctionUrl`. For CloudFront that is a statement for the service principal `cloudfront.amazonaws.com`, scoped with `AWS:SourceArn` to the distribution. AWS's own `add-permission` example for OAC and aws-cdk-lib's `withOriginAccessControl` put no `lambda:FunctionUrlAuthType` condition on it; a condition `NONE` would make the statement apply only to a public URL, so CloudFront's signed requests would not match it. Without the scope any distribution in any account could use the grant (the confused deputy); scoped to another distribution (a stale ID after a replacement) CloudFront's requests are refused with 403.\n\nThe check passes when, for every Function URL origin, one grant has exactly that principal, the action `lambda:InvokeFunctionUrl` (or `lambda:*`), no auth-type condition or `AWS_IAM`, and a SourceArn equal to this distribution's ARN (no wildcard). A policy the source could not read (GetPolicy denied) fails.",
    run: invoke_function_url,
};

/// `grant-invoke-function`.
pub const INVOKE_FUNCTION: Check = Check {
    id: "grant-invoke-function",
    title: "CloudFront may `lambda:InvokeFunction` via the Function URL, scoped to this distribution",
    symptom: "403 \"Forbidden. For troubleshooting Function URL authorization issues…\" from the Function URL; the function is never invoked and logs nothing",
    fix: "Add a second permission: principal `cloudfront.amazonaws.com`, action `lambda:InvokeFunction`, `InvokedViaFunctionUrl: true`, SourceArn of this distribution (aws-cdk-lib 2.276 adds it; older releases do not: aws/aws-cdk#35872; Terraform: `invoked_via_function_url = true`, provider 6.28 or later)",
    explanation: "Since October 2025 Lambda requires, besides `lambda:InvokeFunctionUrl`, a grant of `lambda:InvokeFunction` for a Function URL's caller, with the condition `lambda:InvokedViaFunctionUrl = true`; the exception for URLs created earlier ended on 1 November 2026. aws-cdk-lib's `FunctionUrlOrigin.withOriginAccessControl` granted only the first for a long time (aws/aws-cdk#35872), and the Terraform AWS provider could not express the condition before 6.28, so many chains deployed before then answer 403 now.\n\nThe check passes when, for every Function URL origin, one grant has the principal `cloudfront.amazonaws.com`, the action `lambda:InvokeFunction` (or `lambda:*`), `InvokedViaFunctionUrl = true` and a SourceArn equal to this distribution's ARN (no wildcard). A policy the source could not read fails.",
    run: invoke_function,
};

/// Which grant a check looks for.
struct Wanted {
    action: &'static str,
    /// Whether a grant's own condition is the one required, and if not, why.
    condition: fn(&Grant) -> Result<(), String>,
}

fn invoke_function_url(chain: &Chain) -> Verdict {
    check_grant(
        chain,
        &Wanted {
            action: "lambda:InvokeFunctionUrl",
            condition: |g| match g.function_url_auth_type.as_deref() {
                Some("AWS_IAM") => Ok(()),
                Some(other) => Err(format!(
                    "its FunctionUrlAuthType condition is `{other}`, not `AWS_IAM`"
                )),
                // AWS's documented grant for OAC has no auth-type condition.
                None => Ok(()),
            },
        },
    )
}

fn invoke_function(chain: &Chain) -> Verdict {
    check_grant(
        chain,
        &Wanted {
            action: "lambda:InvokeFunction",
            condition: |g| match g.invoked_via_function_url {
                Some(true) => Ok(()),
                Some(false) => Err("its InvokedViaFunctionUrl condition is false".into()),
                None => Err("it has no `lambda:InvokedViaFunctionUrl = true` condition".into()),
            },
        },
    )
}

fn check_grant(chain: &Chain, wanted: &Wanted) -> Verdict {
    let origins = function_url_origins(chain);
    if origins.is_empty() {
        return not_applicable("no Function URL origin");
    }
    let arn = chain.distribution.arn.as_str();
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    for (origin, url) in origins {
        let url = match url {
            Known::Read(u) => u,
            Known::Unknown(why) => {
                failures.push((
                    format!("origin {}", origin.id),
                    format!(
                        "the Function URL of origin {} could not be read ({why})",
                        origin.id
                    ),
                ));
                continue;
            }
        };
        let grants = match &url.grants {
            Known::Read(g) => g,
            Known::Unknown(why) => {
                failures.push((
                    url.resource.clone(),
                    format!(
                        "the resource-based policy of {} could not be read ({why})",
                        url.resource
                    ),
                ));
                continue;
            }
        };
        let candidates: Vec<&Grant> = grants
            .iter()
            .filter(|g| g.principal == CLOUDFRONT && covers(&g.action, wanted.action))
            .collect();
        let verdicts: Vec<(&Grant, Result<(), String>)> = candidates
            .iter()
            .map(|g| (*g, (wanted.condition)(g).and_then(|()| scoped(g, arn))))
            .collect();
        if let Some((g, _)) = verdicts.iter().find(|(_, r)| r.is_ok()) {
            passed.push(g.resource.clone());
        } else if verdicts.is_empty() {
            failures.push((
                url.resource.clone(),
                format!(
                    "{} grants `{CLOUDFRONT}` no `{}`",
                    url.resource, wanted.action
                ),
            ));
        } else {
            for (g, why) in verdicts {
                let why = why.err().unwrap_or_default();
                failures.push((
                    g.resource.clone(),
                    format!("{} (`{}`): {why}", g.resource, g.action),
                ));
            }
        }
    }
    combine(
        failures,
        passed,
        format!(
            "`{CLOUDFRONT}` may `{}`, scoped to this distribution",
            wanted.action
        ),
    )
}

/// Whether a grant's action covers `wanted`.
fn covers(action: &str, wanted: &str) -> bool {
    action.eq_ignore_ascii_case(wanted) || action == "lambda:*" || action == "*"
}

/// Whether a grant is scoped to exactly the distribution `arn`.
fn scoped(grant: &Grant, arn: &str) -> Result<(), String> {
    match grant.source_arn.as_deref() {
        None => {
            Err("it has no `AWS:SourceArn`: any distribution, in any account, may use it".into())
        }
        Some(s) if s.contains('*') || s.contains('?') => Err(format!(
            "its SourceArn `{s}` is a wildcard, not this distribution"
        )),
        Some(s) if s == arn => Ok(()),
        Some(s) => Err(format!(
            "its SourceArn `{s}` is another distribution, not `{arn}`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::good;
    use super::super::good::assert_fails;
    use super::*;
    use crate::Status;

    type Run = fn(&Chain) -> Verdict;
    const BOTH: [(Run, usize); 2] = [(invoke_function_url, 0), (invoke_function, 1)];

    #[test]
    fn the_construct_grants_pass_both() {
        let chain = good::chain();
        let v = invoke_function_url(&chain);
        assert_eq!(v.status, Status::Pass, "{}", v.reason);
        assert_eq!(v.resources, [good::invoke_function_url_grant().resource]);
        let v = invoke_function(&chain);
        assert_eq!(v.status, Status::Pass, "{}", v.reason);
        assert_eq!(v.resources, [good::invoke_function_grant().resource]);
    }

    #[test]
    fn a_missing_grant_fails_only_its_check() {
        for (run, i) in BOTH {
            let mut chain = good::chain();
            good::grants(&mut chain).remove(i);
            let v = run(&chain);
            assert_fails(&v, "grants `cloudfront.amazonaws.com` no");
            assert_eq!(v.resources, ["AWS::Lambda::Url ApiFunctionUrl736CA4E4"]);
            let (other, _) = BOTH[1 - i];
            assert_eq!(other(&chain).status, Status::Pass);
        }
    }

    #[test]
    fn the_plain_cdk_chain_before_2_276_fails_invoke_function() {
        let mut chain = good::chain();
        good::grants(&mut chain).retain(|g| g.action == "lambda:InvokeFunctionUrl");
        assert_fails(&invoke_function(&chain), "no `lambda:InvokeFunction`");
    }

    #[test]
    fn an_unscoped_grant_fails() {
        for (run, i) in BOTH {
            let mut chain = good::chain();
            good::grants(&mut chain)[i].source_arn = None;
            assert_fails(&run(&chain), "no `AWS:SourceArn`");
        }
    }

    #[test]
    fn a_wildcard_grant_fails() {
        for (run, i) in BOTH {
            let mut chain = good::chain();
            good::grants(&mut chain)[i].source_arn =
                Some("arn:aws:cloudfront::111122223333:distribution/*".into());
            assert_fails(&run(&chain), "wildcard");
        }
    }

    #[test]
    fn a_grant_for_another_distribution_fails() {
        for (run, i) in BOTH {
            let mut chain = good::chain();
            good::grants(&mut chain)[i].source_arn =
                Some("arn:aws:cloudfront::111122223333:distribution/EOTHER".into());
            let v = run(&chain);
            assert_fails(&v, "another distribution");
            assert_eq!(v.resources, [good::grants(&mut chain)[i].resource.clone()]);
        }
    }

    #[test]
    fn another_principal_does_not_count() {
        for (run, i) in BOTH {
            let mut chain = good::chain();
            good::grants(&mut chain)[i].principal = "*".into();
            assert_fails(&run(&chain), "no");
        }
    }

    #[test]
    fn an_invoke_function_url_grant_without_an_auth_type_condition_passes() {
        let mut chain = good::chain();
        good::grants(&mut chain)[0].function_url_auth_type = None;
        assert_eq!(invoke_function_url(&chain).status, Status::Pass);
    }

    #[test]
    fn a_missing_or_wrong_condition_fails() {
        let mut chain = good::chain();
        good::grants(&mut chain)[0].function_url_auth_type = Some("NONE".into());
        assert_fails(&invoke_function_url(&chain), "`NONE`");

        let mut chain = good::chain();
        good::grants(&mut chain)[1].invoked_via_function_url = None;
        assert_fails(&invoke_function(&chain), "no `lambda:InvokedViaFunctionUrl");
        good::grants(&mut chain)[1].invoked_via_function_url = Some(false);
        assert_fails(&invoke_function(&chain), "is false");
    }

    #[test]
    fn a_good_grant_beside_a_bad_one_passes() {
        let mut chain = good::chain();
        let mut stale = good::invoke_function_grant();
        stale.source_arn = Some("arn:aws:cloudfront::111122223333:distribution/EOLD".into());
        good::grants(&mut chain).insert(0, stale);
        assert_eq!(invoke_function(&chain).status, Status::Pass);
    }

    #[test]
    fn a_lambda_star_grant_covers_the_action() {
        let mut chain = good::chain();
        good::grants(&mut chain)[1].action = "lambda:*".into();
        assert_eq!(invoke_function(&chain).status, Status::Pass);
    }

    #[test]
    fn an_unreadable_policy_or_url_fails_both() {
        let mut chain = good::chain();
        good::url(&mut chain).grants = Known::Unknown("GetPolicy: AccessDenied".into());
        for (run, _) in BOTH {
            assert_fails(&run(&chain), "GetPolicy: AccessDenied");
        }
        let mut chain = good::chain();
        chain.distribution.origins[0].kind =
            crate::model::OriginKind::FunctionUrl(Known::Unknown("not found".into()));
        for (run, _) in BOTH {
            assert_fails(&run(&chain), "not found");
        }
    }

    #[test]
    fn a_bucket_only_chain_is_not_applicable() {
        let chain = good::bucket_only();
        for (run, _) in BOTH {
            assert_eq!(run(&chain).status, Status::NotApplicable);
        }
    }
}
