//! What the reader makes of the corpus and of hand-made templates: the model values, the
//! `Known::Unknown`s for what a template references but does not define, and every rejection.

mod common;

use std::fs;
use std::path::Path;

use chain_from_template::{Error, read};
use common::corpus;
use oac_doctor::model::{Chain, Headers, Known, OriginKind, ViewerMtls};
use serde_json::{Value, json};

fn good() -> Chain {
    read(&corpus().join("good")).unwrap().remove(0)
}

/// `template` written to a temporary file and read.
fn read_json(template: &Value) -> Result<Vec<Chain>, Error> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.template.json");
    fs::write(&path, template.to_string()).unwrap();
    read(&path)
}

fn read_text(text: &str) -> Error {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.json");
    fs::write(&path, text).unwrap();
    read(&path).unwrap_err()
}

#[test]
fn the_good_chain_as_the_model_sees_it() {
    let c = good();
    let d = &c.distribution;
    assert_eq!(d.resource, "AWS::CloudFront::Distribution ApiDistribution");
    assert_eq!(
        d.arn,
        "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${ApiDistribution}"
    );
    let origin = &d.origins[0];
    assert_eq!(origin.domain, "${ApiFunctionUrl.FunctionUrl}");
    let oac = origin.oac.as_ref().unwrap().read().unwrap();
    assert_eq!(
        (
            oac.origin_type.as_str(),
            oac.signing_behavior.as_str(),
            oac.signing_protocol.as_str()
        ),
        ("lambda", "always", "sigv4")
    );
    let OriginKind::FunctionUrl(Known::Read(url)) = &origin.kind else {
        panic!("{:?}", origin.kind)
    };
    assert_eq!(
        (url.auth_type.as_str(), url.invoke_mode.as_str()),
        ("AWS_IAM", "BUFFERED")
    );
    let grants = url.grants.read().unwrap();
    assert_eq!(grants.len(), 2);
    // Fn::Join and Fn::Sub render the same ARN as the distribution's.
    assert!(
        grants
            .iter()
            .all(|g| g.source_arn.as_deref() == Some(d.arn.as_str()))
    );
    assert_eq!(grants[0].function_url_auth_type.as_deref(), Some("AWS_IAM"));
    assert_eq!(grants[1].invoked_via_function_url, Some(true));
    let b = &d.behaviors[0];
    assert_eq!(b.cache.read().unwrap().name, "Managed-CachingDisabled");
    assert_eq!(
        b.origin_request.read().unwrap().as_ref().unwrap().headers,
        Headers::AllExcept(vec!["host".into()])
    );
    let f = b.function_associations[0].function.read().unwrap();
    assert!(
        f.code
            .as_deref()
            .unwrap()
            .contains("var SECRET_HEADER = \"x-origin-secret\";")
    );
    assert_eq!(f.key_value_stores, ["${ApiIpFilterStore.Arn}"]);
    // The SSM reader followed to the us-east-1 support stack's version, its bundle's config.
    let l = &b.lambda_associations[0];
    assert!(l.include_body);
    let edge = l.function.read().unwrap();
    assert_eq!(edge.region.as_deref(), Some("us-east-1"));
    assert_eq!(edge.runtime, "nodejs22.x");
    assert_eq!(
        edge.qualifier.as_deref(),
        Some("${BodyHashCurrentVersion.Version}")
    );
    assert!(
        edge.resource
            .starts_with("AWS::Lambda::Version BodyHashCurrentVersion (in edge-lambda-stack-oac")
    );
    assert_eq!(
        edge.baked_config,
        Some(json!({"bodyHash": {"maxBodyBytes": 1048576}}))
    );
    assert!(!d.viewer_certificate.cloudfront_default);
    assert_eq!(
        d.viewer_certificate.minimum_protocol_version.as_deref(),
        Some("TLSv1.2_2021")
    );
    assert_eq!(c.cloudflare_rule.unwrap().header, "x-origin-secret");
}

#[test]
fn viewer_mtls_and_the_http_version_as_the_model_sees_them() {
    let text = fs::read_to_string(corpus().join("good/Oac.template.json")).unwrap();
    let mut template: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        read_json(&template).unwrap()[0].distribution.viewer_mtls,
        None
    );
    let config = &mut template["Resources"]["ApiDistribution"]["Properties"]["DistributionConfig"];
    config["HttpVersion"] = json!("http2");
    config["ViewerMtlsConfig"] = json!({"TrustStoreConfig": {
        "TrustStoreId": {"Fn::GetAtt": ["TrustStore", "Id"]}, "IgnoreCertificateExpiry": false}});
    config["ConnectionFunctionAssociation"] = json!({"Id": {"Fn::GetAtt": ["Connection", "Id"]}});
    let d = read_json(&template).unwrap().remove(0).distribution;
    assert_eq!(d.http_version.as_deref(), Some("http2"));
    assert_eq!(
        d.viewer_mtls,
        Some(ViewerMtls {
            // No Mode: CloudFormation's default.
            mode: "required".into(),
            trust_store: Some("${TrustStore.Id}".into()),
            ignore_certificate_expiry: false,
            connection_function: Some("${Connection.Id}".into()),
        })
    );
}

