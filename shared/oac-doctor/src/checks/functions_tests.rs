use super::super::good;
use super::*;
use crate::Status;
use crate::model::{CloudFrontFunction, LambdaAssociation};

fn assert_fails(v: &Verdict, needle: &str) {
    assert_eq!(v.status, Status::Fail, "{}", v.reason);
    assert!(v.reason.contains(needle), "{}", v.reason);
}

fn filter(chain: &mut Chain) -> &mut CloudFrontFunction {
    match &mut good::only_behavior(chain).function_associations[0].function {
        Known::Read(f) => f,
        Known::Unknown(_) => unreachable!(),
    }
}

/// The chain with the Lambda@Edge viewer filter built with `config` instead of the CloudFront Function.
fn edge_filter(config: serde_json::Value) -> Chain {
    let mut chain = good::chain();
    let b = good::only_behavior(&mut chain);
    b.function_associations.clear();
    let mut a: LambdaAssociation = good::body_hash();
    a.event_type = "viewer-request".into();
    a.include_body = false;
    a.arn = "${ApiIpFilterEdgeArnReader.FunctionArn}".into();
    if let Known::Read(f) = &mut a.function {
        f.resource = "AWS::Lambda::Version IpFilterEdgeCurrentVersion".into();
        f.baked_config = Some(config);
    }
    b.lambda_associations.push(a);
    chain
}

const KVS_ARN: &str =
    "arn:aws:cloudfront::111122223333:key-value-store/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

#[test]
fn the_good_chain_passes_both() {
    let chain = good::chain();
    let v = kvs_association(&chain);
    assert_eq!(v.status, Status::Pass, "{}", v.reason);
    assert_eq!(
        v.resources,
        ["AWS::CloudFront::Function ApiIpFilterFunction42861569"]
    );
    let v = origin_secret_header(&chain);
    assert_eq!(v.status, Status::Pass, "{}", v.reason);
    assert_eq!(
        v.resources,
        ["AWS::CloudFront::Function ApiIpFilterFunction42861569"]
    );
}

#[test]
fn a_kvs_reader_without_a_store_fails() {
    let mut chain = good::chain();
    filter(&mut chain).key_value_stores.clear();
    assert_fails(&kvs_association(&chain), "none is associated");
}

#[test]
fn two_stores_fail() {
    let mut chain = good::chain();
    filter(&mut chain)
        .key_value_stores
        .push("${Other.Arn}".into());
    assert_fails(&kvs_association(&chain), "2 KeyValueStores");
}

#[test]
fn a_store_never_read_passes_with_a_note() {
    let mut chain = good::chain();
    filter(&mut chain).code =
        Some("async function handler(event) { return event.request; }".into());
    let v = kvs_association(&chain);
    assert_eq!(v.status, Status::Pass);
    assert!(v.reason.contains("never reads"), "{}", v.reason);
}

#[test]
fn the_address_only_filter_passes_kvs() {
    let mut chain = good::chain();
    let f = filter(&mut chain);
    f.code = Some("async function handler(event) { return event.request; }".into());
    f.key_value_stores.clear();
    let v = kvs_association(&chain);
    assert_eq!(v.status, Status::Pass);
    assert!(!v.reason.contains("note"), "{}", v.reason);
}

#[test]
fn unreadable_functions_or_code_fail_kvs() {
    let mut chain = good::chain();
    filter(&mut chain).code = None;
    assert_fails(&kvs_association(&chain), "code could not be read");
    let mut chain = good::chain();
    good::only_behavior(&mut chain).function_associations[0].function =
        Known::Unknown("DescribeFunction denied".into());
    assert_fails(&kvs_association(&chain), "DescribeFunction denied");
}

#[test]
fn no_cloudfront_function_is_not_applicable_for_kvs() {
    let mut chain = good::chain();
    good::only_behavior(&mut chain)
        .function_associations
        .clear();
    assert_eq!(kvs_association(&chain).status, Status::NotApplicable);
}

