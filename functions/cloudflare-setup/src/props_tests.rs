use serde_json::{Value, json};

use super::*;

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKEN_ARN: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cf-token-AbCdEf";
const ORIGIN_ARN: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:origin-AbCdEf";

fn zone() -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:p",
        "Kind": "Zone", "ZoneId": ZONE, "Hostnames": ["a.example.com", "b.example.com"],
        "ApiTokenSecretArn": TOKEN_ARN, "DistributionDomainName": "d111111abcdef8.cloudfront.net",
        "OriginSecretArn": ORIGIN_ARN, "OriginSecretHeader": "x-origin-secret", "RuleRef": "oac-kit-origin-secret-abc"
    })
}

fn cert() -> Value {
    json!({"Kind": "Certificate", "ZoneId": ZONE, "Hostnames": ["a.example.com"], "ApiTokenSecretArn": TOKEN_ARN})
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn without(mut v: Value, key: &str) -> Value {
    v.as_object_mut().unwrap().remove(key);
    v
}

#[test]
fn a_zone_parses_with_require_strict_by_default() {
    let Props::Zone(z) = parse(&zone()).unwrap() else {
        panic!()
    };
    assert_eq!(z.ssl_mode, SslMode::RequireStrict);
    assert_eq!(
        z.physical_id(),
        format!("cloudflare-zone:{ZONE}:oac-kit-origin-secret-abc")
    );
    let Props::Zone(z) = parse(&with(zone(), "SslMode", json!("set-strict"))).unwrap() else {
        panic!()
    };
    assert_eq!(z.ssl_mode, SslMode::SetStrict);
}

#[test]
fn a_certificate_parses() {
    let Props::Certificate(c) = parse(&cert()).unwrap() else {
        panic!()
    };
    assert_eq!(c.hostnames, ["a.example.com"]);
}

#[test]
fn every_refusal_names_the_property() {
    let cases = [
        (with(zone(), "Kind", json!("Bucket")), "Kind"),
        (with(zone(), "Extra", json!("x")), "Extra"),
        (without(zone(), "ZoneId"), "ZoneId"),
        (with(zone(), "ZoneId", json!("not-a-zone")), "ZoneId"),
        (with(zone(), "Hostnames", json!([])), "Hostnames"),
        (
            with(zone(), "Hostnames", json!(["A.example.com"])),
            "Hostnames",
        ),
        (
            with(
                zone(),
                "Hostnames",
                json!(["a.example.com", "a.example.com"]),
            ),
            "twice",
        ),
        (
            with(zone(), "Hostnames", json!("a.example.com")),
            "Hostnames",
        ),
        (
            with(zone(), "ApiTokenSecretArn", json!("cf-token")),
            "ApiTokenSecretArn",
        ),
        (without(zone(), "OriginSecretArn"), "OriginSecretArn"),
        (without(zone(), "OriginSecretHeader"), "OriginSecretHeader"),
        (
            with(zone(), "OriginSecretHeader", json!("cf-secret")),
            "OriginSecretHeader",
        ),
        (with(zone(), "SslMode", json!("strict")), "SslMode"),
        (with(zone(), "RuleRef", json!("a b")), "RuleRef"),
        (
            without(zone(), "DistributionDomainName"),
            "DistributionDomainName",
        ),
        (with(cert(), "RuleRef", json!("r")), "RuleRef"),
    ];
    for (props, named) in cases {
        let err = parse(&props).unwrap_err();
        assert!(err.contains(named), "{named}: {err}");
    }
}

#[test]
fn a_zone_without_both_origin_secret_properties_has_no_rule() {
    let props = without(without(zone(), "OriginSecretArn"), "OriginSecretHeader");
    let Props::Zone(no_rule) = parse(&props).unwrap() else {
        panic!("not a zone")
    };
    assert_eq!(no_rule.origin_secret, None);
    let Props::Zone(with_rule) = parse(&zone()).unwrap() else {
        panic!("not a zone")
    };
    assert_eq!(with_rule.origin_secret.unwrap().header, "x-origin-secret");
}
