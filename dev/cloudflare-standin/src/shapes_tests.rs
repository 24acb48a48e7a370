//! The validator held to the derived file: good bodies pass, shape-breaking ones are refused.

use serde_json::{Value, json};

use super::*;

fn body(v: Value) -> Vec<u8> {
    v.to_string().into_bytes()
}

fn rule() -> Value {
    json!({
        "ref": "oac-kit-origin-secret-1", "description": "d", "enabled": true,
        "expression": "(http.host in {\"a.example.com\"})", "action": "rewrite",
        "action_parameters": {"headers": {"x-origin-secret": {"operation": "set", "value": "v"}}}
    })
}

fn cname() -> Value {
    json!({"name": "a.example.com", "type": "CNAME", "content": "d111.cloudfront.net", "proxied": true, "comment": "c", "ttl": 1})
}

#[test]
fn every_operation_oac_kit_calls_has_a_shape_with_provenance() {
    let file = shapes();
    assert_eq!(file["provenance"]["repo"], "cloudflare/api-schemas");
    assert_eq!(
        file["provenance"]["commit"].as_str().map(str::len),
        Some(40)
    );
    for op in crate::routes::OPERATION_IDS {
        let entry = operation(op).unwrap_or_else(|| panic!("{op} missing"));
        assert!(
            entry["pointer"]
                .as_str()
                .is_some_and(|p| p.starts_with("#/")),
            "{op}"
        );
    }
}

#[test]
fn good_bodies_pass() {
    check_body("dns-records-for-a-zone-create-dns-record", &body(cname())).unwrap();
    check_body("dns-records-for-a-zone-patch-dns-record", &body(cname())).unwrap();
    check_body(
        "zone-settings-change-ssl-setting",
        &body(json!({"value": "strict"})),
    )
    .unwrap();
    check_body(
        "updateZoneEntrypointRuleset",
        &body(json!({"rules": [rule()]})),
    )
    .unwrap();
    check_body("createZoneRulesetRule", &body(rule())).unwrap();
    check_body("updateZoneRulesetRule", &body(rule())).unwrap();
    check_body("deleteZoneRulesetRule", b"").unwrap();
}

#[test]
fn shape_breaking_bodies_are_refused() {
    let mut bad = Vec::new();
    let mut c = cname();
    c["ttl"] = json!(5);
    bad.push(("dns-records-for-a-zone-create-dns-record", c));
    let mut c = cname();
    c["type"] = json!("A");
    bad.push(("dns-records-for-a-zone-create-dns-record", c));
    let mut c = cname();
    c.as_object_mut().unwrap().remove("content");
    bad.push(("dns-records-for-a-zone-create-dns-record", c));
    let mut c = cname();
    c["zone_id"] = json!("023e105f4ecef8ad9ca31a8372d0c353");
    bad.push(("dns-records-for-a-zone-patch-dns-record", c));
    let mut c = cname();
    c["proxied"] = json!("true");
    bad.push(("dns-records-for-a-zone-create-dns-record", c));
    bad.push((
        "zone-settings-change-ssl-setting",
        json!({"value": "full_strict"}),
    ));
    bad.push((
        "zone-settings-change-ssl-setting",
        json!({"id": "ssl", "value": "strict"}),
    ));
    bad.push((
        "updateZoneEntrypointRuleset",
        json!({"rules": [rule()], "kind": "zone"}),
    ));
    bad.push(("updateZoneEntrypointRuleset", json!({"name": "x"})));
    let mut r = rule();
    r["action_parameters"]["headers"]["x-origin-secret"] = json!({"operation": "set", "value": ""});
    bad.push(("createZoneRulesetRule", r));
    let mut r = rule();
    r["action_parameters"]["headers"]["x-origin-secret"] =
        json!({"operation": "add", "value": "v"});
    bad.push(("createZoneRulesetRule", r));
    let mut r = rule();
    r["version"] = json!("2");
    bad.push(("updateZoneRulesetRule", r));
    let mut r = rule();
    r["expression"] = json!("");
    bad.push(("updateZoneRulesetRule", r));
    let mut r = rule();
    r["action"] = json!("block");
    bad.push(("createZoneRulesetRule", r));
    for (op, b) in bad {
        assert!(
            check_body(op, &body(b.clone())).is_err(),
            "{op} accepted {b}"
        );
    }
    assert!(check_body("deleteZoneRulesetRule", b"{}").is_err());
    assert!(check_body("zone-settings-change-ssl-setting", b"not json").is_err());
    assert!(check_body("zone-settings-change-ssl-setting", b"").is_err());
}

const UPLOAD: &str = "per-hostname-authenticated-origin-pull-upload-a-hostname-client-certificate";
const HOSTNAMES: &str =
    "per-hostname-authenticated-origin-pull-enable-or-disable-a-hostname-for-client-authentication";

#[test]
fn origin_pull_bodies_pass_and_off_shape_ones_are_refused() {
    let upload = json!({"certificate": "-----BEGIN CERTIFICATE-----", "private_key": "-----BEGIN PRIVATE KEY-----"});
    check_body(UPLOAD, &body(upload.clone())).unwrap();
    for enabled in [json!(true), json!(false), Value::Null] {
        let config =
            json!({"config": [{"hostname": "a.example.com", "cert_id": "c1", "enabled": enabled}]});
        check_body(HOSTNAMES, &body(config)).unwrap();
    }
    check_body(
        "per-hostname-authenticated-origin-pull-delete-hostname-client-certificate",
        b"",
    )
    .unwrap();
    let mut bad = Vec::new();
    let mut u = upload.clone();
    u.as_object_mut().unwrap().remove("private_key");
    bad.push((UPLOAD, u));
    let mut u = upload.clone();
    u["type"] = json!("per-hostname");
    bad.push((UPLOAD, u));
    let mut u = upload;
    u["certificate"] = json!("");
    bad.push((UPLOAD, u));
    bad.push((
        HOSTNAMES,
        json!({"config": [{"hostname": "a.example.com", "cert_id": "c1", "enabled": "yes"}]}),
    ));
    bad.push((
        HOSTNAMES,
        json!({"config": [{"hostname": "a.example.com", "enabled": true}]}),
    ));
    bad.push((
        HOSTNAMES,
        json!({"config": [{"hostname": "a.example.com", "cert_id": "c".repeat(37)}]}),
    ));
    bad.push((HOSTNAMES, json!({"hostnames": []})));
    for (op, b) in bad {
        assert!(
            check_body(op, &body(b.clone())).is_err(),
            "{op} accepted {b}"
        );
    }
}