#[test]
fn a_zone_resource_without_an_origin_secret_header_writes_no_rule() {
    let text = fs::read_to_string(corpus().join("good/Oac.template.json")).unwrap();
    let mut template: Value = serde_json::from_str(&text).unwrap();
    let read_rule = |t: &Value| read_json(t).unwrap().remove(0).cloudflare_rule;
    assert_eq!(read_rule(&template).unwrap().header, "x-origin-secret");
    // viewerMtls with keepOriginSecret: false: the Zone resource has no rule to write.
    for r in template["Resources"].as_object_mut().unwrap().values_mut() {
        if r["Type"] == "Custom::OacKitCloudflareZone" {
            let props = r["Properties"].as_object_mut().unwrap();
            props.remove("OriginSecretHeader");
            props.remove("OriginSecretArn");
        }
    }
    assert_eq!(read_rule(&template), None);
}

#[test]
fn one_template_of_an_assembly_alone_still_knows_its_region() {
    let chains = read(&corpus().join("good/Oac.template.json")).unwrap();
    let b = &chains[0].distribution.behaviors[0];
    // Alone, the support stack is not read: the reader's parameter is not followed, not guessed.
    let Known::Unknown(why) = &b.lambda_associations[0].function else {
        panic!()
    };
    assert!(
        why.contains("/cdk/EdgeFunctionArn/eu-west-1/Oac/Api/BodyHash"),
        "{why}"
    );
}

#[test]
fn plain_aws_cdk_lib_grants() {
    for (version, actions) in [
        ("2.271.0", vec!["lambda:InvokeFunctionUrl"]),
        (
            "2.276.0",
            vec!["lambda:InvokeFunctionUrl", "lambda:InvokeFunction"],
        ),
    ] {
        let path = corpus().join(format!("plain-cdk/aws-cdk-lib-{version}.template.json"));
        let chain = read(Path::new(&path)).unwrap().remove(0);
        let OriginKind::FunctionUrl(Known::Read(url)) = &chain.distribution.origins[0].kind else {
            panic!()
        };
        let got: Vec<&str> = url
            .grants
            .read()
            .unwrap()
            .iter()
            .map(|g| g.action.as_str())
            .collect();
        assert_eq!(got, actions, "{version}");
    }
}

fn distribution(config: Value) -> Value {
    json!({"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": config}})
}

#[test]
fn what_the_template_does_not_define_is_unknown() {
    let t = json!({"Parameters": {"Oac": {"Type": "String"}}, "Resources": {"D": distribution(json!({
        "Origins": [
            {"Id": "imported", "DomainName": {"Fn::ImportValue": "ApiUrlHost"}, "OriginAccessControlId": {"Ref": "Oac"}},
            {"Id": "literal", "DomainName": "abc.lambda-url.eu-west-1.on.aws", "OriginAccessControlId": "E1OAC"}
        ],
        "DefaultCacheBehavior": {"TargetOriginId": "literal", "ViewerProtocolPolicy": "https-only",
            "CachePolicyId": "00000000-0000-0000-0000-000000000000",
            "OriginRequestPolicyId": {"Ref": "Oac"},
            "FunctionAssociations": [{"EventType": "viewer-request", "FunctionARN": "arn:aws:cloudfront::1:function/f"}],
            "LambdaFunctionAssociations": [{"EventType": "origin-request", "LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:f:3"}]}
    }))}});
    let d = read_json(&t).unwrap().remove(0).distribution;
    for o in &d.origins {
        assert!(matches!(o.oac, Some(Known::Unknown(_))), "{o:?}");
        assert!(
            matches!(o.kind, OriginKind::FunctionUrl(Known::Unknown(_))),
            "{o:?}"
        );
    }
    let b = &d.behaviors[0];
    assert!(
        matches!(&b.cache, Known::Unknown(w) if w.contains("neither a managed policy")),
        "{:?}",
        b.cache
    );
    assert!(
        matches!(&b.origin_request, Known::Unknown(w) if w.contains("template parameter")),
        "{:?}",
        b.origin_request
    );
    assert!(matches!(
        b.function_associations[0].function,
        Known::Unknown(_)
    ));
    assert!(
        matches!(&b.lambda_associations[0].function, Known::Unknown(w) if w.contains("runtime cannot be read"))
    );
    assert_eq!(b.allowed_methods, ["GET", "HEAD"]);
    assert!(d.viewer_certificate.cloudfront_default);
}

