//! Lambda's answers (the SDK's types) as the model's Function URL and Lambda@Edge version. Pure.

use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::operation::get_function_url_config::GetFunctionUrlConfigOutput;
use oac_doctor::model::{EdgeFunction, FunctionUrl, Grant, Known};

use crate::arn::LambdaArn;

/// A Function URL from `GetFunctionUrlConfig` and the grants of its function's policy. An absent
/// `InvokeMode` is Lambda's default, `BUFFERED`.
pub fn function_url(out: &GetFunctionUrlConfigOutput, grants: Known<Vec<Grant>>) -> FunctionUrl {
    FunctionUrl {
        resource: out.function_arn.clone(),
        auth_type: out.auth_type.as_str().to_owned(),
        invoke_mode: out
            .invoke_mode
            .as_ref()
            .map_or("BUFFERED", |m| m.as_str())
            .to_owned(),
        grants,
    }
}

/// A Lambda@Edge version from its ARN and `GetFunction`. A function without a runtime (a
/// container image, which Lambda@Edge does not run) reads as runtime `none`.
pub fn edge_function(arn: &str, parsed: &LambdaArn<'_>, out: &GetFunctionOutput) -> EdgeFunction {
    EdgeFunction {
        resource: arn.to_owned(),
        region: Some(parsed.region.to_owned()),
        qualifier: parsed.qualifier.map(str::to_owned),
        runtime: out
            .configuration
            .as_ref()
            .and_then(|c| c.runtime.as_ref())
            .map_or("none", |r| r.as_str())
            .to_owned(),
        baked_config: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::types::{FunctionConfiguration, FunctionUrlAuthType, InvokeMode, Runtime};

    fn url(invoke_mode: Option<InvokeMode>) -> GetFunctionUrlConfigOutput {
        GetFunctionUrlConfigOutput::builder()
            .function_url("https://abc.lambda-url.eu-west-1.on.aws/")
            .function_arn("arn:aws:lambda:eu-west-1:123456789012:function:api")
            .auth_type(FunctionUrlAuthType::AwsIam)
            .creation_time("2026-01-01T00:00:00Z")
            .last_modified_time("2026-01-01T00:00:00Z")
            .set_invoke_mode(invoke_mode)
            .build()
            .unwrap()
    }

    #[test]
    fn a_function_url_keeps_auth_type_invoke_mode_and_grants() {
        let u = function_url(&url(Some(InvokeMode::ResponseStream)), Known::Read(vec![]));
        assert_eq!(
            u.resource,
            "arn:aws:lambda:eu-west-1:123456789012:function:api"
        );
        assert_eq!(u.auth_type, "AWS_IAM");
        assert_eq!(u.invoke_mode, "RESPONSE_STREAM");
        assert_eq!(u.grants, Known::Read(vec![]));
        let why = Known::Unknown("GetPolicy api: AccessDeniedException: no".to_owned());
        let u = function_url(&url(None), why.clone());
        assert_eq!(u.invoke_mode, "BUFFERED");
        assert_eq!(u.grants, why);
    }

    #[test]
    fn an_edge_version_keeps_region_qualifier_and_runtime() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:edge:3";
        let parsed = crate::arn::lambda_arn(arn).unwrap();
        let out = GetFunctionOutput::builder()
            .configuration(
                FunctionConfiguration::builder()
                    .runtime(Runtime::Nodejs22x)
                    .build(),
            )
            .build();
        let e = edge_function(arn, &parsed, &out);
        assert_eq!(e.resource, arn);
        assert_eq!(e.region.as_deref(), Some("us-east-1"));
        assert_eq!(e.qualifier.as_deref(), Some("3"));
        assert_eq!(e.runtime, "nodejs22.x");
        assert_eq!(e.baked_config, None);
        let image = GetFunctionOutput::builder()
            .configuration(FunctionConfiguration::builder().build())
            .build();
        assert_eq!(edge_function(arn, &parsed, &image).runtime, "none");
    }
}
