use super::*;
use aws_sdk_cloudfront::types::{
    CacheBehaviors, CookiePreference, EventType, FunctionAssociation as SdkFunctionAssociation,
    Headers as SdkHeaders, ItemSelection, LambdaFunctionAssociation, Method,
    MinimumProtocolVersion, Origins, S3OriginConfig, ViewerProtocolPolicy,
};

const URL_HOST: &str = "abc123.lambda-url.eu-west-1.on.aws";
const FUNCTION: &str = "arn:aws:cloudfront::123456789012:function/viewer";
const EDGE: &str = "arn:aws:lambda:us-east-1:123456789012:function:body-hash:4";
const ARN: &str = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE";

fn origin(id: &str, domain: &str, oac: Option<&str>) -> SdkOrigin {
    SdkOrigin::builder()
        .id(id)
        .domain_name(domain)
        .set_origin_access_control_id(oac.map(str::to_owned))
        .build()
        .unwrap()
}

#[allow(deprecated)]
fn config(viewer_certificate: Option<SdkCert>) -> DistributionConfig {
    let methods = |m: &[Method]| {
        AllowedMethods::builder()
            .quantity(m.len() as i32)
            .set_items(Some(m.to_vec()))
            .build()
            .unwrap()
    };
    let default = DefaultCacheBehavior::builder()
        .target_origin_id("api")
        .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
        .allowed_methods(methods(&[Method::Get, Method::Head, Method::Post]))
        .cache_policy_id("4135ea2d-6df8-44a3-9df3-4b5a84be39ad")
        .origin_request_policy_id("custom-orp")
        .function_associations(
            FunctionAssociations::builder()
                .quantity(1)
                .items(
                    SdkFunctionAssociation::builder()
                        .function_arn(FUNCTION)
                        .event_type(EventType::ViewerRequest)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .lambda_function_associations(
            LambdaFunctionAssociations::builder()
                .quantity(1)
                .items(
                    LambdaFunctionAssociation::builder()
                        .lambda_function_arn(EDGE)
                        .event_type(EventType::OriginRequest)
                        .include_body(true)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let legacy = CacheBehavior::builder()
        .path_pattern("/static/*")
        .target_origin_id("assets")
        .viewer_protocol_policy(ViewerProtocolPolicy::AllowAll)
        .forwarded_values(
            ForwardedValues::builder()
                .query_string(false)
                .cookies(
                    CookiePreference::builder()
                        .forward(ItemSelection::None)
                        .build()
                        .unwrap(),
                )
                .headers(
                    SdkHeaders::builder()
                        .quantity(1)
                        .items("Host")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .min_ttl(0)
        .default_ttl(0)
        .max_ttl(0)
        .build()
        .unwrap();
    DistributionConfig::builder()
        .caller_reference("ref")
        .comment("")
        .enabled(true)
        .origins(
            Origins::builder()
                .quantity(3)
                .items(origin("api", URL_HOST, Some("E1OAC")))
                .items(
                    SdkOrigin::builder()
                        .id("assets")
                        .domain_name("bucket.s3.eu-west-1.amazonaws.com")
                        .s3_origin_config(
                            S3OriginConfig::builder().origin_access_identity("").build(),
                        )
                        .build()
                        .unwrap(),
                )
                .items(origin("other", "example.com", None))
                .build()
                .unwrap(),
        )
        .default_cache_behavior(default)
        .cache_behaviors(
            CacheBehaviors::builder()
                .quantity(1)
                .items(legacy)
                .build()
                .unwrap(),
        )
        .set_viewer_certificate(viewer_certificate)
        .build()
        .unwrap()
}

#[test]
fn references_name_every_part_once() {
    let r = references(&config(None));
    let set = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        r,
        References {
            oacs: set(&["E1OAC"]),
            function_urls: set(&[URL_HOST]),
            cache_policies: set(&["4135ea2d-6df8-44a3-9df3-4b5a84be39ad"]),
            origin_request_policies: set(&["custom-orp"]),
            functions: set(&[FUNCTION]),
            edge_functions: set(&[EDGE]),
        }
    );
}

#[test]
fn map_assembles_origins_behaviours_and_parts_and_unread_parts_are_unknown() {
    let mut parts = Parts::default();
    parts.oacs.insert(
        "E1OAC".into(),
        Known::Unknown("GetOriginAccessControl E1OAC: AccessDenied: no".into()),
    );
    parts.cache_policies.insert(
        "4135ea2d-6df8-44a3-9df3-4b5a84be39ad".into(),
        Known::Read(
            oac_doctor::managed::cache_policy("4135ea2d-6df8-44a3-9df3-4b5a84be39ad").unwrap(),
        ),
    );
    let d = map("E2EXAMPLE", ARN, &config(None), &parts);
    assert_eq!(d.resource, "distribution E2EXAMPLE");
    assert_eq!(d.arn, ARN);

    let kinds: Vec<_> = d.origins.iter().map(|o| (o.id.as_str(), &o.kind)).collect();
    assert!(
        matches!(kinds[0], ("api", OriginKind::FunctionUrl(Known::Unknown(why))) if why.contains(URL_HOST))
    );
    assert!(matches!(kinds[1], ("assets", OriginKind::S3)));
    assert!(matches!(kinds[2], ("other", OriginKind::Other)));
    assert_eq!(
        d.origins[0].oac,
        Some(Known::Unknown(
            "GetOriginAccessControl E1OAC: AccessDenied: no".into()
        ))
    );
    assert_eq!(d.origins[2].oac, None);

    let b = &d.behaviors[0];
    assert_eq!(b.path_pattern, None);
    assert_eq!(b.allowed_methods, ["GET", "HEAD", "POST"]);
    assert_eq!(b.viewer_protocol_policy, "redirect-to-https");
    assert_eq!(b.cache.read().unwrap().name, "Managed-CachingDisabled");
    assert!(matches!(&b.origin_request, Known::Unknown(why) if why.contains("custom-orp")));
    assert_eq!(b.function_associations[0].event_type, "viewer-request");
    assert!(matches!(
        &b.function_associations[0].function,
        Known::Unknown(_)
    ));
    let l = &b.lambda_associations[0];
    assert_eq!(
        (l.event_type.as_str(), l.include_body, l.arn.as_str()),
        ("origin-request", true, EDGE)
    );
    assert!(matches!(&l.function, Known::Unknown(_)));

    let legacy = &d.behaviors[1];
    assert_eq!(legacy.path_pattern.as_deref(), Some("/static/*"));
    assert_eq!(
        legacy.allowed_methods,
        ["GET", "HEAD"],
        "CloudFront's default"
    );
    assert_eq!(legacy.origin_request, Known::Read(None));
    assert_eq!(
        legacy.cache,
        Known::Read(CachePolicy {
            name: "legacy cache settings".into(),
            caches: false,
            key_headers: Headers::Only(vec!["host".into()]),
            accept_encoding: false,
        })
    );
    assert!(d.viewer_certificate.cloudfront_default);
    assert_eq!(d.viewer_certificate.minimum_protocol_version, None);
}

#[test]
fn read_parts_land_where_they_are_referenced() {
    let mut parts = Parts::default();
    let orp = OriginRequestPolicy {
        name: "fwd".into(),
        headers: Headers::AllViewer,
    };
    parts
        .origin_request_policies
        .insert("custom-orp".into(), Known::Read(orp.clone()));
    let edge = EdgeFunction {
        resource: EDGE.into(),
        region: Some("us-east-1".into()),
        qualifier: Some("4".into()),
        runtime: "nodejs22.x".into(),
        baked_config: None,
    };
    parts
        .edge_functions
        .insert(EDGE.into(), Known::Read(edge.clone()));
    let d = map("E2EXAMPLE", ARN, &config(None), &parts);
    assert_eq!(d.behaviors[0].origin_request, Known::Read(Some(orp)));
    assert_eq!(
        d.behaviors[0].lambda_associations[0].function,
        Known::Read(edge)
    );
}

#[test]
fn a_custom_certificate_keeps_its_minimum_protocol_version() {
    let cert = SdkCert::builder()
        .acm_certificate_arn("arn:aws:acm:us-east-1:123456789012:certificate/x")
        .minimum_protocol_version(MinimumProtocolVersion::TlSv122021)
        .build();
    let d = map("E2EXAMPLE", ARN, &config(Some(cert)), &Parts::default());
    assert!(!d.viewer_certificate.cloudfront_default);
    assert_eq!(
        d.viewer_certificate.minimum_protocol_version.as_deref(),
        Some("TLSv1.2_2021")
    );
    let default = SdkCert::builder()
        .cloud_front_default_certificate(true)
        .minimum_protocol_version(MinimumProtocolVersion::TlSv1)
        .build();
    let d = map("E2EXAMPLE", ARN, &config(Some(default)), &Parts::default());
    assert!(d.viewer_certificate.cloudfront_default);
    assert_eq!(d.viewer_certificate.minimum_protocol_version, None);
}

#[test]
fn legacy_star_is_every_viewer_header_and_default_ttls_cache() {
    let fv = ForwardedValues::builder()
        .query_string(false)
        .headers(
            SdkHeaders::builder()
                .quantity(1)
                .items("*")
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let p = legacy_cache(&fv, [None, None, None]);
    assert_eq!(p.key_headers, Headers::AllViewer);
    assert!(p.caches);
}

#[test]
fn viewer_mtls_and_the_http_version_are_read() {
    use aws_sdk_cloudfront::types::{
        ConnectionFunctionAssociation, HttpVersion, TrustStoreConfig, ViewerMtlsConfig,
        ViewerMtlsMode,
    };
    let plain = map("E2EXAMPLE", ARN, &config(None), &Parts::default());
    assert_eq!(plain.viewer_mtls, None);
    let mut c = config(None);
    c.http_version = Some(HttpVersion::Http2and3);
    c.viewer_mtls_config = Some(
        ViewerMtlsConfig::builder()
            .mode(ViewerMtlsMode::Optional)
            .trust_store_config(
                TrustStoreConfig::builder()
                    .trust_store_id("ts-1")
                    .ignore_certificate_expiry(true)
                    .build()
                    .unwrap(),
            )
            .build(),
    );
    c.connection_function_association = Some(
        ConnectionFunctionAssociation::builder()
            .id("cf-1")
            .build()
            .unwrap(),
    );
    let d = map("E2EXAMPLE", ARN, &c, &Parts::default());
    assert_eq!(d.http_version.as_deref(), Some("http2and3"));
    assert_eq!(
        d.viewer_mtls,
        Some(ViewerMtls {
            mode: "optional".into(),
            trust_store: Some("ts-1".into()),
            ignore_certificate_expiry: true,
            connection_function: Some("cf-1".into()),
        })
    );
}