#[test]
fn a_function_url_in_another_stack_is_followed_through_its_export() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("manifest.json"), json!({"artifacts": {
        "Cdn": {"type": "aws:cloudformation:stack", "environment": "aws://1/eu-west-1", "properties": {"templateFile": "Cdn.template.json"}},
        "Fn": {"type": "aws:cloudformation:stack", "environment": "aws://1/eu-west-1", "properties": {"templateFile": "Fn.template.json"}}}}).to_string()).unwrap();
    fs::write(dir.path().join("Fn.template.json"), json!({
        "Resources": {
            "F": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "nodejs22.x"}},
            "U": {"Type": "AWS::Lambda::Url", "Properties": {"AuthType": "NONE", "InvokeMode": "RESPONSE_STREAM", "TargetFunctionArn": {"Ref": "F"}}},
            "P": {"Type": "AWS::Lambda::Permission", "Properties": {"Action": "lambda:*", "Principal": "*", "FunctionName": {"Fn::GetAtt": ["F", "Arn"]}}}},
        "Outputs": {"Url": {"Value": {"Fn::GetAtt": ["U", "FunctionUrl"]}, "Export": {"Name": "Fn:Url"}}}}).to_string()).unwrap();
    fs::write(dir.path().join("Cdn.template.json"), json!({"Resources": {"D": distribution(json!({
        "Origins": [{"Id": "o", "DomainName": {"Fn::Select": [2, {"Fn::Split": ["/", {"Fn::ImportValue": "Fn:Url"}]}]}}],
        "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
            "ForwardedValues": {"QueryString": true, "Headers": ["*"]}, "DefaultTTL": 0, "MaxTTL": 0}
    }))}}).to_string()).unwrap();
    let d = read(dir.path()).unwrap().remove(0).distribution;
    let OriginKind::FunctionUrl(Known::Read(url)) = &d.origins[0].kind else {
        panic!("{:?}", d.origins[0])
    };
    assert_eq!(
        (url.auth_type.as_str(), url.invoke_mode.as_str()),
        ("NONE", "RESPONSE_STREAM")
    );
    let grants = url.grants.read().unwrap();
    assert_eq!(
        (
            grants[0].principal.as_str(),
            grants[0].action.as_str(),
            grants[0].source_arn.as_ref()
        ),
        ("*", "lambda:*", None)
    );
    // Legacy settings: `*` forwards (and keys on) every header; TTLs of zero cache nothing.
    let b = &d.behaviors[0];
    let cache = b.cache.read().unwrap();
    assert!(!cache.caches);
    assert_eq!(cache.key_headers, Headers::AllViewer);
    assert_eq!(
        b.origin_request.read().unwrap().as_ref().unwrap().headers,
        Headers::AllViewer
    );
}

#[test]
fn template_policies_are_read() {
    let t = json!({"Resources": {
        "C": {"Type": "AWS::CloudFront::CachePolicy", "Properties": {"CachePolicyConfig": {"Name": "c", "MinTTL": 0, "DefaultTTL": 60, "MaxTTL": "3600",
            "ParametersInCacheKeyAndForwardedToOrigin": {"EnableAcceptEncodingGzip": true,
                "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": ["Authorization", "X-Fluid-Identity"]}}}}},
        "O": {"Type": "AWS::CloudFront::OriginRequestPolicy", "Properties": {"OriginRequestPolicyConfig": {"Name": "o",
            "HeadersConfig": {"HeaderBehavior": "allViewerAndWhitelistCloudFront", "Headers": ["CloudFront-Viewer-Country"]}}}},
        "Bad": {"Type": "AWS::CloudFront::CachePolicy", "Properties": {"CachePolicyConfig": {"Name": "b", "MinTTL": 0}}},
        "D": distribution(json!({"Origins": [], "DefaultCacheBehavior": {"TargetOriginId": "x", "CachePolicyId": {"Ref": "C"}, "OriginRequestPolicyId": {"Ref": "O"}},
            "CacheBehaviors": [{"PathPattern": "/b/*", "TargetOriginId": "x", "CachePolicyId": {"Ref": "Bad"}}, {"PathPattern": "/n/*", "TargetOriginId": "x"}]}))}});
    let d = read_json(&t).unwrap().remove(0).distribution;
    let cache = d.behaviors[0].cache.read().unwrap();
    assert_eq!(cache.name, "AWS::CloudFront::CachePolicy C");
    assert!(cache.caches && cache.accept_encoding);
    assert_eq!(
        cache.key_headers,
        Headers::Only(vec!["authorization".into(), "x-fluid-identity".into()])
    );
    let o = d.behaviors[0]
        .origin_request
        .read()
        .unwrap()
        .clone()
        .unwrap();
    assert_eq!(
        o.headers,
        Headers::AllViewerAndCloudFront(vec!["cloudfront-viewer-country".into()])
    );
    assert!(matches!(&d.behaviors[1].cache, Known::Unknown(w) if w.contains("TTL")));
    assert_eq!(d.behaviors[1].path_pattern.as_deref(), Some("/b/*"));
    assert!(
        matches!(&d.behaviors[2].cache, Known::Unknown(w) if w.contains("neither CachePolicyId nor ForwardedValues"))
    );
    assert_eq!(d.behaviors[2].origin_request, Known::Read(None));
}

