//! A distribution's configuration (the SDK's `DistributionConfig`) as the model's
//! [`Distribution`], given the parts read by the other calls ([`Parts`]). Pure: [`references`]
//! says which parts to read, [`map`] assembles them.

use std::collections::{BTreeSet, HashMap};

use aws_sdk_cloudfront::types::{
    AllowedMethods, CacheBehavior, DefaultCacheBehavior, DistributionConfig, ForwardedValues,
    FunctionAssociations, LambdaFunctionAssociations, Origin as SdkOrigin,
    ViewerCertificate as SdkCert,
};
use oac_doctor::model::{
    Behavior, CachePolicy, CloudFrontFunction, Distribution, EdgeFunction, FunctionAssociation,
    FunctionUrl, Headers, Known, LambdaAssociation, Origin, OriginAccessControl, OriginKind,
    OriginRequestPolicy, ViewerCertificate, ViewerMtls,
};

use crate::arn;
use crate::policies::headers;

/// What the configuration refers to by ID, ARN or host: the parts to read.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct References {
    /// Origin access control IDs.
    pub oacs: BTreeSet<String>,
    /// Function URL hosts of the origins.
    pub function_urls: BTreeSet<String>,
    /// Cache policy IDs.
    pub cache_policies: BTreeSet<String>,
    /// Origin request policy IDs.
    pub origin_request_policies: BTreeSet<String>,
    /// CloudFront Function ARNs.
    pub functions: BTreeSet<String>,
    /// Lambda@Edge (version) ARNs.
    pub edge_functions: BTreeSet<String>,
}

/// The parts read, keyed as in [`References`]. A key missing here reads as unknown.
#[derive(Debug, Default)]
pub struct Parts {
    /// By OAC ID.
    pub oacs: HashMap<String, Known<OriginAccessControl>>,
    /// By Function URL host.
    pub function_urls: HashMap<String, Known<FunctionUrl>>,
    /// By cache policy ID.
    pub cache_policies: HashMap<String, Known<CachePolicy>>,
    /// By origin request policy ID.
    pub origin_request_policies: HashMap<String, Known<OriginRequestPolicy>>,
    /// By CloudFront Function ARN.
    pub functions: HashMap<String, Known<CloudFrontFunction>>,
    /// By Lambda@Edge ARN.
    pub edge_functions: HashMap<String, Known<EdgeFunction>>,
}

fn part<T: Clone>(map: &HashMap<String, Known<T>>, key: &str) -> Known<T> {
    map.get(key)
        .cloned()
        .unwrap_or_else(|| Known::Unknown(format!("{key} was not read")))
}

/// A set ID: CloudFront returns an absent or empty string for "none".
fn set(id: &Option<String>) -> Option<&str> {
    id.as_deref().filter(|s| !s.is_empty())
}

/// Both kinds of behaviour, seen the same way.
struct AnyBehavior<'a> {
    path_pattern: Option<&'a str>,
    target_origin_id: &'a str,
    viewer_protocol_policy: &'a str,
    allowed_methods: Option<&'a AllowedMethods>,
    cache_policy_id: Option<&'a str>,
    origin_request_policy_id: Option<&'a str>,
    forwarded_values: Option<&'a ForwardedValues>,
    ttls: [Option<i64>; 3],
    functions: Option<&'a FunctionAssociations>,
    lambdas: Option<&'a LambdaFunctionAssociations>,
}

// The SDK marks legacy cache settings deprecated; distributions made with them still run.
#[allow(deprecated)]
impl<'a> From<&'a DefaultCacheBehavior> for AnyBehavior<'a> {
    fn from(b: &'a DefaultCacheBehavior) -> Self {
        Self {
            path_pattern: None,
            target_origin_id: &b.target_origin_id,
            viewer_protocol_policy: b.viewer_protocol_policy.as_str(),
            allowed_methods: b.allowed_methods.as_ref(),
            cache_policy_id: set(&b.cache_policy_id),
            origin_request_policy_id: set(&b.origin_request_policy_id),
            forwarded_values: b.forwarded_values.as_ref(),
            ttls: [b.min_ttl, b.default_ttl, b.max_ttl],
            functions: b.function_associations.as_ref(),
            lambdas: b.lambda_function_associations.as_ref(),
        }
    }
}

