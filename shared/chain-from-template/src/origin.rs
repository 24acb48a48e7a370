//! A distribution's origins: what each is (a Function URL of the template with its function's
//! grants, an S3 bucket, anything else) and its origin access control. Pure.

use oac_doctor::model::{FunctionUrl, Grant, Known, Origin, OriginAccessControl, OriginKind};
use serde_json::Value;

use crate::input::Assembly;
use crate::locate::{Res, all, function, resolve};
use crate::render::render;

/// One `Origins` entry of a distribution in stack `stack`.
pub fn origin(a: &Assembly, stack: usize, origin: &Value) -> Origin {
    let domain_value = origin.get("DomainName").unwrap_or(&Value::Null);
    let domain = render(domain_value);
    let oac = origin
        .get("OriginAccessControlId")
        .filter(|id| id.as_str() != Some(""))
        .map(|id| oac(a, stack, id));
    // An OAC of type lambda, or one the template does not show, on an origin whose domain it does
    // not show either, may well be a Function URL's: fail closed.
    let maybe_lambda_oac = match &oac {
        Some(Known::Read(o)) => o.origin_type == "lambda",
        Some(Known::Unknown(_)) => !domain_value.is_string(),
        None => false,
    };
    let kind = match resolve(a, stack, domain_value) {
        Ok(r) if r.ty() == "AWS::Lambda::Url" => OriginKind::FunctionUrl(function_url(a, r)),
        Ok(r) if r.ty() == "AWS::S3::Bucket" => OriginKind::S3,
        _ if domain.contains(".lambda-url.") || maybe_lambda_oac => {
            OriginKind::FunctionUrl(Known::Unknown(format!(
                "the Function URL {domain} is not defined in the template"
            )))
        }
        _ if origin.get("S3OriginConfig").is_some() || domain.contains(".s3.") => OriginKind::S3,
        _ => OriginKind::Other,
    };
    Origin {
        id: origin.get("Id").map(render).unwrap_or_default(),
        domain,
        kind,
        oac,
    }
}

fn oac(a: &Assembly, stack: usize, id: &Value) -> Known<OriginAccessControl> {
    let r = match resolve(a, stack, id) {
        Ok(r) if r.ty() == "AWS::CloudFront::OriginAccessControl" => r,
        Ok(r) => return Known::Unknown(format!("{} is not an origin access control", r.label())),
        Err(why) => return Known::Unknown(why),
    };
    let config = r.prop("OriginAccessControlConfig").unwrap_or(&Value::Null);
    let field = |n: &str| config.get(n).map(render).unwrap_or_default();
    Known::Read(OriginAccessControl {
        resource: r.label(),
        origin_type: field("OriginAccessControlOriginType"),
        signing_behavior: field("SigningBehavior"),
        signing_protocol: field("SigningProtocol"),
    })
}

/// An `AWS::Lambda::Url` and the grants on its function.
fn function_url(a: &Assembly, url: Res<'_>) -> Known<FunctionUrl> {
    let target = url.prop("TargetFunctionArn").unwrap_or(&Value::Null);
    let grants = match function(a, url.stack, target) {
        Ok(f) => Known::Read(grants(a, f)),
        Err(why) => Known::Unknown(format!(
            "{}'s function is not in the template, so neither is its policy: {why}",
            url.label()
        )),
    };
    Known::Read(FunctionUrl {
        resource: url.label(),
        auth_type: url.prop("AuthType").map(render).unwrap_or_default(),
        invoke_mode: url
            .prop("InvokeMode")
            .map_or_else(|| "BUFFERED".to_owned(), render),
        grants,
    })
}

/// Every `AWS::Lambda::Permission` of the assembly on function `f`.
fn grants(a: &Assembly, f: Res<'_>) -> Vec<Grant> {
    all(a)
        .filter(|p| p.ty() == "AWS::Lambda::Permission")
        .filter(|p| {
            p.prop("FunctionName")
                .and_then(|name| function(a, p.stack, name).ok())
                .is_some_and(|g| g.stack == f.stack && g.logical == f.logical)
        })
        .map(|p| {
            let text = |n: &str| p.prop(n).map(render);
            Grant {
                resource: p.label(),
                principal: text("Principal").unwrap_or_default(),
                action: text("Action").unwrap_or_default(),
                source_arn: text("SourceArn"),
                function_url_auth_type: text("FunctionUrlAuthType"),
                invoked_via_function_url: p
                    .prop("InvokedViaFunctionUrl")
                    .map(|v| render(v) == "true"),
            }
        })
        .collect()
}
