//! A behaviour's cache and origin request settings: a managed policy's ID (through
//! `oac_doctor::managed`), an `AWS::CloudFront::CachePolicy`/`OriginRequestPolicy` of the template,
//! or the legacy `ForwardedValues` + TTLs. Pure.

use oac_doctor::managed;
use oac_doctor::model::{CachePolicy, Headers, Known, OriginRequestPolicy};
use serde_json::Value;

use crate::input::Assembly;
use crate::locate::resolve;
use crate::render::render;

/// The behaviour's cache policy (or what its legacy settings amount to).
pub fn cache(a: &Assembly, stack: usize, behavior: &Value) -> Known<CachePolicy> {
    if let Some(id) = behavior.get("CachePolicyId") {
        return by_id(
            a,
            stack,
            id,
            managed::cache_policy,
            "AWS::CloudFront::CachePolicy",
            |r| template_cache_policy(r.label(), r.prop("CachePolicyConfig")),
        );
    }
    match behavior.get("ForwardedValues") {
        Some(fv) => legacy_cache(behavior, fv),
        None => {
            Known::Unknown("the behaviour has neither CachePolicyId nor ForwardedValues".into())
        }
    }
}

/// The behaviour's origin request policy (`None`: it has none; legacy `ForwardedValues` forward
/// what they key on).
pub fn origin_request(
    a: &Assembly,
    stack: usize,
    behavior: &Value,
) -> Known<Option<OriginRequestPolicy>> {
    if let Some(id) = behavior.get("OriginRequestPolicyId") {
        let found = by_id(
            a,
            stack,
            id,
            managed::origin_request_policy,
            "AWS::CloudFront::OriginRequestPolicy",
            |r| template_origin_request_policy(r.label(), r.prop("OriginRequestPolicyConfig")),
        );
        return match found {
            Known::Read(p) => Known::Read(Some(p)),
            Known::Unknown(why) => Known::Unknown(why),
        };
    }
    if behavior.get("CachePolicyId").is_none()
        && let Some(fv) = behavior.get("ForwardedValues")
    {
        return Known::Read(Some(OriginRequestPolicy {
            name: "legacy ForwardedValues".into(),
            headers: forwarded_headers(fv),
        }));
    }
    Known::Read(None)
}

/// A policy named by a literal ID (managed) or a reference to a policy resource of the template.
fn by_id<T>(
    a: &Assembly,
    stack: usize,
    id: &Value,
    managed: fn(&str) -> Option<T>,
    ty: &str,
    from_template: impl Fn(crate::locate::Res<'_>) -> Known<T>,
) -> Known<T> {
    if let Some(literal) = id.as_str() {
        return managed(literal).map_or_else(
            || {
                Known::Unknown(format!(
                    "{literal} is neither a managed policy nor defined in the template"
                ))
            },
            Known::Read,
        );
    }
    match resolve(a, stack, id) {
        Ok(r) if r.ty() == ty => from_template(r),
        Ok(r) => Known::Unknown(format!("{} is not a {ty}", r.label())),
        Err(why) => Known::Unknown(why),
    }
}

fn number(config: &Value, name: &str) -> Option<f64> {
    let v = config.get(name)?;
    v.as_f64().or_else(|| v.as_str()?.parse().ok())
}

fn template_cache_policy(label: String, config: Option<&Value>) -> Known<CachePolicy> {
    let Some(config) = config else {
        return Known::Unknown(format!("{label} has no CachePolicyConfig"));
    };
    let ttls: Option<Vec<f64>> = ["MinTTL", "DefaultTTL", "MaxTTL"]
        .iter()
        .map(|n| number(config, n))
        .collect();
    let Some(ttls) = ttls else {
        return Known::Unknown(format!("{label}: a TTL is missing or not a number"));
    };
    let params = config
        .get("ParametersInCacheKeyAndForwardedToOrigin")
        .unwrap_or(&Value::Null);
    let key_headers = match headers(params.get("HeadersConfig")) {
        Ok(h) => h,
        Err(why) => return Known::Unknown(format!("{label}: {why}")),
    };
    let on = |n: &str| params.get(n).map(render).as_deref() == Some("true");
    Known::Read(CachePolicy {
        name: label,
        caches: ttls.iter().any(|t| *t > 0.0),
        key_headers,
        accept_encoding: on("EnableAcceptEncodingGzip") || on("EnableAcceptEncodingBrotli"),
    })
}

fn template_origin_request_policy(
    label: String,
    config: Option<&Value>,
) -> Known<OriginRequestPolicy> {
    match config.map(|c| headers(c.get("HeadersConfig"))) {
        Some(Ok(headers)) => Known::Read(OriginRequestPolicy {
            name: label,
            headers,
        }),
        Some(Err(why)) => Known::Unknown(format!("{label}: {why}")),
        None => Known::Unknown(format!("{label} has no OriginRequestPolicyConfig")),
    }
}

/// A `HeadersConfig` (`HeaderBehavior` + `Headers`), names lower case.
fn headers(config: Option<&Value>) -> Result<Headers, String> {
    let Some(config) = config else {
        return Err("no HeadersConfig".into());
    };
    let names = || lower(config.get("Headers"));
    match config.get("HeaderBehavior").map(render).as_deref() {
        Some("none") => Ok(Headers::None),
        Some("whitelist") => Ok(Headers::Only(names())),
        Some("allViewer") => Ok(Headers::AllViewer),
        Some("allViewerAndWhitelistCloudFront") => Ok(Headers::AllViewerAndCloudFront(names())),
        Some("allExcept") => Ok(Headers::AllExcept(names())),
        other => Err(format!(
            "HeaderBehavior {other:?} is not one CloudFront has"
        )),
    }
}

fn lower(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|h| render(h).to_ascii_lowercase())
        .collect()
}

/// Legacy `ForwardedValues.Headers`: `*` is every viewer header.
fn forwarded_headers(fv: &Value) -> Headers {
    let names = lower(fv.get("Headers"));
    if names.iter().any(|h| h == "*") {
        Headers::AllViewer
    } else if names.is_empty() {
        Headers::None
    } else {
        Headers::Only(names)
    }
}

/// Legacy settings: the forwarded headers are the key; CloudFront's TTL defaults (0, 1 day, 1
/// year) apply to what the behaviour leaves out.
fn legacy_cache(behavior: &Value, fv: &Value) -> Known<CachePolicy> {
    let ttl = |n: &str, default: f64| number(behavior, n).unwrap_or(default);
    let caches = [
        ttl("MinTTL", 0.0),
        ttl("DefaultTTL", 86400.0),
        ttl("MaxTTL", 31_536_000.0),
    ]
    .iter()
    .any(|t| *t > 0.0);
    Known::Read(CachePolicy {
        name: "legacy cache settings (ForwardedValues)".into(),
        caches,
        key_headers: forwarded_headers(fv),
        accept_encoding: false,
    })
}
