//! The chain oac-kit's construct makes (`OacProtectedApi` with a Lambda origin, the KVS-mode
//! CloudFront Function and a Cloudflare zone), as a reader renders its synthesized template: the
//! tests start from it and change one thing.

use crate::managed;
use crate::model::*;
use crate::{Status, Verdict};

/// The distribution's ARN as a template renders it.
pub const ARN: &str =
    "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${ApiDistribution2AD4699A}";

/// The viewer filter's code, as far as the checks read it.
pub const FILTER_CODE: &str = "import cf from 'cloudfront';\nvar SECRET_HEADER = \"x-origin-secret\";\nvar kvs = cf.kvs();\nasync function handler(event) { return event.request; }\n";

/// The good chain.
pub fn chain() -> Chain {
    Chain {
        source: Source::Template {
            path: "cdk.out/Test.template.json".into(),
        },
        distribution: Distribution {
            resource: "AWS::CloudFront::Distribution ApiDistribution2AD4699A".into(),
            arn: ARN.into(),
            origins: vec![Origin {
                id: "TestApiDistributionOrigin1133103E5".into(),
                domain: "${ApiFunctionUrl736CA4E4.FunctionUrl}".into(),
                kind: OriginKind::FunctionUrl(Known::Read(function_url())),
                oac: Some(Known::Read(OriginAccessControl {
                    resource: "AWS::CloudFront::OriginAccessControl ApiOacCE5CBBFA".into(),
                    origin_type: "lambda".into(),
                    signing_behavior: "always".into(),
                    signing_protocol: "sigv4".into(),
                })),
            }],
            behaviors: vec![behavior()],
            viewer_certificate: ViewerCertificate {
                cloudfront_default: false,
                minimum_protocol_version: Some("TLSv1.3_2025".into()),
            },
            http_version: Some("http2and3".into()),
            viewer_mtls: None,
        },
        cloudflare_rule: Some(CloudflareRule {
            resource: "Custom::CloudflareZone ApiCloudflareZone1234ABCD".into(),
            header: "x-origin-secret".into(),
        }),
    }
}

/// The Function URL with both grants.
pub fn function_url() -> FunctionUrl {
    FunctionUrl {
        resource: "AWS::Lambda::Url ApiFunctionUrl736CA4E4".into(),
        auth_type: "AWS_IAM".into(),
        invoke_mode: "BUFFERED".into(),
        grants: Known::Read(vec![invoke_function_url_grant(), invoke_function_grant()]),
    }
}

/// `lambda:InvokeFunctionUrl` for CloudFront, scoped to this distribution.
pub fn invoke_function_url_grant() -> Grant {
    Grant {
        resource: "AWS::Lambda::Permission ApiDistributionOrigin1InvokeFromApi".into(),
        principal: "cloudfront.amazonaws.com".into(),
        action: "lambda:InvokeFunctionUrl".into(),
        source_arn: Some(ARN.into()),
        function_url_auth_type: Some("AWS_IAM".into()),
        invoked_via_function_url: None,
    }
}

/// `lambda:InvokeFunction` via the Function URL for CloudFront, scoped to this distribution.
pub fn invoke_function_grant() -> Grant {
    Grant {
        resource: "AWS::Lambda::Permission ApiDistributionOrigin1InvokeFunctionFromCloudFront"
            .into(),
        principal: "cloudfront.amazonaws.com".into(),
        action: "lambda:InvokeFunction".into(),
        source_arn: Some(ARN.into()),
        function_url_auth_type: None,
        invoked_via_function_url: Some(true),
    }
}

