//! The real `cloudflare-setup` binary through the Lambda Runtime API, as CDK's provider framework
//! drives it (onEvent, then isComplete), against the Cloudflare stand-in and moto (Secrets
//! Manager, ACM): the Zone lifecycle, repeats, the user's own rule, ownership, permissions, the
//! SSL mode, the certificate; and no token or secret in any log line or failure reason.

#[path = "cloudflare_setup/rig.rs"]
mod rig;

use cloudflare_standin::Permission;
use rig::*;
use serde_json::{Value, json};

const A: &str = "a.example.com";
const B: &str = "b.example.com";
const C: &str = "c.example.com";

fn users_rule() -> Value {
    json!({"ref": "users-own", "description": "the user's", "expression": "(http.host eq \"x.example.com\")",
           "action": "rewrite", "enabled": true,
           "action_parameters": {"headers": {"x-user": {"operation": "set", "value": "theirs"}}}})
}

fn ours_comment() -> Option<String> {
    Some(format!(
        "oac-kit: proxied {RULE_REF} (managed by CloudFormation)"
    ))
}

fn proxied(name: &str) -> (String, String, String, bool, Option<String>) {
    (
        name.into(),
        "CNAME".into(),
        DIST.into(),
        true,
        ours_comment(),
    )
}

fn our_rule(rig: &Rig) -> Option<Value> {
    rig.rules().into_iter().find(|r| r["ref"] == RULE_REF)
}

fn assert_users_rule_intact(rig: &Rig) {
    let rules = rig.rules();
    let theirs = rules
        .iter()
        .find(|r| r["ref"] == "users-own")
        .expect("the user's rule is still there");
    assert_eq!(theirs["expression"], users_rule()["expression"]);
    assert_eq!(
        theirs["action_parameters"],
        users_rule()["action_parameters"]
    );
    assert_eq!(rules[0]["ref"], "users-own", "the user's rule stays first");
}

#[tokio::test]
async fn zone_create_update_delete_owns_only_its_records_and_rule_and_repeats_change_nothing() {
    let mut rig = Rig::start(ALL, "60").await;
    set_ssl(&rig, "strict");
    rig.cf.with_zone(|z| {
        z.seed_rule(PHASE, &users_rule());
        z.create_record(
            &json!({"name": "x.example.com", "type": "A", "content": "192.0.2.7", "proxied": true}),
        );
    });
    let foreign = (
        "x.example.com".to_owned(),
        "A".to_owned(),
        "192.0.2.7".to_owned(),
        true,
        None,
    );

    // Create.
    let props = zone_props(&rig, &[A, B], None);
    let create = event("Create", &props, None, None);
    let answer = rig.on_event(&create).await.unwrap();
    let physical = format!("cloudflare-zone:{ZONE}:{RULE_REF}");
    assert_eq!(answer, json!({"PhysicalResourceId": physical, "Data": {}}));
    assert_eq!(rig.records(), [proxied(A), proxied(B), foreign.clone()]);
    let rule = our_rule(&rig).unwrap();
    assert_eq!(
        rule["expression"],
        format!("(http.host in {{\"{A}\" \"{B}\"}})")
    );
    assert_eq!(
        rule["action_parameters"]["headers"]["x-origin-secret"]["value"],
        SECRET
    );
    assert_users_rule_intact(&rig);
    let done = rig
        .is_complete(&event("Create", &props, Some(&physical), None))
        .await
        .unwrap();
    assert_eq!(done["IsComplete"], true);

    // The same event again: nothing changes.
    let changes = rig.changes();
    let state = rig.cf.state();
    assert_eq!(rig.on_event(&create).await.unwrap(), answer);
    assert_eq!(rig.changes(), changes);
    assert_eq!(rig.cf.state(), state);

    // Update: B removed, C added.
    let new_props = zone_props(&rig, &[A, C], None);
    let update = event("Update", &new_props, Some(&physical), Some(&props));
    assert_eq!(rig.on_event(&update).await.unwrap(), answer);
    assert_eq!(rig.records(), [proxied(A), proxied(C), foreign.clone()]);
    let rule = our_rule(&rig).unwrap();
    assert_eq!(
        rule["expression"],
        format!("(http.host in {{\"{A}\" \"{C}\"}})")
    );
    assert_users_rule_intact(&rig);
    let changes = rig.changes();
    rig.on_event(&update).await.unwrap();
    assert_eq!(rig.changes(), changes, "a repeated Update changes nothing");

    // Delete, twice.
    let delete = event("Delete", &new_props, Some(&physical), None);
    assert_eq!(rig.on_event(&delete).await.unwrap(), answer);
    assert_eq!(rig.records(), std::slice::from_ref(&foreign));
    assert!(our_rule(&rig).is_none());
    assert_users_rule_intact(&rig);
    let changes = rig.changes();
    rig.on_event(&delete).await.unwrap();
    assert_eq!(rig.changes(), changes, "a repeated Delete changes nothing");
    assert_eq!(
        rig.cf.state()["ssl"],
        "strict",
        "Delete leaves the SSL mode"
    );

    let logs = rig.finish().await;
    assert!(
        logs.iter()
            .any(|l| l.contains("\"request_type\":\"Update\"")),
        "{logs:?}"
    );
}

