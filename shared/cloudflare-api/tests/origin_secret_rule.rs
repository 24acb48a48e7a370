//! oac-kit's rule in the late-transform entry point, beside the user's own rules.

mod support;

use serde_json::{Value, json};
use support::*;

const OTHER_SECRET: &str = "Zc0Dg5Fj1Hb6Ys3Tp8Nm4Rx9Lv2Wq7Ke";

fn user_rule() -> Value {
    json!({
        "ref": "users-own", "description": "the user's header", "enabled": true,
        "expression": "(http.request.uri.path eq \"/\")", "action": "rewrite",
        "action_parameters": {"headers": {"x-user": {"operation": "set", "value": "mine"}}}
    })
}

async fn value(client: &cloudflare_api::Client) -> Option<String> {
    client
        .origin_secret_rule_value(&zone(), RULE_REF)
        .await
        .unwrap()
}

fn rules(standin: &cloudflare_standin::CloudflareStandIn) -> Vec<Value> {
    standin.state()["entrypoints"][PHASE]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_missing_entrypoint_is_created_with_only_our_rule() {
    let standin = full_standin().await;
    let client = client(&standin);
    assert_eq!(
        client
            .origin_secret_rule_value(&zone(), RULE_REF)
            .await
            .unwrap(),
        None
    );
    client
        .upsert_origin_secret_rule(&zone(), &rule(&["a.example.com", "b.example.com"], SECRET))
        .await
        .unwrap();
    let rules = rules(&standin);
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["ref"], RULE_REF);
    assert_eq!(
        rules[0]["expression"],
        r#"(http.host in {"a.example.com" "b.example.com"})"#
    );
    assert_eq!(
        rules[0]["action_parameters"]["headers"]["x-origin-secret"],
        json!({"operation": "set", "value": SECRET})
    );
    assert_eq!(
        rules[0]["description"],
        "oac-kit origin secret (managed by CloudFormation; do not edit)"
    );
    assert_eq!(value(&client).await.as_deref(), Some(SECRET));
    let methods: Vec<String> = standin
        .requests()
        .iter()
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(methods, ["GET", "GET", "PUT", "GET"]);
    assert_clean(&standin);
}

#[tokio::test]
async fn the_users_rules_survive_create_update_and_delete_of_ours() {
    let standin = full_standin().await;
    standin.with_zone(|z| z.seed_rule(PHASE, &user_rule()));
    let before = rules(&standin)[0].clone();
    let client = client(&standin);

    client
        .upsert_origin_secret_rule(&zone(), &rule(&["a.example.com"], SECRET))
        .await
        .unwrap();
    let after_create = rules(&standin);
    assert_eq!(after_create.len(), 2);
    assert_eq!(after_create[0], before, "the user's rule changed or moved");
    let ours_id = after_create[1]["id"].clone();

    client
        .upsert_origin_secret_rule(
            &zone(),
            &rule(&["a.example.com", "c.example.com"], OTHER_SECRET),
        )
        .await
        .unwrap();
    let after_update = rules(&standin);
    assert_eq!(after_update.len(), 2);
    assert_eq!(after_update[0], before);
    assert_eq!(
        after_update[1]["id"], ours_id,
        "updated in place, not re-created"
    );
    assert_eq!(value(&client).await.as_deref(), Some(OTHER_SECRET));

    client
        .delete_origin_secret_rule(&zone(), RULE_REF)
        .await
        .unwrap();
    assert_eq!(rules(&standin), vec![before]);
    assert_eq!(
        client
            .origin_secret_rule_value(&zone(), RULE_REF)
            .await
            .unwrap(),
        None
    );
    assert!(
        standin.requests().iter().all(|r| r.method != "PUT"),
        "the rule list was replaced"
    );
    assert_clean(&standin);
}

#[tokio::test]
async fn deleting_an_absent_rule_writes_nothing() {
    let standin = full_standin().await;
    let client = client(&standin);
    client
        .delete_origin_secret_rule(&zone(), RULE_REF)
        .await
        .unwrap();
    standin.with_zone(|z| z.seed_rule(PHASE, &user_rule()));
    client
        .delete_origin_secret_rule(&zone(), RULE_REF)
        .await
        .unwrap();
    assert!(standin.requests().iter().all(|r| r.method == "GET"));
    assert_eq!(rules(&standin).len(), 1);
}
