//! What each cache behaviour sends to the origin and runs on the way: `Host`, the body hash, the
//! viewer filter.

use super::{behavior_name, combine, function_url_routes, includes, not_applicable};
use crate::model::{Chain, Known};
use crate::{Check, Verdict};

/// The methods that carry a body Lambda must see hashed.
const BODY_METHODS: [&str; 4] = ["POST", "PUT", "PATCH", "DELETE"];

/// `host-not-forwarded`.
pub const HOST_NOT_FORWARDED: Check = Check {
    id: "host-not-forwarded",
    title: "No behaviour to a Function URL forwards the viewer's `Host`",
    symptom: "403 from the Function URL (\"The request signature we calculated does not match…\" or AccessDenied): CloudFront signed for the Lambda host but the request carries the viewer's",
    fix: "Use the managed origin request policy `AllViewerExceptHostHeader` (b689b0a8-53d0-40ab-baf2-68738e2966ac), or a policy/cache key whose headers leave out `Host`",
    explanation: "A Function URL is addressed by its own host name (`<id>.lambda-url.<region>.on.aws`) and OAC signs the request for it. When the behaviour forwards the viewer's `Host` (your domain), Lambda receives a request for a host it does not serve and a signature that does not match: 403, and the function never runs.\n\nHeaders reach the origin from the origin request policy and from the cache key. The check fails a behaviour to a Function URL whose origin request policy includes `Host` (`AllViewer`, `AllViewerAndCloudFrontHeaders-2022-06`, `HostHeaderOnly`, a whitelist with host, `allExcept` without host) or whose cache key includes it (`UseOriginCacheControlHeaders`, `Amplify`, legacy ForwardedValues `*` or `Host`). A policy the source could not read fails.",
    run: host_not_forwarded,
};

/// `body-hash`.
pub const BODY_HASH: Check = Check {
    id: "body-hash",
    title: "Every behaviour to a Function URL that allows body methods hashes the body at origin-request",
    symptom: "403 InvalidSignatureException (payload hash / x-amz-content-sha256) from the Function URL for POST, PUT, PATCH and DELETE with a body, unless the caller sends `x-amz-content-sha256` itself; GETs work",
    fix: "Associate a Lambda@Edge function at origin-request with IncludeBody that sets `x-amz-content-sha256` (oac-kit's body-hash), or make every caller send the header with the body's SHA-256",
    explanation: "Lambda does not accept unsigned payloads: a request with a body must carry `x-amz-content-sha256`, the hex SHA-256 of the body, which OAC signs. CloudFront does not compute it. Either every caller sends it (AWS's documented answer) or an origin-request Lambda@Edge function with IncludeBody computes it before CloudFront signs.\n\nThe check looks at every behaviour to a Function URL whose AllowedMethods include POST, PUT, PATCH or DELETE: each must have a Lambda@Edge association at `origin-request` with IncludeBody. It cannot see what that function does; `edge-function-version` checks that it can run. Behaviours allowing only GET/HEAD/OPTIONS need nothing: with none of the others the check is not applicable.",
    run: body_hash,
};

/// `viewer-filter`.
pub const VIEWER_FILTER: Check = Check {
    id: "viewer-filter",
    title: "Every behaviour runs a viewer-request function (the viewer filter)",
    symptom: "Requests that skip Cloudflare (straight to `*.cloudfront.net`) reach the origin on a behaviour without a filter",
    fix: "Associate the viewer filter (oac-kit's ip-filter CloudFront Function or Lambda@Edge bundle) at viewer-request on every behaviour, the default one included",
    explanation: "The distribution's `*.cloudfront.net` host is public. The viewer-request function is what refuses requests that did not come through your Cloudflare zone (its addresses and the origin secret). One behaviour without it is a path around it: CloudFront picks the behaviour by path, so an attacker only needs a path that matches the unfiltered one.\n\nThe check passes when every behaviour has a CloudFront Function or Lambda@Edge association at `viewer-request`. It does not judge the function's code; an associated function the source could not read fails.",
    run: viewer_filter,
};

