//! A distribution's cache behaviours (the default one first) and what runs on them: CloudFront
//! Functions, and Lambda@Edge versions followed to the stack defining them. Pure.

use oac_doctor::model::{
    Behavior, CloudFrontFunction, EdgeFunction, FunctionAssociation, Known, LambdaAssociation,
};
use serde_json::Value;

use crate::input::Assembly;
use crate::locate::{Res, function_of, resolve};
use crate::policies::{cache, origin_request};
use crate::render::render;

/// Every behaviour of a `DistributionConfig` in stack `stack`, the default one first.
pub fn behaviors(a: &Assembly, stack: usize, config: &Value) -> Vec<Behavior> {
    let default = config.get("DefaultCacheBehavior").into_iter();
    let others = config
        .get("CacheBehaviors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    default
        .chain(others)
        .map(|b| behavior(a, stack, b))
        .collect()
}

fn list<'a>(v: &'a Value, name: &str) -> impl Iterator<Item = &'a Value> {
    v.get(name).and_then(Value::as_array).into_iter().flatten()
}

fn behavior(a: &Assembly, stack: usize, b: &Value) -> Behavior {
    let text = |n: &str| b.get(n).map(render);
    let allowed_methods = match b.get("AllowedMethods") {
        Some(_) => list(b, "AllowedMethods")
            .map(|m| render(m).to_ascii_uppercase())
            .collect(),
        // CloudFront's default.
        None => vec!["GET".into(), "HEAD".into()],
    };
    Behavior {
        path_pattern: text("PathPattern"),
        target_origin_id: text("TargetOriginId").unwrap_or_default(),
        allowed_methods,
        viewer_protocol_policy: text("ViewerProtocolPolicy").unwrap_or_default(),
        cache: cache(a, stack, b),
        origin_request: origin_request(a, stack, b),
        function_associations: list(b, "FunctionAssociations")
            .map(|f| FunctionAssociation {
                event_type: f.get("EventType").map(render).unwrap_or_default(),
                function: cloudfront_function(a, stack, f.get("FunctionARN")),
            })
            .collect(),
        lambda_associations: list(b, "LambdaFunctionAssociations")
            .map(|l| lambda_association(a, stack, l))
            .collect(),
    }
}

fn cloudfront_function(
    a: &Assembly,
    stack: usize,
    arn: Option<&Value>,
) -> Known<CloudFrontFunction> {
    let arn = arn.unwrap_or(&Value::Null);
    let r = match resolve(a, stack, arn) {
        Ok(r) if r.ty() == "AWS::CloudFront::Function" => r,
        Ok(r) => return Known::Unknown(format!("{} is not a CloudFront Function", r.label())),
        Err(why) => return Known::Unknown(why),
    };
    let config = r.prop("FunctionConfig").unwrap_or(&Value::Null);
    Known::Read(CloudFrontFunction {
        resource: r.label(),
        runtime: config.get("Runtime").map(render).unwrap_or_default(),
        code: r.prop("FunctionCode").map(render),
        key_value_stores: list(config, "KeyValueStoreAssociations")
            .map(|k| k.get("KeyValueStoreARN").map(render).unwrap_or_default())
            .collect(),
    })
}

fn lambda_association(a: &Assembly, stack: usize, l: &Value) -> LambdaAssociation {
    let arn = l.get("LambdaFunctionARN").unwrap_or(&Value::Null);
    LambdaAssociation {
        event_type: l.get("EventType").map(render).unwrap_or_default(),
        include_body: l.get("IncludeBody").map(render).as_deref() == Some("true"),
        arn: render(arn),
        function: match resolve(a, stack, arn) {
            Ok(r) => edge_function(a, r),
            Err(why) => literal_version(arn).unwrap_or(Known::Unknown(why)),
        },
    }
}

/// A literal version ARN (`arn:aws:lambda:us-east-1:1:function:name:3`) names a function the
/// template does not define: its region and qualifier are read from the ARN, its runtime is not
/// known, so neither is the function.
fn literal_version(arn: &Value) -> Option<Known<EdgeFunction>> {
    let arn = arn.as_str()?;
    Some(Known::Unknown(format!(
        "{arn} is not defined in the template (its runtime cannot be read)"
    )))
}

/// The function version an association's ARN resolved to.
fn edge_function(a: &Assembly, r: Res<'_>) -> Known<EdgeFunction> {
    let qualifier = match r.ty() {
        // A version resource is a numbered version; its number is assigned at deploy time.
        "AWS::Lambda::Version" => Some(format!("${{{}.Version}}", r.logical)),
        "AWS::Lambda::Alias" => r.prop("Name").map(render),
        "AWS::Lambda::Function" => None,
        other => {
            return Known::Unknown(format!("{} is a {other}, not a Lambda version", r.logical));
        }
    };
    let f = match function_of(a, r, 0) {
        Ok(f) => f,
        Err(why) => return Known::Unknown(why),
    };
    let baked_config = f
        .prop("Code")
        .and_then(|c| c.get("S3Key"))
        .and_then(Value::as_str)
        .and_then(|key| key.strip_suffix(".zip"))
        .and_then(|hash| a.configs.get(hash))
        .cloned();
    Known::Read(EdgeFunction {
        resource: format!("{} (in {})", r.label(), a.stacks[r.stack].file_name()),
        region: a.stacks[r.stack].region.clone(),
        qualifier,
        runtime: f.prop("Runtime").map(render).unwrap_or_default(),
        baked_config,
    })
}