/// The default behaviour to the Function URL.
pub fn behavior() -> Behavior {
    Behavior {
        path_pattern: None,
        target_origin_id: "TestApiDistributionOrigin1133103E5".into(),
        allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
            .map(String::from)
            .to_vec(),
        viewer_protocol_policy: "redirect-to-https".into(),
        cache: Known::Read(managed::cache_policy(managed::CACHING_DISABLED).unwrap()),
        origin_request: Known::Read(managed::origin_request_policy(
            managed::ALL_VIEWER_EXCEPT_HOST_HEADER,
        )),
        function_associations: vec![FunctionAssociation {
            event_type: "viewer-request".into(),
            function: Known::Read(filter()),
        }],
        lambda_associations: vec![body_hash()],
    }
}

/// The KVS-mode viewer filter.
pub fn filter() -> CloudFrontFunction {
    CloudFrontFunction {
        resource: "AWS::CloudFront::Function ApiIpFilterFunction42861569".into(),
        runtime: "cloudfront-js-2.0".into(),
        code: Some(FILTER_CODE.into()),
        key_value_stores: vec!["${ApiIpFilterStore97180519.Arn}".into()],
    }
}

/// The body-hash association.
pub fn body_hash() -> LambdaAssociation {
    LambdaAssociation {
        event_type: "origin-request".into(),
        include_body: true,
        arn: "${ApiBodyHashArnReader0D659B32.FunctionArn}".into(),
        function: Known::Read(EdgeFunction {
            resource: "AWS::Lambda::Version BodyHashCurrentVersionB4C84B1C".into(),
            region: Some("us-east-1".into()),
            qualifier: Some("${BodyHashCurrentVersionB4C84B1C.Version}".into()),
            runtime: "nodejs22.x".into(),
            baked_config: None,
        }),
    }
}

/// The only behaviour of `chain`, to change.
pub fn only_behavior(chain: &mut Chain) -> &mut Behavior {
    &mut chain.distribution.behaviors[0]
}

/// The Function URL of `chain`, to change.
pub fn url(chain: &mut Chain) -> &mut FunctionUrl {
    match &mut chain.distribution.origins[0].kind {
        OriginKind::FunctionUrl(Known::Read(u)) => u,
        _ => unreachable!("the good chain's origin is a read Function URL"),
    }
}

/// The grants of `chain`, to change.
pub fn grants(chain: &mut Chain) -> &mut Vec<Grant> {
    match &mut url(chain).grants {
        Known::Read(g) => g,
        Known::Unknown(_) => unreachable!("the good chain's grants are read"),
    }
}

/// An S3 origin with its own default-like behaviour at `/assets/*` (same viewer filter).
pub fn add_bucket(chain: &mut Chain) {
    chain.distribution.origins.push(Origin {
        id: "Bucket".into(),
        domain: "${StaticBucket.RegionalDomainName}".into(),
        kind: OriginKind::S3,
        oac: Some(Known::Read(OriginAccessControl {
            resource: "AWS::CloudFront::OriginAccessControl BucketOac".into(),
            origin_type: "s3".into(),
            signing_behavior: "always".into(),
            signing_protocol: "sigv4".into(),
        })),
    });
    let mut b = behavior();
    b.path_pattern = Some("/assets/*".into());
    b.target_origin_id = "Bucket".into();
    b.allowed_methods = vec!["GET".into(), "HEAD".into()];
    b.cache = Known::Read(managed::cache_policy(managed::CACHING_OPTIMIZED).unwrap());
    b.origin_request = Known::Read(None);
    b.lambda_associations = vec![];
    chain.distribution.behaviors.push(b);
}

/// The chain with only a bucket (a static-only site).
pub fn bucket_only() -> Chain {
    let mut chain = chain();
    add_bucket(&mut chain);
    chain.distribution.origins.remove(0);
    chain.distribution.behaviors.remove(0);
    chain.distribution.behaviors[0].path_pattern = None;
    chain
}

/// Asserts `v` is a failure whose reason contains `needle`.
#[track_caller]
pub fn assert_fails(v: &Verdict, needle: &str) {
    assert_eq!(v.status, Status::Fail, "{}", v.reason);
    assert!(v.reason.contains(needle), "{}", v.reason);
}
