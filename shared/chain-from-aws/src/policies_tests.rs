use super::*;
use aws_sdk_cloudfront::types::{
    CachePolicyHeaderBehavior, CachePolicyHeadersConfig, FunctionRuntime, Headers as SdkHeaders,
    KeyValueStoreAssociation, KeyValueStoreAssociations, OriginAccessControlOriginTypes,
    OriginAccessControlSigningBehaviors, OriginAccessControlSigningProtocols,
    OriginRequestPolicyHeaderBehavior, OriginRequestPolicyHeadersConfig,
    ParametersInCacheKeyAndForwardedToOrigin,
};

fn sdk_headers(names: &[&str]) -> SdkHeaders {
    SdkHeaders::builder()
        .quantity(names.len() as i32)
        .set_items(Some(names.iter().map(|n| n.to_string()).collect()))
        .build()
        .unwrap()
}

fn cache_config(max_ttl: i64, gzip: bool, brotli: bool, key: Option<&[&str]>) -> CachePolicyConfig {
    let headers = match key {
        Some(names) => CachePolicyHeadersConfig::builder()
            .header_behavior(CachePolicyHeaderBehavior::Whitelist)
            .headers(sdk_headers(names)),
        None => {
            CachePolicyHeadersConfig::builder().header_behavior(CachePolicyHeaderBehavior::None)
        }
    };
    CachePolicyConfig::builder()
        .name("identity")
        .min_ttl(0)
        .default_ttl(0)
        .max_ttl(max_ttl)
        .parameters_in_cache_key_and_forwarded_to_origin(
            ParametersInCacheKeyAndForwardedToOrigin::builder()
                .enable_accept_encoding_gzip(gzip)
                .enable_accept_encoding_brotli(brotli)
                .headers_config(headers.build().unwrap())
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

#[test]
fn a_custom_cache_policy_keys_on_lower_case_headers_and_caches_when_max_ttl_is_above_zero() {
    let p = cache_policy(
        "id-1",
        &cache_config(
            60,
            false,
            true,
            Some(&["X-Fluid-Identity", "Authorization"]),
        ),
    );
    assert_eq!(p.name, "cache policy identity (id-1)");
    assert!(p.caches);
    assert_eq!(
        p.key_headers,
        Headers::Only(vec!["x-fluid-identity".into(), "authorization".into()])
    );
    assert!(p.accept_encoding, "brotli alone normalises Accept-Encoding");
    let p = cache_policy("id-2", &cache_config(0, false, false, None));
    assert!(!p.caches);
    assert_eq!(p.key_headers, Headers::None);
    assert!(!p.accept_encoding);
    assert!(cache_policy("id-3", &cache_config(0, true, false, None)).accept_encoding);
}

#[test]
fn origin_request_policies_map_every_header_behaviour() {
    let orp = |behavior: OriginRequestPolicyHeaderBehavior, names: &[&str]| {
        let config = OriginRequestPolicyConfig::builder()
            .name("fwd")
            .headers_config(
                OriginRequestPolicyHeadersConfig::builder()
                    .header_behavior(behavior)
                    .headers(sdk_headers(names))
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        origin_request_policy("orp-1", &config)
    };
    use OriginRequestPolicyHeaderBehavior as B;
    assert_eq!(orp(B::None, &[]).headers, Headers::None);
    assert_eq!(
        orp(B::Whitelist, &["Host"]).headers,
        Headers::Only(vec!["host".into()])
    );
    assert_eq!(orp(B::AllViewer, &[]).headers, Headers::AllViewer);
    assert_eq!(
        orp(B::AllExcept, &["Host"]).headers,
        Headers::AllExcept(vec!["host".into()])
    );
    assert_eq!(
        orp(
            B::AllViewerAndWhitelistCloudFront,
            &["CloudFront-Viewer-Country"]
        )
        .headers,
        Headers::AllViewerAndCloudFront(vec!["cloudfront-viewer-country".into()])
    );
    assert_eq!(
        orp(B::from("someNewBehavior"), &[]).headers,
        Headers::AllViewer,
        "unknown reads as unsafe"
    );
    assert_eq!(orp(B::None, &[]).name, "origin request policy fwd (orp-1)");
}

#[test]
fn an_origin_access_control_keeps_its_three_settings() {
    let config = OriginAccessControlConfig::builder()
        .name("oac")
        .origin_access_control_origin_type(OriginAccessControlOriginTypes::Lambda)
        .signing_behavior(OriginAccessControlSigningBehaviors::NoOverride)
        .signing_protocol(OriginAccessControlSigningProtocols::Sigv4)
        .build()
        .unwrap();
    let o = origin_access_control("E1OAC", &config);
    assert_eq!(o.resource, "origin access control E1OAC");
    assert_eq!(o.origin_type, "lambda");
    assert_eq!(o.signing_behavior, "no-override");
    assert_eq!(o.signing_protocol, "sigv4");
}

#[test]
fn a_cloudfront_function_keeps_runtime_code_and_key_value_stores() {
    let kvs = "arn:aws:cloudfront::123456789012:key-value-store/abc";
    let config = FunctionConfig::builder()
        .comment("")
        .runtime(FunctionRuntime::CloudfrontJs20)
        .key_value_store_associations(
            KeyValueStoreAssociations::builder()
                .quantity(1)
                .items(
                    KeyValueStoreAssociation::builder()
                        .key_value_store_arn(kvs)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let f = cloudfront_function(
        "viewer",
        &config,
        Some(b"var SECRET_HEADER = \"x-origin-secret\";"),
    );
    assert_eq!(f.resource, "viewer");
    assert_eq!(f.runtime, "cloudfront-js-2.0");
    assert_eq!(
        f.code.as_deref(),
        Some("var SECRET_HEADER = \"x-origin-secret\";")
    );
    assert_eq!(f.key_value_stores, vec![kvs.to_owned()]);
    assert_eq!(
        cloudfront_function("viewer", &config, Some(&[0xff, 0xfe])).code,
        None
    );
}
