//! The origin access control in front of each Function URL, and the Function URL's auth type.

use super::{combine, function_url_origins, not_applicable};
use crate::model::{Chain, Known};
use crate::{Check, Verdict};

/// `oac-origin-type`.
pub const ORIGIN_TYPE: Check = Check {
    id: "oac-origin-type",
    title: "Every Function URL origin has an origin access control of origin type `lambda`",
    symptom: "403 from the Function URL (CloudFront sends the request unsigned, or signed for another service); the function is never invoked and logs nothing",
    fix: "Give the origin an origin access control with OriginAccessControlOriginType `lambda` (CDK: `FunctionUrlOrigin.withOriginAccessControl(url)`)",
    explanation: "A Function URL with AuthType AWS_IAM accepts only SigV4-signed requests for the `lambda` service. CloudFront signs origin requests only through an origin access control (OAC), and signs them for the service its origin type names: an origin without an OAC gets unsigned requests, and an OAC of type `s3` (or `mediastore`, `mediapackagev2`) signs for the wrong service. Either way Lambda answers 403 before the function runs.\n\nThe check looks at every origin that is a Function URL: it passes when each has an OAC the source could read whose origin type is `lambda`. An OAC the source could not read (e.g. GetOriginAccessControl denied) fails. A chain without a Function URL origin is not applicable.",
    run: origin_type,
};

/// `oac-signing`.
pub const SIGNING: Check = Check {
    id: "oac-signing",
    title: "That origin access control signs `always` with `sigv4`",
    symptom: "`never`: 403 from the Function URL (requests arrive unsigned); `no-override`: 403 whenever a viewer sends its own Authorization header, which then reaches Lambda instead of CloudFront's signature",
    fix: "Set the OAC's SigningBehavior to `always` and SigningProtocol to `sigv4` (CDK: `Signing.SIGV4_ALWAYS`); carry a viewer's credential in another header",
    explanation: "An OAC's signing behaviour decides whether CloudFront signs origin requests. `always` signs every request and overwrites the viewer's Authorization header: what the Function URL needs. `never` turns signing off, so an AWS_IAM Function URL refuses every request with 403. `no-override` signs only when the viewer sent no Authorization header; a viewer that sends one (a bearer token, basic auth) gets it passed through to Lambda, which cannot verify it and answers 403. `always-amz-auth` is for Lambda Web Function origins, not Function URLs. The protocol must be `sigv4`, the only one AWS offers.\n\nThe check looks at every Function URL origin that has an OAC (origins without one are `oac-origin-type`'s failure): each must be `always` + `sigv4`. An OAC the source could not read fails.",
    run: signing,
};

/// `function-url-auth`.
pub const FUNCTION_URL_AUTH: Check = Check {
    id: "function-url-auth",
    title: "The Function URL's AuthType is `AWS_IAM`",
    symptom: "With `NONE` anyone who learns the `*.lambda-url.<region>.on.aws` host calls the function directly, bypassing CloudFront, its viewer filter and its WAF",
    fix: "Set the Function URL's AuthType to `AWS_IAM` (CDK: `fn.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM })`) and grant CloudFront as `grant-invoke-function-url` and `grant-invoke-function` say",
    explanation: "OAC only protects a Function URL that refuses unsigned requests: AuthType `AWS_IAM`. With `NONE` the URL is public; CloudFront's signature is ignored and the function answers anyone who finds its host name (they are not secret: they appear in logs, certificates, error pages).\n\nThe check looks at every Function URL origin: each URL's AuthType must be `AWS_IAM`. A Function URL the source could not read (e.g. GetFunctionUrlConfig denied, or the function not found from the host) fails. A chain without a Function URL origin is not applicable.",
    run: function_url_auth,
};

fn origin_type(chain: &Chain) -> Verdict {
    let origins = function_url_origins(chain);
    if origins.is_empty() {
        return not_applicable("no Function URL origin");
    }
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    for (origin, _) in origins {
        let name = format!("origin {}", origin.id);
        match &origin.oac {
            None => failures.push((
                name.clone(),
                format!(
                    "{name} has no origin access control: CloudFront sends it unsigned requests"
                ),
            )),
            Some(Known::Unknown(why)) => failures.push((
                name.clone(),
                format!("{name}: its origin access control could not be read ({why})"),
            )),
            Some(Known::Read(oac)) if oac.origin_type == "lambda" => {
                passed.push(oac.resource.clone())
            }
            Some(Known::Read(oac)) => failures.push((
                oac.resource.clone(),
                format!(
                    "{} (on {name}) has origin type `{}`, not `lambda`",
                    oac.resource, oac.origin_type
                ),
            )),
        }
    }
    combine(
        failures,
        passed,
        "every Function URL origin has an OAC of type `lambda`".into(),
    )
}

fn signing(chain: &Chain) -> Verdict {
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    for (origin, _) in function_url_origins(chain) {
        match &origin.oac {
            None => {}
            Some(Known::Unknown(why)) => failures.push((
                format!("origin {}", origin.id),
                format!(
                    "origin {}: its origin access control could not be read ({why})",
                    origin.id
                ),
            )),
            Some(Known::Read(oac)) => {
                let why = match (oac.signing_behavior.as_str(), oac.signing_protocol.as_str()) {
                    ("always", "sigv4") => {
                        passed.push(oac.resource.clone());
                        continue;
                    }
                    ("always", other) => format!("signs with `{other}`, not `sigv4`"),
                    ("never", _) => "signs `never`: requests reach the Function URL unsigned and get 403".into(),
                    ("no-override", _) => "signs `no-override`: a viewer's own Authorization header is passed through unsigned-for-Lambda and gets 403".into(),
                    ("always-amz-auth", _) => "signs `always-amz-auth`, which is for Lambda Web Function origins, not Function URLs".into(),
                    (other, _) => format!("signs `{other}`, not `always`"),
                };
                failures.push((oac.resource.clone(), format!("{} {why}", oac.resource)));
            }
        }
    }
    if failures.is_empty() && passed.is_empty() {
        return not_applicable(
            "no Function URL origin has an origin access control (`oac-origin-type` reports that)",
        );
    }
    combine(
        failures,
        passed,
        "every Function URL origin's OAC signs `always` with `sigv4`".into(),
    )
}

