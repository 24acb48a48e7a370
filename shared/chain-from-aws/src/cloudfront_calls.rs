//! The CloudFront calls (the I/O edge): each part it reads, or why not.

use aws_sdk_cloudfront::Client;
use aws_sdk_cloudfront::types::{DistributionConfig, FunctionStage};
use oac_doctor::managed;
use oac_doctor::model::{
    CachePolicy, CloudFrontFunction, Known, OriginAccessControl, OriginRequestPolicy,
};

use crate::reason::reason;
use crate::{Error, arn, policies};

/// `GetDistribution`: the distribution's ID, its ARN as grants name it, and its configuration.
/// Any failure (it does not exist, access denied) is an [`Error`]: without it there is no chain.
pub async fn distribution(
    client: &Client,
    id: &str,
) -> Result<(String, String, DistributionConfig), Error> {
    let out = client
        .get_distribution()
        .id(id)
        .send()
        .await
        .map_err(|e| Error::Aws(reason("GetDistribution", id, &e)))?;
    let d = out.distribution.ok_or_else(|| {
        Error::Aws(format!(
            "GetDistribution {id}: the answer holds no distribution"
        ))
    })?;
    let arn = arn::distribution_arn(&d.arn, &d.id)
        .ok_or_else(|| Error::Aws(format!("GetDistribution {id}: unexpected ARN {:?}", d.arn)))?;
    let config = d.distribution_config.ok_or_else(|| {
        Error::Aws(format!(
            "GetDistribution {id}: the answer holds no configuration"
        ))
    })?;
    Ok((d.id, arn, config))
}

/// `GetOriginAccessControl`.
pub async fn origin_access_control(client: &Client, id: &str) -> Known<OriginAccessControl> {
    match client.get_origin_access_control().id(id).send().await {
        Ok(out) => match out
            .origin_access_control
            .and_then(|o| o.origin_access_control_config)
        {
            Some(config) => Known::Read(policies::origin_access_control(id, &config)),
            None => Known::Unknown(format!(
                "GetOriginAccessControl {id}: the answer holds no configuration"
            )),
        },
        Err(e) => Known::Unknown(reason("GetOriginAccessControl", id, &e)),
    }
}

/// A managed cache policy from [`managed`], else `GetCachePolicy`.
pub async fn cache_policy(client: &Client, id: &str) -> Known<CachePolicy> {
    if let Some(p) = managed::cache_policy(id) {
        return Known::Read(p);
    }
    match client.get_cache_policy().id(id).send().await {
        Ok(out) => match out.cache_policy.and_then(|p| p.cache_policy_config) {
            Some(config) => Known::Read(policies::cache_policy(id, &config)),
            None => Known::Unknown(format!(
                "GetCachePolicy {id}: the answer holds no configuration"
            )),
        },
        Err(e) => Known::Unknown(reason("GetCachePolicy", id, &e)),
    }
}

/// A managed origin request policy from [`managed`], else `GetOriginRequestPolicy`.
pub async fn origin_request_policy(client: &Client, id: &str) -> Known<OriginRequestPolicy> {
    if let Some(p) = managed::origin_request_policy(id) {
        return Known::Read(p);
    }
    match client.get_origin_request_policy().id(id).send().await {
        Ok(out) => match out
            .origin_request_policy
            .and_then(|p| p.origin_request_policy_config)
        {
            Some(config) => Known::Read(policies::origin_request_policy(id, &config)),
            None => Known::Unknown(format!(
                "GetOriginRequestPolicy {id}: the answer holds no configuration"
            )),
        },
        Err(e) => Known::Unknown(reason("GetOriginRequestPolicy", id, &e)),
    }
}

/// The LIVE stage of the CloudFront Function `arn`: `DescribeFunction` (runtime, KeyValueStore
/// associations) and `GetFunction` (code). Either failing makes the function unknown.
pub async fn function(client: &Client, arn: &str) -> Known<CloudFrontFunction> {
    let Some(name) = arn::cloudfront_function_name(arn) else {
        return Known::Unknown(format!("{arn} is not a CloudFront Function ARN"));
    };
    let described = client
        .describe_function()
        .name(name)
        .stage(FunctionStage::Live)
        .send()
        .await;
    let config = match described {
        Ok(out) => match out.function_summary.and_then(|s| s.function_config) {
            Some(config) => config,
            None => {
                return Known::Unknown(format!(
                    "DescribeFunction {name}: the answer holds no configuration"
                ));
            }
        },
        Err(e) => return Known::Unknown(reason("DescribeFunction", name, &e)),
    };
    let code = match client
        .get_function()
        .name(name)
        .stage(FunctionStage::Live)
        .send()
        .await
    {
        Ok(out) => out
            .function_code
            .map(|c| c.into_inner())
            .unwrap_or_default(),
        Err(e) => return Known::Unknown(reason("GetFunction", name, &e)),
    };
    Known::Read(policies::cloudfront_function(name, &config, Some(&code)))
}