// The SDK marks legacy cache settings deprecated; distributions made with them still run.
#[allow(deprecated)]
impl<'a> From<&'a CacheBehavior> for AnyBehavior<'a> {
    fn from(b: &'a CacheBehavior) -> Self {
        Self {
            path_pattern: Some(&b.path_pattern),
            target_origin_id: &b.target_origin_id,
            viewer_protocol_policy: b.viewer_protocol_policy.as_str(),
            allowed_methods: b.allowed_methods.as_ref(),
            cache_policy_id: set(&b.cache_policy_id),
            origin_request_policy_id: set(&b.origin_request_policy_id),
            forwarded_values: b.forwarded_values.as_ref(),
            ttls: [b.min_ttl, b.default_ttl, b.max_ttl],
            functions: b.function_associations.as_ref(),
            lambdas: b.lambda_function_associations.as_ref(),
        }
    }
}

fn behaviors(config: &DistributionConfig) -> Vec<AnyBehavior<'_>> {
    let default = config.default_cache_behavior.iter().map(AnyBehavior::from);
    let others = config
        .cache_behaviors
        .iter()
        .flat_map(|b| b.items.iter().flatten())
        .map(AnyBehavior::from);
    default.chain(others).collect()
}

fn origins(config: &DistributionConfig) -> &[SdkOrigin] {
    config.origins.as_ref().map_or(&[], |o| o.items.as_slice())
}

/// The parts `config` refers to.
pub fn references(config: &DistributionConfig) -> References {
    let mut r = References::default();
    for o in origins(config) {
        if let Some(id) = set(&o.origin_access_control_id) {
            r.oacs.insert(id.to_owned());
        }
        if arn::function_url_region(&o.domain_name).is_some() {
            r.function_urls.insert(o.domain_name.to_ascii_lowercase());
        }
    }
    for b in behaviors(config) {
        r.cache_policies
            .extend(b.cache_policy_id.map(str::to_owned));
        r.origin_request_policies
            .extend(b.origin_request_policy_id.map(str::to_owned));
        for f in b.functions.iter().flat_map(|f| f.items.iter().flatten()) {
            r.functions.insert(f.function_arn.clone());
        }
        for l in b.lambdas.iter().flat_map(|l| l.items.iter().flatten()) {
            r.edge_functions.insert(l.lambda_function_arn.clone());
        }
    }
    r
}

/// The model's distribution `id` (ARN `arn`) from its configuration and the parts read.
pub fn map(id: &str, arn: &str, config: &DistributionConfig, parts: &Parts) -> Distribution {
    Distribution {
        resource: format!("distribution {id}"),
        arn: arn.to_owned(),
        origins: origins(config).iter().map(|o| origin(o, parts)).collect(),
        behaviors: behaviors(config)
            .iter()
            .map(|b| behavior(b, parts))
            .collect(),
        viewer_certificate: viewer_certificate(config.viewer_certificate.as_ref()),
        http_version: config.http_version.as_ref().map(|v| v.as_str().to_owned()),
        viewer_mtls: config.viewer_mtls_config.as_ref().map(|m| {
            let trust = m.trust_store_config.as_ref();
            ViewerMtls {
                mode: m.mode.as_str().to_owned(),
                trust_store: trust.map(|t| t.trust_store_id.clone()),
                ignore_certificate_expiry: trust
                    .and_then(|t| t.ignore_certificate_expiry)
                    .unwrap_or(false),
                connection_function: config
                    .connection_function_association
                    .as_ref()
                    .map(|c| c.id.clone()),
            }
        }),
    }
}