#[test]
fn bad_input_is_refused_clearly() {
    let e = read_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n",
    );
    assert!(
        matches!(e, Error::Yaml(_)) && e.to_string().contains("YAML"),
        "{e}"
    );
    let e = read_text("{not json");
    assert!(matches!(e, Error::NotJson { .. }), "{e}");
    let e = read_text(r#"{"Outputs": {}}"#);
    assert!(matches!(e, Error::NoResources(_)), "{e}");
    let e = read_text(r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}"#);
    assert!(
        matches!(e, Error::NoDistribution(_))
            && e.to_string().contains("no AWS::CloudFront::Distribution"),
        "{e}"
    );
    let e = read(Path::new("/nonexistent/t.json")).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e}");
    let empty = tempfile::tempdir().unwrap();
    let e = read(empty.path()).unwrap_err();
    assert!(
        matches!(e, Error::NotAssembly(_)) && e.to_string().contains("manifest.json"),
        "{e}"
    );
    fs::write(empty.path().join("manifest.json"), r#"{"artifacts": {}}"#).unwrap();
    let e = read(empty.path()).unwrap_err();
    assert!(matches!(e, Error::Manifest { .. }), "{e}");
    fs::write(empty.path().join("manifest.json"), r#"{"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}}}}"#).unwrap();
    let e = read(empty.path()).unwrap_err();
    assert!(
        matches!(e, Error::Io { .. }) && e.to_string().contains("S.template.json"),
        "{e}"
    );
}

#[test]
fn lambda_edge_associations_name_what_they_point_at() {
    let t = json!({"Resources": {
        "F": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.13", "Code": {"ZipFile": "x"}}},
        "V": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "F"}}},
        "A": {"Type": "AWS::Lambda::Alias", "Properties": {"Name": "live", "FunctionName": {"Ref": "F"}, "FunctionVersion": "1"}},
        "B": {"Type": "AWS::S3::Bucket"},
        "D": distribution(json!({"Origins": [], "DefaultCacheBehavior": {"TargetOriginId": "x", "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            "LambdaFunctionAssociations": [
                {"EventType": "viewer-request", "LambdaFunctionARN": {"Ref": "V"}},
                {"EventType": "origin-request", "LambdaFunctionARN": {"Ref": "A"}},
                {"EventType": "origin-response", "LambdaFunctionARN": {"Fn::GetAtt": ["F", "Arn"]}},
                {"EventType": "viewer-response", "LambdaFunctionARN": {"Ref": "B"}},
                {"EventType": "viewer-response", "LambdaFunctionARN": {"Ref": "AWS::NoValue"}}]}}))}});
    let d = read_json(&t).unwrap().remove(0).distribution;
    let l = &d.behaviors[0].lambda_associations;
    let version = l[0].function.read().unwrap();
    assert_eq!(
        (version.qualifier.as_deref(), version.runtime.as_str()),
        (Some("${V.Version}"), "python3.13")
    );
    // A template file alone has no region: none is guessed.
    assert_eq!(version.region, None);
    assert_eq!(
        l[1].function.read().unwrap().qualifier.as_deref(),
        Some("live")
    );
    assert_eq!(l[2].function.read().unwrap().qualifier, None);
    assert_eq!(l[2].arn, "${F.Arn}");
    assert!(
        matches!(&l[3].function, Known::Unknown(w) if w.contains("AWS::S3::Bucket")),
        "{:?}",
        l[3].function
    );
    assert!(
        matches!(&l[4].function, Known::Unknown(w) if w.contains("pseudo parameter")),
        "{:?}",
        l[4].function
    );
}