#[test]
fn a_function_on_two_behaviours_is_judged_once() {
    let mut chain = good::chain();
    good::add_bucket(&mut chain);
    filter(&mut chain).key_value_stores.clear();
    chain.distribution.behaviors[1].function_associations = chain.distribution.behaviors[0]
        .function_associations
        .clone();
    let v = kvs_association(&chain);
    assert_eq!(
        v.reason.matches("none is associated").count(),
        1,
        "{}",
        v.reason
    );
}

#[test]
fn a_different_header_fails_naming_both_halves() {
    let mut chain = good::chain();
    chain.cloudflare_rule.as_mut().unwrap().header = "x-zone-key".into();
    let v = origin_secret_header(&chain);
    assert_fails(
        &v,
        "reads `x-origin-secret` but Custom::CloudflareZone ApiCloudflareZone1234ABCD sets `x-zone-key`",
    );
    assert_eq!(
        v.resources,
        [
            "AWS::CloudFront::Function ApiIpFilterFunction42861569",
            "Custom::CloudflareZone ApiCloudflareZone1234ABCD"
        ]
    );
    assert!(
        !v.reason.ends_with(';') && !v.reason.ends_with("; "),
        "{}",
        v.reason
    );
}

#[test]
fn header_names_compare_case_insensitively() {
    let mut chain = good::chain();
    chain.cloudflare_rule.as_mut().unwrap().header = "X-Origin-Secret".into();
    assert_eq!(origin_secret_header(&chain).status, Status::Pass);
}

#[test]
fn without_the_rule_or_a_named_header_it_is_not_applicable() {
    let mut chain = good::chain();
    chain.cloudflare_rule = None;
    assert_eq!(origin_secret_header(&chain).status, Status::NotApplicable);
    let mut chain = good::chain();
    filter(&mut chain).code =
        Some("async function handler(event) { return event.request; }".into());
    assert_eq!(origin_secret_header(&chain).status, Status::NotApplicable);
}

#[test]
fn an_unreadable_viewer_function_fails_the_comparison() {
    let mut chain = good::chain();
    good::only_behavior(&mut chain).function_associations[0].function =
        Known::Unknown("GetFunction denied".into());
    assert_fails(&origin_secret_header(&chain), "GetFunction denied");
    let mut chain = good::chain();
    filter(&mut chain).code = None;
    assert_fails(&origin_secret_header(&chain), "code could not be read");
}

#[test]
fn the_edge_bundle_config_is_read() {
    let chain = edge_filter(serde_json::json!({ "kvsArn": KVS_ARN }));
    let v = origin_secret_header(&chain);
    assert_eq!(
        v.status,
        Status::Pass,
        "default header x-origin-secret: {}",
        v.reason
    );
    let chain =
        edge_filter(serde_json::json!({ "kvsArn": KVS_ARN, "originSecretHeader": "x-zone-key" }));
    assert_fails(&origin_secret_header(&chain), "reads `x-zone-key`");
    let chain = edge_filter(serde_json::json!({}));
    assert_eq!(origin_secret_header(&chain).status, Status::NotApplicable);
    let chain = edge_filter(serde_json::json!({ "kvsArn": "not-an-arn" }));
    assert_fails(&origin_secret_header(&chain), "config.json");
}

#[test]
fn an_unreadable_edge_filter_fails_the_comparison() {
    let mut chain = edge_filter(serde_json::json!({}));
    good::only_behavior(&mut chain).lambda_associations[1].function =
        Known::Unknown("GetFunction denied".into());
    assert_fails(&origin_secret_header(&chain), "GetFunction denied");
}

#[test]
fn the_declaration_is_read_as_generated() {
    assert_eq!(declared_header(good::FILTER_CODE), Some("x-origin-secret"));
    assert_eq!(declared_header("var SECRET_HEADER = \"x-a"), None);
    assert_eq!(declared_header("var OTHER = \"x-a\";"), None);
}
