//! What the cache keeps and what its key sends to a Function URL: identity-bearing responses and
//! `Accept-Encoding` in front of a streaming function.

use super::{Route, behavior_name, combine, function_url_routes, includes, not_applicable};
use crate::model::{Behavior, CachePolicy, Chain, Known};
use crate::{Check, Verdict};

/// `identity-not-cached`.
pub const IDENTITY_NOT_CACHED: Check = Check {
    id: "identity-not-cached",
    title: "A behaviour to a Function URL does not cache, or keys its cache on `x-fluid-identity` and `authorization`",
    symptom: "One caller's response (their identity, their data) is served from CloudFront's cache to another caller",
    fix: "Use the managed cache policy `CachingDisabled` (4135ea2d-6df8-44a3-9df3-4b5a84be39ad) for API behaviours, or a cache policy whose key includes `x-fluid-identity` and `authorization`",
    explanation: "CloudFront answers from its cache any request whose cache key matches a cached response. The key holds only what the cache policy names; a caller's identity (oac-kit's `X-Fluid-Identity`, a bearer token in `Authorization`) is not in it unless named. An API behind a caching policy such as `CachingOptimized` then serves one caller's answer to the next, whoever they are.\n\nThe check looks at every behaviour to a Function URL: it passes when the cache policy caches nothing (all TTLs 0, e.g. `CachingDisabled`) or when its key includes both `x-fluid-identity` and `authorization`. A cache policy the source could not read fails.",
    run: identity_not_cached,
};

/// `streaming-accept-encoding`.
pub const STREAMING_ACCEPT_ENCODING: Check = Check {
    id: "streaming-accept-encoding",
    title: "A `RESPONSE_STREAM` Function URL does not get the viewer's `Accept-Encoding`",
    symptom: "Intermittent 502s from CloudFront on a streaming Function URL (the response's encoding does not match what CloudFront asked for)",
    fix: "Forward no `Accept-Encoding` to a streaming Function URL: a cache policy without gzip/Brotli normalisation and an origin request policy that leaves it out, or delete `accept-encoding` in the viewer-request function",
    explanation: "A Function URL in `RESPONSE_STREAM` invoke mode handles `Content-Encoding` itself and decompresses or strips it (aws-lambda-nodejs-runtime-interface-client#96); behind CloudFront a forwarded `Accept-Encoding` gives periodic 502s (opennextjs-aws#1127, fixed by deleting the header at the viewer). `BUFFERED` Function URLs are unaffected.\n\nThe check looks at every behaviour to a `RESPONSE_STREAM` Function URL: it fails when the origin request policy includes `accept-encoding` (`AllViewer`, `AllViewerExceptHostHeader`, …), the cache key includes it, or the cache policy normalises it for gzip/Brotli (which also forwards it), unless a viewer-request CloudFront Function's code handles `accept-encoding`. A Function URL or policy the source could not read fails. With only `BUFFERED` Function URLs the check is not applicable.",
    run: streaming_accept_encoding,
};

fn identity_not_cached(chain: &Chain) -> Verdict {
    let routes = function_url_routes(chain);
    if routes.is_empty() {
        return not_applicable("no behaviour sends requests to a Function URL");
    }
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    for route in routes {
        let name = behavior_name(chain, route.behavior);
        match &route.behavior.cache {
            Known::Unknown(why) => failures.push((
                name.clone(),
                format!("{name}: its cache policy could not be read ({why})"),
            )),
            Known::Read(c) if !c.caches => passed.push(name),
            Known::Read(c) => {
                let missing: Vec<&str> = ["x-fluid-identity", "authorization"]
                    .into_iter()
                    .filter(|h| !includes(&c.key_headers, h))
                    .collect();
                if missing.is_empty() {
                    passed.push(name);
                } else {
                    failures.push((
                        name.clone(),
                        format!(
                            "{name}: cache policy {} caches without {} in its key",
                            c.name,
                            missing.join(" and ")
                        ),
                    ));
                }
            }
        }
    }
    combine(
        failures,
        passed,
        "no behaviour to a Function URL caches responses across identities".into(),
    )
}

fn streaming_accept_encoding(chain: &Chain) -> Verdict {
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    for Route {
        behavior,
        origin,
        url,
    } in function_url_routes(chain)
    {
        let name = behavior_name(chain, behavior);
        let url = match url {
            Known::Read(u) if u.invoke_mode == "RESPONSE_STREAM" => u,
            Known::Read(_) => continue,
            Known::Unknown(why) => {
                failures.push((
                    name.clone(),
                    format!("{name}: the invoke mode of origin {}'s Function URL could not be read ({why})", origin.id),
                ));
                continue;
            }
        };
        match forwarded_by(behavior) {
            Err(why) => failures.push((name.clone(), format!("{name}: {why}"))),
            Ok(Some(by)) if !strips_accept_encoding(behavior) => failures.push((
                name.clone(),
                format!(
                    "{name}: {by} sends accept-encoding to the RESPONSE_STREAM Function URL {}",
                    url.resource
                ),
            )),
            Ok(_) => passed.push(name),
        }
    }
    if failures.is_empty() && passed.is_empty() {
        return not_applicable("no behaviour sends requests to a RESPONSE_STREAM Function URL");
    }
    combine(
        failures,
        passed,
        "no RESPONSE_STREAM Function URL gets the viewer's accept-encoding".into(),
    )
}

