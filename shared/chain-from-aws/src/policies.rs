//! CloudFront's cache and origin request policies, origin access controls and CloudFront Functions
//! (the SDK's configuration types) as the model's. Pure.

use aws_sdk_cloudfront::types::{
    CachePolicyConfig, FunctionConfig, OriginAccessControlConfig, OriginRequestPolicyConfig,
};
use oac_doctor::model::{
    CachePolicy, CloudFrontFunction, Headers, OriginAccessControl, OriginRequestPolicy,
};

/// A header name as the model keeps it: lower case.
pub fn lower(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// A `HeaderBehavior` and its `Headers` items as the model's [`Headers`]. A behaviour this reader
/// does not know reads as every viewer header, so the checks never take it as safe.
pub fn headers(behavior: &str, names: Vec<String>) -> Headers {
    let names: Vec<String> = names.iter().map(|n| lower(n)).collect();
    match behavior {
        "none" => Headers::None,
        "whitelist" if names.is_empty() => Headers::None,
        "whitelist" => Headers::Only(names),
        "allViewer" => Headers::AllViewer,
        "allViewerAndWhitelistCloudFront" => Headers::AllViewerAndCloudFront(names),
        "allExcept" => Headers::AllExcept(names),
        _ => Headers::AllViewer,
    }
}

fn items(h: Option<&aws_sdk_cloudfront::types::Headers>) -> Vec<String> {
    h.and_then(|h| h.items.clone()).unwrap_or_default()
}

/// A custom cache policy: it caches when its maximum TTL is above zero (the minimum and default
/// never exceed it).
pub fn cache_policy(id: &str, config: &CachePolicyConfig) -> CachePolicy {
    let params = config
        .parameters_in_cache_key_and_forwarded_to_origin
        .as_ref();
    let key_headers = match params.and_then(|p| p.headers_config.as_ref()) {
        Some(h) => headers(h.header_behavior.as_str(), items(h.headers.as_ref())),
        None => Headers::None,
    };
    let max = config.max_ttl.unwrap_or(31_536_000).max(config.min_ttl);
    CachePolicy {
        name: format!("cache policy {} ({id})", config.name),
        caches: max > 0,
        key_headers,
        accept_encoding: params.is_some_and(|p| {
            p.enable_accept_encoding_gzip || p.enable_accept_encoding_brotli == Some(true)
        }),
    }
}

/// A custom origin request policy.
pub fn origin_request_policy(id: &str, config: &OriginRequestPolicyConfig) -> OriginRequestPolicy {
    OriginRequestPolicy {
        name: format!("origin request policy {} ({id})", config.name),
        headers: match config.headers_config.as_ref() {
            Some(h) => headers(h.header_behavior.as_str(), items(h.headers.as_ref())),
            None => Headers::None,
        },
    }
}

/// An origin access control.
pub fn origin_access_control(id: &str, config: &OriginAccessControlConfig) -> OriginAccessControl {
    OriginAccessControl {
        resource: format!("origin access control {id}"),
        origin_type: config.origin_access_control_origin_type.as_str().to_owned(),
        signing_behavior: config.signing_behavior.as_str().to_owned(),
        signing_protocol: config.signing_protocol.as_str().to_owned(),
    }
}

/// A CloudFront Function's LIVE stage: `DescribeFunction`'s configuration and `GetFunction`'s code
/// (`None` when it could not be read or is not UTF-8).
pub fn cloudfront_function(
    name: &str,
    config: &FunctionConfig,
    code: Option<&[u8]>,
) -> CloudFrontFunction {
    CloudFrontFunction {
        resource: name.to_owned(),
        runtime: config.runtime.as_str().to_owned(),
        code: code
            .and_then(|c| std::str::from_utf8(c).ok())
            .map(str::to_owned),
        key_value_stores: config
            .key_value_store_associations
            .iter()
            .flat_map(|a| a.items.iter().flatten())
            .map(|a| a.key_value_store_arn.clone())
            .collect(),
    }
}

#[cfg(test)]
#[path = "policies_tests.rs"]
mod tests;