#[tokio::test]
async fn a_record_oac_kit_did_not_create_is_named_and_nothing_is_written() {
    let mut rig = Rig::start(ALL, "60").await;
    set_ssl(&rig, "strict");
    rig.cf.with_zone(|z| {
        z.create_record(&json!({"name": B, "type": "CNAME", "content": "elsewhere.example.net", "proxied": false}));
    });
    let before = rig.records();
    let err = rig
        .on_event(&event(
            "Create",
            &zone_props(&rig, &[A, B], None),
            None,
            None,
        ))
        .await
        .unwrap_err();
    assert!(err.contains(B) && err.contains("did not create"), "{err}");
    assert_eq!(rig.records(), before);
    assert!(our_rule(&rig).is_none());
    // Delete after the failed Create (its physical id is not ours) touches nothing either.
    rig.on_event(&event(
        "Delete",
        &zone_props(&rig, &[A, B], None),
        Some("5f3e1c2a"),
        None,
    ))
    .await
    .unwrap();
    assert_eq!(rig.records(), before);
    rig.finish().await;
}

#[tokio::test]
async fn a_token_without_permission_fails_with_cloudflares_message() {
    let mut rig = Rig::start(&[Permission::DnsRead, Permission::ZoneSettingsRead], "60").await;
    set_ssl(&rig, "strict");
    let err = rig
        .on_event(&event("Create", &zone_props(&rig, &[A], None), None, None))
        .await
        .unwrap_err();
    assert!(
        err.contains("Cloudflare API error 10000: Authentication error (HTTP 403)"),
        "{err}"
    );
    assert!(rig.records().is_empty());
    rig.finish().await;
}

#[tokio::test]
async fn ssl_not_strict_is_refused_and_set_when_asked() {
    let mut rig = Rig::start(ALL, "60").await;
    set_ssl(&rig, "full");
    let err = rig
        .on_event(&event("Create", &zone_props(&rig, &[A], None), None, None))
        .await
        .unwrap_err();
    assert!(err.contains("\"full\", not Full (strict)"), "{err}");
    assert_eq!(rig.changes(), 0, "refused before any change");
    assert_eq!(rig.cf.state()["ssl"], "full");

    let props = zone_props(&rig, &[A], Some("set-strict"));
    rig.on_event(&event("Create", &props, None, None))
        .await
        .unwrap();
    assert_eq!(rig.cf.state()["ssl"], "strict");
    assert_eq!(rig.records(), [proxied(A)]);
    rig.finish().await;
}

#[path = "cloudflare_setup/certificate.rs"]
mod certificate;

