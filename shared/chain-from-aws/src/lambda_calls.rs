//! The Lambda calls (the I/O edge): the Function URL behind an origin, its function's policy, and
//! the Lambda@Edge versions, each in its own region.

use aws_config::{Region, SdkConfig};
use aws_sdk_lambda::Client;
use aws_sdk_lambda::operation::get_function_url_config::GetFunctionUrlConfigOutput;
use oac_doctor::model::{EdgeFunction, FunctionUrl, Known};

use crate::reason::reason;
use crate::{Options, arn, lambda_map, policy};

fn client(config: &SdkConfig, region: &str) -> Client {
    let config = aws_sdk_lambda::config::Builder::from(config)
        .region(Region::new(region.to_owned()))
        .build();
    Client::from_conf(config)
}

/// The Function URL with host `host` (`<id>.lambda-url.<region>.on.aws`): the function is
/// `options.function`, else the one `ListFunctions` + `GetFunctionUrlConfig` find with that URL;
/// then `GetPolicy` for its grants.
pub async fn function_url(config: &SdkConfig, host: &str, options: &Options) -> Known<FunctionUrl> {
    let Some(region) = arn::function_url_region(host) else {
        return Known::Unknown(format!("{host} is not a Function URL host"));
    };
    let client = client(config, region);
    let found = match &options.function {
        Some(name) => named(&client, name, host).await,
        None => find(&client, region, host).await,
    };
    let url = match found {
        Ok(url) => url,
        Err(why) => return Known::Unknown(why),
    };
    let grants = match client
        .get_policy()
        .function_name(&url.function_arn)
        .send()
        .await
    {
        Ok(out) => match out.policy {
            Some(p) => policy::grants(&p),
            None => Known::Unknown(format!(
                "GetPolicy {}: the answer holds no policy",
                url.function_arn
            )),
        },
        // The function exists (its URL was just read): no policy at all grants nothing.
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            Known::Read(vec![])
        }
        Err(e) => Known::Unknown(reason("GetPolicy", &url.function_arn, &e)),
    };
    Known::Read(lambda_map::function_url(&url, grants))
}

async fn named(
    client: &Client,
    name: &str,
    host: &str,
) -> Result<GetFunctionUrlConfigOutput, String> {
    let out = client
        .get_function_url_config()
        .function_name(name)
        .send()
        .await
        .map_err(|e| reason("GetFunctionUrlConfig", name, &e))?;
    if arn::url_host(&out.function_url) == host {
        Ok(out)
    } else {
        Err(format!(
            "GetFunctionUrlConfig {name}: its Function URL is {}, not the origin's {host}",
            out.function_url
        ))
    }
}

async fn find(
    client: &Client,
    region: &str,
    host: &str,
) -> Result<GetFunctionUrlConfigOutput, String> {
    let mut pages = client.list_functions().into_paginator().items().send();
    let mut failed = None;
    while let Some(function) = pages.next().await {
        let function = function.map_err(|e| reason("ListFunctions", region, &e))?;
        let Some(name) = function.function_name else {
            continue;
        };
        match client
            .get_function_url_config()
            .function_name(&name)
            .send()
            .await
        {
            Ok(out) if arn::url_host(&out.function_url) == host => return Ok(out),
            Ok(_) => {}
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) => {}
            Err(e) => {
                failed.get_or_insert_with(|| reason("GetFunctionUrlConfig", &name, &e));
            }
        }
    }
    let after = failed.map_or(String::new(), |f| format!(" (and {f})"));
    Err(format!(
        "no function found by ListFunctions + GetFunctionUrlConfig in {region} has the Function URL {host}{after}; name it with --function"
    ))
}

/// The Lambda@Edge version `arn`: `GetFunction` in the ARN's region (us-east-1 for Lambda@Edge).
pub async fn edge_function(config: &SdkConfig, arn: &str) -> Known<EdgeFunction> {
    let Some(parsed) = arn::lambda_arn(arn) else {
        return Known::Unknown(format!("{arn} is not a Lambda function ARN"));
    };
    match client(config, parsed.region)
        .get_function()
        .function_name(arn)
        .send()
        .await
    {
        Ok(out) => Known::Read(lambda_map::edge_function(arn, &parsed, &out)),
        Err(e) => Known::Unknown(reason("GetFunction", arn, &e)),
    }
}