fn host_not_forwarded(chain: &Chain) -> Verdict {
    let routes = function_url_routes(chain);
    if routes.is_empty() {
        return not_applicable("no behaviour sends requests to a Function URL");
    }
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    for route in routes {
        let name = behavior_name(chain, route.behavior);
        match &route.behavior.origin_request {
            Known::Unknown(why) => failures.push((
                name.clone(),
                format!("{name}: its origin request policy could not be read ({why})"),
            )),
            Known::Read(Some(p)) if includes(&p.headers, "host") => failures.push((
                name.clone(),
                format!(
                    "{name}: origin request policy {} forwards the viewer's Host",
                    p.name
                ),
            )),
            Known::Read(_) => {}
        }
        match &route.behavior.cache {
            Known::Unknown(why) => failures.push((
                name.clone(),
                format!("{name}: its cache policy could not be read ({why})"),
            )),
            Known::Read(c) if includes(&c.key_headers, "host") => failures.push((
                name.clone(),
                format!(
                    "{name}: cache policy {} keys on Host, so CloudFront forwards the viewer's Host",
                    c.name
                ),
            )),
            Known::Read(_) => {}
        }
        passed.push(name);
    }
    combine(
        failures,
        passed,
        "no behaviour to a Function URL forwards Host".into(),
    )
}

fn body_hash(chain: &Chain) -> Verdict {
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    for route in function_url_routes(chain) {
        let b = route.behavior;
        let body: Vec<&str> = BODY_METHODS
            .into_iter()
            .filter(|m| b.allowed_methods.iter().any(|a| a.eq_ignore_ascii_case(m)))
            .collect();
        if body.is_empty() {
            continue;
        }
        let name = behavior_name(chain, b);
        let hashed = b
            .lambda_associations
            .iter()
            .any(|a| a.event_type == "origin-request" && a.include_body);
        if hashed {
            passed.push(name);
            continue;
        }
        let near = if b
            .lambda_associations
            .iter()
            .any(|a| a.event_type == "origin-request")
        {
            "its origin-request function does not include the body"
        } else {
            "no origin-request Lambda@Edge function hashes the body"
        };
        failures.push((
            name.clone(),
            format!(
                "{name} allows {} but {near}: callers must send x-amz-content-sha256",
                body.join("/")
            ),
        ));
    }
    if failures.is_empty() && passed.is_empty() {
        return not_applicable("no behaviour to a Function URL allows POST, PUT, PATCH or DELETE");
    }
    combine(
        failures,
        passed,
        "every behaviour to a Function URL allowing body methods hashes the body at origin-request"
            .into(),
    )
}