fn origin(o: &SdkOrigin, parts: &Parts) -> Origin {
    let host = o.domain_name.to_ascii_lowercase();
    let kind = if arn::function_url_region(&host).is_some() {
        OriginKind::FunctionUrl(part(&parts.function_urls, &host))
    } else if o.s3_origin_config.is_some()
        || (host.ends_with(".amazonaws.com") && host.contains(".s3"))
    {
        OriginKind::S3
    } else {
        OriginKind::Other
    };
    Origin {
        id: o.id.clone(),
        domain: o.domain_name.clone(),
        kind,
        oac: set(&o.origin_access_control_id).map(|id| part(&parts.oacs, id)),
    }
}

fn behavior(b: &AnyBehavior<'_>, parts: &Parts) -> Behavior {
    let cache = match (b.cache_policy_id, b.forwarded_values) {
        (Some(id), _) => part(&parts.cache_policies, id),
        (None, Some(fv)) => Known::Read(legacy_cache(fv, b.ttls)),
        (None, None) => Known::Unknown(
            "the behaviour has neither a cache policy nor legacy cache settings".into(),
        ),
    };
    let origin_request = match b.origin_request_policy_id {
        Some(id) => match part(&parts.origin_request_policies, id) {
            Known::Read(p) => Known::Read(Some(p)),
            Known::Unknown(why) => Known::Unknown(why),
        },
        None => Known::Read(None),
    };
    let allowed_methods = match b.allowed_methods {
        Some(m) => m
            .items
            .iter()
            .map(|m| m.as_str().to_ascii_uppercase())
            .collect(),
        None => vec!["GET".to_owned(), "HEAD".to_owned()],
    };
    Behavior {
        path_pattern: b.path_pattern.map(str::to_owned),
        target_origin_id: b.target_origin_id.to_owned(),
        allowed_methods,
        viewer_protocol_policy: b.viewer_protocol_policy.to_owned(),
        cache,
        origin_request,
        function_associations: b
            .functions
            .iter()
            .flat_map(|f| f.items.iter().flatten())
            .map(|f| FunctionAssociation {
                event_type: f.event_type.as_str().to_owned(),
                function: part(&parts.functions, &f.function_arn),
            })
            .collect(),
        lambda_associations: b
            .lambdas
            .iter()
            .flat_map(|l| l.items.iter().flatten())
            .map(|l| LambdaAssociation {
                event_type: l.event_type.as_str().to_owned(),
                include_body: l.include_body.unwrap_or(false),
                arn: l.lambda_function_arn.clone(),
                function: part(&parts.edge_functions, &l.lambda_function_arn),
            })
            .collect(),
    }
}

/// Legacy `ForwardedValues` and TTLs: the forwarded headers are the cache key (`*`: every viewer
/// header); anything is cached when a TTL is above zero (CloudFront's defaults: 0, 86400,
/// 31536000). Legacy settings never normalise `Accept-Encoding` (a whitelisted one is forwarded
/// as the viewer sent it, and shows in the key headers).
pub fn legacy_cache(fv: &ForwardedValues, [min, default, max]: [Option<i64>; 3]) -> CachePolicy {
    let names = fv
        .headers
        .as_ref()
        .and_then(|h| h.items.clone())
        .unwrap_or_default();
    let key_headers = if names.iter().any(|h| h == "*") {
        Headers::AllViewer
    } else {
        headers("whitelist", names)
    };
    let caches = [
        min.unwrap_or(0),
        default.unwrap_or(86_400),
        max.unwrap_or(31_536_000),
    ]
    .iter()
    .any(|ttl| *ttl > 0);
    CachePolicy {
        name: "legacy cache settings".to_owned(),
        caches,
        key_headers,
        accept_encoding: false,
    }
}

fn viewer_certificate(cert: Option<&SdkCert>) -> ViewerCertificate {
    let default = cert.is_none_or(|c| c.cloud_front_default_certificate == Some(true));
    ViewerCertificate {
        cloudfront_default: default,
        minimum_protocol_version: cert
            .filter(|_| !default)
            .and_then(|c| c.minimum_protocol_version.as_ref())
            .map(|v| v.as_str().to_owned()),
    }
}

#[cfg(test)]
#[path = "distribution_tests.rs"]
mod tests;