/// What sends `accept-encoding` to the origin on this behaviour, if anything (or why that is
/// unknown).
fn forwarded_by(b: &Behavior) -> Result<Option<String>, String> {
    let cache: &CachePolicy = match &b.cache {
        Known::Read(c) => c,
        Known::Unknown(why) => return Err(format!("its cache policy could not be read ({why})")),
    };
    if cache.accept_encoding {
        return Ok(Some(format!(
            "cache policy {} (gzip/Brotli normalisation)",
            cache.name
        )));
    }
    if includes(&cache.key_headers, "accept-encoding") {
        return Ok(Some(format!("cache policy {}", cache.name)));
    }
    match &b.origin_request {
        Known::Unknown(why) => Err(format!(
            "its origin request policy could not be read ({why})"
        )),
        Known::Read(Some(p)) if includes(&p.headers, "accept-encoding") => {
            Ok(Some(format!("origin request policy {}", p.name)))
        }
        Known::Read(_) => Ok(None),
    }
}

/// Whether a viewer-request CloudFront Function of this behaviour handles `accept-encoding`
/// (deletes or rewrites it: the fix opennextjs-aws#1127 found).
fn strips_accept_encoding(b: &Behavior) -> bool {
    b.function_associations
        .iter()
        .filter(|a| a.event_type == "viewer-request")
        .filter_map(|a| a.function.read()?.code.as_deref())
        .any(|code| code.to_ascii_lowercase().contains("accept-encoding"))
}

#[cfg(test)]
mod tests {
    use super::super::good;
    use super::*;
    use crate::Status;
    use crate::managed;
    use crate::model::{Headers, OriginKind};

    fn assert_fails(v: &Verdict, needle: &str) {
        assert_eq!(v.status, Status::Fail, "{}", v.reason);
        assert!(v.reason.contains(needle), "{}", v.reason);
    }

    fn streaming() -> Chain {
        let mut chain = good::chain();
        good::url(&mut chain).invoke_mode = "RESPONSE_STREAM".into();
        chain
    }

    #[test]
    fn caching_disabled_passes_identity() {
        assert_eq!(identity_not_cached(&good::chain()).status, Status::Pass);
    }

    #[test]
    fn caching_optimized_fails_identity() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).cache =
            Known::Read(managed::cache_policy(managed::CACHING_OPTIMIZED).unwrap());
        let v = identity_not_cached(&chain);
        assert_fails(&v, "caches without x-fluid-identity and authorization");
        assert_eq!(
            v.resources,
            ["AWS::CloudFront::Distribution ApiDistribution2AD4699A behaviour default"]
        );
    }

    #[test]
    fn a_key_with_only_authorization_fails_identity() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).cache =
            Known::Read(managed::cache_policy(managed::AMPLIFY).unwrap());
        let v = identity_not_cached(&chain);
        assert_fails(&v, "without x-fluid-identity in its key");
    }

    #[test]
    fn a_key_with_both_identity_headers_passes() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).cache = Known::Read(CachePolicy {
            name: "AWS::CloudFront::CachePolicy PerCaller".into(),
            caches: true,
            key_headers: Headers::Only(vec!["authorization".into(), "x-fluid-identity".into()]),
            accept_encoding: false,
        });
        assert_eq!(identity_not_cached(&chain).status, Status::Pass);
    }

    #[test]
    fn an_unreadable_cache_policy_fails_identity() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).cache = Known::Unknown("GetCachePolicy denied".into());
        assert_fails(&identity_not_cached(&chain), "GetCachePolicy denied");
    }

    #[test]
    fn a_bucket_only_chain_is_not_applicable() {
        let chain = good::bucket_only();
        assert_eq!(identity_not_cached(&chain).status, Status::NotApplicable);
        assert_eq!(
            streaming_accept_encoding(&chain).status,
            Status::NotApplicable
        );
    }

    #[test]
    fn a_buffered_function_url_is_not_applicable() {
        assert_eq!(
            streaming_accept_encoding(&good::chain()).status,
            Status::NotApplicable
        );
    }

    #[test]
    fn streaming_behind_all_viewer_except_host_fails() {
        let v = streaming_accept_encoding(&streaming());
        assert_fails(
            &v,
            "origin request policy Managed-AllViewerExceptHostHeader sends accept-encoding",
        );
    }

    #[test]
    fn streaming_behind_a_normalising_cache_policy_fails() {
        let mut chain = streaming();
        let b = good::only_behavior(&mut chain);
        b.origin_request = Known::Read(None);
        b.cache = Known::Read(managed::cache_policy(managed::CACHING_OPTIMIZED).unwrap());
        assert_fails(
            &streaming_accept_encoding(&chain),
            "gzip/Brotli normalisation",
        );
    }

    #[test]
    fn streaming_with_nothing_forwarded_passes() {
        let mut chain = streaming();
        good::only_behavior(&mut chain).origin_request =
            Known::Read(managed::origin_request_policy(managed::CORS_CUSTOM_ORIGIN));
        assert_eq!(streaming_accept_encoding(&chain).status, Status::Pass);
    }

    #[test]
    fn a_viewer_function_deleting_accept_encoding_passes() {
        let mut chain = streaming();
        if let Known::Read(f) =
            &mut good::only_behavior(&mut chain).function_associations[0].function
        {
            f.code = Some("delete event.request.headers['accept-encoding'];".into());
        }
        assert_eq!(streaming_accept_encoding(&chain).status, Status::Pass);
    }

    #[test]
    fn unknowns_fail_streaming() {
        let mut chain = good::chain();
        chain.distribution.origins[0].kind =
            OriginKind::FunctionUrl(Known::Unknown("denied".into()));
        assert_fails(&streaming_accept_encoding(&chain), "invoke mode");
        let mut chain = streaming();
        good::only_behavior(&mut chain).origin_request = Known::Unknown("ORP denied".into());
        assert_fails(&streaming_accept_encoding(&chain), "ORP denied");
        let mut chain = streaming();
        good::only_behavior(&mut chain).cache = Known::Unknown("CP denied".into());
        assert_fails(&streaming_accept_encoding(&chain), "CP denied");
    }
}