fn viewer_filter(chain: &Chain) -> Verdict {
    let behaviors = &chain.distribution.behaviors;
    if behaviors.is_empty() {
        return not_applicable("the distribution has no behaviour");
    }
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    for b in behaviors {
        let name = behavior_name(chain, b);
        let functions = b
            .function_associations
            .iter()
            .filter(|a| a.event_type == "viewer-request");
        let edges = b
            .lambda_associations
            .iter()
            .filter(|a| a.event_type == "viewer-request");
        let unknown: Vec<&str> = functions
            .clone()
            .filter_map(|a| match &a.function {
                Known::Unknown(why) => Some(why.as_str()),
                Known::Read(_) => None,
            })
            .chain(edges.clone().filter_map(|a| match &a.function {
                Known::Unknown(why) => Some(why.as_str()),
                Known::Read(_) => None,
            }))
            .collect();
        if let Some(why) = unknown.first() {
            failures.push((
                name.clone(),
                format!("{name}: its viewer-request function could not be read ({why})"),
            ));
        } else if functions.count() + edges.count() == 0 {
            failures.push((
                name.clone(),
                format!("{name} runs no viewer-request function"),
            ));
        } else {
            passed.push(name);
        }
    }
    combine(
        failures,
        passed,
        "every behaviour runs a viewer-request function".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::good;
    use super::*;
    use crate::Status;
    use crate::managed;
    use crate::model::{CachePolicy, Headers, LambdaAssociation};

    fn assert_fails(v: &Verdict, needle: &str) {
        assert_eq!(v.status, Status::Fail, "{}", v.reason);
        assert!(v.reason.contains(needle), "{}", v.reason);
    }

    #[test]
    fn the_good_chain_passes_all_three() {
        let chain = good::chain();
        for run in [host_not_forwarded, body_hash, viewer_filter] {
            let v = run(&chain);
            assert_eq!(v.status, Status::Pass, "{}", v.reason);
        }
    }

    #[test]
    fn an_origin_request_policy_forwarding_host_fails() {
        for id in [
            managed::ALL_VIEWER,
            managed::ALL_VIEWER_AND_CLOUDFRONT_HEADERS_2022_06,
            managed::HOST_HEADER_ONLY,
        ] {
            let mut chain = good::chain();
            good::only_behavior(&mut chain).origin_request =
                Known::Read(managed::origin_request_policy(id));
            let v = host_not_forwarded(&chain);
            assert_fails(&v, "forwards the viewer's Host");
            assert_eq!(
                v.resources,
                ["AWS::CloudFront::Distribution ApiDistribution2AD4699A behaviour default"]
            );
        }
    }

    #[test]
    fn a_cache_key_on_host_fails() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).cache =
            Known::Read(managed::cache_policy(managed::USE_ORIGIN_CACHE_CONTROL_HEADERS).unwrap());
        assert_fails(&host_not_forwarded(&chain), "keys on Host");
    }

    #[test]
    fn legacy_forward_all_headers_fails() {
        let mut chain = good::chain();
        let b = good::only_behavior(&mut chain);
        b.origin_request = Known::Read(None);
        b.cache = Known::Read(CachePolicy {
            name: "legacy cache settings".into(),
            caches: false,
            key_headers: Headers::AllViewer,
            accept_encoding: false,
        });
        assert_fails(&host_not_forwarded(&chain), "legacy cache settings");
    }

    #[test]
    fn no_origin_request_policy_passes_host() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).origin_request = Known::Read(None);
        assert_eq!(host_not_forwarded(&chain).status, Status::Pass);
    }

    #[test]
    fn unreadable_policies_fail_host() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).origin_request =
            Known::Unknown("GetOriginRequestPolicy denied".into());
        assert_fails(&host_not_forwarded(&chain), "GetOriginRequestPolicy denied");
        let mut chain = good::chain();
        good::only_behavior(&mut chain).cache = Known::Unknown("GetCachePolicy denied".into());
        assert_fails(&host_not_forwarded(&chain), "GetCachePolicy denied");
    }

    #[test]
    fn no_body_hash_fails() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).lambda_associations.clear();
        let v = body_hash(&chain);
        assert_fails(&v, "POST/PUT/PATCH/DELETE");
        assert!(v.reason.contains("x-amz-content-sha256"), "{}", v.reason);
    }

    #[test]
    fn a_body_hash_without_include_body_fails() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).lambda_associations[0].include_body = false;
        assert_fails(&body_hash(&chain), "does not include the body");
    }

    #[test]
    fn a_body_hash_at_viewer_request_does_not_count() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).lambda_associations[0].event_type = "viewer-request".into();
        assert_fails(&body_hash(&chain), "no origin-request");
    }

    #[test]
    fn read_only_behaviours_need_no_body_hash() {
        let mut chain = good::chain();
        let b = good::only_behavior(&mut chain);
        b.allowed_methods = vec!["GET".into(), "HEAD".into(), "OPTIONS".into()];
        b.lambda_associations.clear();
        assert_eq!(body_hash(&chain).status, Status::NotApplicable);
        assert_eq!(
            body_hash(&good::bucket_only()).status,
            Status::NotApplicable
        );
    }

    #[test]
    fn a_behaviour_without_the_filter_fails() {
        let mut chain = good::chain();
        good::add_bucket(&mut chain);
        chain.distribution.behaviors[1]
            .function_associations
            .clear();
        let v = viewer_filter(&chain);
        assert_fails(&v, "behaviour /assets/* runs no viewer-request function");
        assert_eq!(v.resources.len(), 1);
    }

    #[test]
    fn a_viewer_response_function_is_not_a_filter() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).function_associations[0].event_type =
            "viewer-response".into();
        assert_fails(&viewer_filter(&chain), "runs no viewer-request function");
    }

    #[test]
    fn a_lambda_edge_filter_counts() {
        let mut chain = good::chain();
        let b = good::only_behavior(&mut chain);
        b.function_associations.clear();
        b.lambda_associations.push(LambdaAssociation {
            event_type: "viewer-request".into(),
            ..good::body_hash()
        });
        assert_eq!(viewer_filter(&chain).status, Status::Pass);
        assert_eq!(viewer_filter(&good::bucket_only()).status, Status::Pass);
    }

    #[test]
    fn an_unreadable_filter_fails() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).function_associations[0].function =
            Known::Unknown("DescribeFunction denied".into());
        assert_fails(&viewer_filter(&chain), "DescribeFunction denied");
    }
}