#[tokio::test]
async fn a_retry_after_a_partial_create_finishes_it_and_keeps_what_was_done() {
    let mut rig = Rig::start(ALL, "60").await;
    set_ssl(&rig, "strict");
    // What a first attempt left: A's record, no rule, no B.
    let comment = ours_comment().unwrap();
    rig.cf.with_zone(|z| {
        z.create_record(&json!({"name": A, "type": "CNAME", "content": DIST, "proxied": true, "ttl": 1, "comment": comment}));
    });
    let a_id = rig.cf.state()["records"][0]["id"].clone();
    rig.on_event(&event(
        "Create",
        &zone_props(&rig, &[A, B], None),
        None,
        None,
    ))
    .await
    .unwrap();
    assert_eq!(rig.records(), [proxied(A), proxied(B)]);
    assert_eq!(
        rig.cf.state()["records"][0]["id"],
        a_id,
        "A's record kept, not recreated"
    );
    assert!(our_rule(&rig).is_some());
    // Every request carried the token, and only in Authorization.
    for request in rig.cf.requests() {
        assert_eq!(request.authorization, Some(format!("Bearer {TOKEN}")));
        assert!(!request.body.contains(TOKEN) && !request.uri.contains(TOKEN));
    }
    rig.finish().await;
}

#[tokio::test]
async fn a_pending_rotation_puts_awspending_into_the_rule_and_next_wins_over_current() {
    const PENDING: &str = "Zq8Wm3Np6Rt9Vx2Bc5Df8Gh1Jk4Lm7Pq";
    const NEXT: &str = "Nx4Tb8Vq2Wr6Yz0Ac3Ed7Gf1Hk5Jm9Lp";
    let mut rig = Rig::start(ALL, "60").await;
    set_ssl(&rig, "strict");
    let props = zone_props(&rig, &[A], None);
    rig.put_origin_secret(
        &format!(r#"{{"current":"{SECRET}","next":"{NEXT}"}}"#),
        "AWSCURRENT",
    )
    .await;
    rig.on_event(&event("Create", &props, None, None))
        .await
        .unwrap();
    assert_eq!(
        our_rule(&rig).unwrap()["action_parameters"]["headers"]["x-origin-secret"]["value"],
        NEXT
    );
    rig.put_origin_secret(&format!(r#"{{"current":"{PENDING}"}}"#), "AWSPENDING")
        .await;
    let physical = format!("cloudflare-zone:{ZONE}:{RULE_REF}");
    rig.on_event(&event("Update", &props, Some(&physical), Some(&props)))
        .await
        .unwrap();
    assert_eq!(
        our_rule(&rig).unwrap()["action_parameters"]["headers"]["x-origin-secret"]["value"],
        PENDING
    );
    for line in rig.finish().await {
        assert!(!line.contains(PENDING) && !line.contains(NEXT), "{line}");
    }
}

#[tokio::test]
async fn a_zone_without_the_origin_secret_writes_no_rule_and_removes_ours() {
    let mut rig = Rig::start(ALL, "60").await;
    set_ssl(&rig, "strict");
    rig.cf.with_zone(|z| z.seed_rule(PHASE, &users_rule()));
    // With the rule first (the origin secret kept), then viewer mTLS alone: the Update drops the
    // two properties, and the rule that would send a secret nothing checks goes.
    let with_rule = zone_props(&rig, &[A], None);
    let physical = format!("cloudflare-zone:{ZONE}:{RULE_REF}");
    rig.on_event(&event("Create", &with_rule, None, None))
        .await
        .unwrap();
    assert!(our_rule(&rig).is_some());
    let mut without = with_rule.clone();
    let map = without.as_object_mut().unwrap();
    map.remove("OriginSecretArn");
    map.remove("OriginSecretHeader");
    let answer = rig
        .on_event(&event(
            "Update",
            &without,
            Some(&physical),
            Some(&with_rule),
        ))
        .await
        .unwrap();
    assert_eq!(answer["PhysicalResourceId"], physical);
    assert_eq!(our_rule(&rig), None);
    assert_users_rule_intact(&rig);
    assert_eq!(rig.records(), [proxied(A)]);

    // One of the two alone is refused, naming the missing one.
    let mut half = without.clone();
    half["OriginSecretHeader"] = json!("x-origin-secret");
    let err = rig
        .on_event(&event("Update", &half, Some(&physical), Some(&without)))
        .await
        .unwrap_err();
    assert!(err.contains("OriginSecretArn"), "{err}");
}