fn function_url_auth(chain: &Chain) -> Verdict {
    let origins = function_url_origins(chain);
    if origins.is_empty() {
        return not_applicable("no Function URL origin");
    }
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    for (origin, url) in origins {
        match url {
            Known::Unknown(why) => failures.push((
                format!("origin {}", origin.id),
                format!(
                    "the Function URL of origin {} could not be read ({why})",
                    origin.id
                ),
            )),
            Known::Read(u) if u.auth_type == "AWS_IAM" => passed.push(u.resource.clone()),
            Known::Read(u) => failures.push((
                u.resource.clone(),
                format!(
                    "{} has AuthType `{}`: anyone can call it without CloudFront",
                    u.resource, u.auth_type
                ),
            )),
        }
    }
    combine(
        failures,
        passed,
        "every Function URL has AuthType `AWS_IAM`".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::good;
    use super::*;
    use crate::Status;
    use crate::model::{OriginAccessControl, OriginKind};

    fn oac(chain: &mut Chain) -> &mut OriginAccessControl {
        match &mut chain.distribution.origins[0].oac {
            Some(Known::Read(o)) => o,
            _ => unreachable!(),
        }
    }

    fn assert_fails(v: Verdict, needle: &str) {
        assert_eq!(v.status, Status::Fail, "{}", v.reason);
        assert!(v.reason.contains(needle), "{}", v.reason);
    }

    #[test]
    fn the_good_chain_passes_all_three() {
        let chain = good::chain();
        for check in [origin_type, signing, function_url_auth] {
            let v = check(&chain);
            assert_eq!(v.status, Status::Pass, "{}", v.reason);
        }
        assert_eq!(
            origin_type(&chain).resources,
            ["AWS::CloudFront::OriginAccessControl ApiOacCE5CBBFA"]
        );
    }

    #[test]
    fn an_s3_origin_type_fails() {
        let mut chain = good::chain();
        oac(&mut chain).origin_type = "s3".into();
        let v = origin_type(&chain);
        assert_fails(v.clone(), "origin type `s3`");
        assert_eq!(
            v.resources,
            ["AWS::CloudFront::OriginAccessControl ApiOacCE5CBBFA"]
        );
        assert_eq!(signing(&chain).status, Status::Pass);
    }

    #[test]
    fn no_oac_fails_origin_type_and_leaves_signing_not_applicable() {
        let mut chain = good::chain();
        chain.distribution.origins[0].oac = None;
        assert_fails(origin_type(&chain), "no origin access control");
        assert_eq!(signing(&chain).status, Status::NotApplicable);
    }

    #[test]
    fn an_unreadable_oac_fails_both() {
        let mut chain = good::chain();
        chain.distribution.origins[0].oac = Some(Known::Unknown("AccessDenied".into()));
        assert_fails(origin_type(&chain), "AccessDenied");
        assert_fails(signing(&chain), "AccessDenied");
    }

    #[test]
    fn every_signing_behaviour_but_always_fails() {
        for (behavior, needle) in [
            ("never", "unsigned"),
            ("no-override", "Authorization"),
            ("always-amz-auth", "Lambda Web Function"),
            ("sometimes", "not `always`"),
        ] {
            let mut chain = good::chain();
            oac(&mut chain).signing_behavior = behavior.into();
            assert_fails(signing(&chain), needle);
            assert_eq!(origin_type(&chain).status, Status::Pass);
        }
    }

    #[test]
    fn another_signing_protocol_fails() {
        let mut chain = good::chain();
        oac(&mut chain).signing_protocol = "sigv4a".into();
        assert_fails(signing(&chain), "`sigv4a`");
    }

    #[test]
    fn auth_type_none_fails() {
        let mut chain = good::chain();
        good::url(&mut chain).auth_type = "NONE".into();
        let v = function_url_auth(&chain);
        assert_fails(v.clone(), "AuthType `NONE`");
        assert_eq!(v.resources, ["AWS::Lambda::Url ApiFunctionUrl736CA4E4"]);
    }

    #[test]
    fn an_unreadable_function_url_fails_auth() {
        let mut chain = good::chain();
        chain.distribution.origins[0].kind =
            OriginKind::FunctionUrl(Known::Unknown("GetFunctionUrlConfig: AccessDenied".into()));
        assert_fails(
            function_url_auth(&chain),
            "GetFunctionUrlConfig: AccessDenied",
        );
    }

    #[test]
    fn a_bucket_only_chain_is_not_applicable() {
        let chain = good::bucket_only();
        for check in [origin_type, signing, function_url_auth] {
            assert_eq!(check(&chain).status, Status::NotApplicable);
        }
    }

    #[test]
    fn a_bucket_beside_the_function_url_is_ignored() {
        let mut chain = good::chain();
        good::add_bucket(&mut chain);
        assert_eq!(origin_type(&chain).status, Status::Pass);
        assert_eq!(signing(&chain).status, Status::Pass);
    }
}
