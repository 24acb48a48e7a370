//! The OpenAPI document is exactly as strict as the code, both ways: for every input the document
//! constrains (`limit`, `Idempotency-Key`, `action`, `resource`, unknown body members) and a set of
//! boundary and hostile values, the document accepts a value if and only if the server does — so
//! a client generated from the document sends nothing the server refuses and refuses nothing the
//! server takes. The constraints are read from the served document, not restated here. And the
//! rejections of axum's extractors are the documented problems, never axum's plain text.

mod common;

use axum::http::{Request, StatusCode};
use common::contract::*;
use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn limit_is_documented_as_the_integers_the_server_takes() {
    let schema = parameter_schema(&openapi().await, "/v1/audit-events", "get", "limit");
    assert_eq!(
        (&schema["minimum"], &schema["maximum"]),
        (&json!(1), &json!(100))
    );
    let values = strings(&[
        "1",
        "2",
        "25",
        "99",
        "100",
        "0",
        "101",
        "-1",
        "abc",
        "1.5",
        "1.0",
        "+5",
        "05",
        " 5",
        "5 ",
        "",
        "1e2",
        "٣",
        "18446744073709551617",
    ]);
    let app = app();
    agree(
        "limit",
        &values,
        |v| integer_schema_admits(&schema, v),
        async |v| {
            let path = format!("/v1/audit-events?limit={}", encoded(v));
            let a = send(&app, get(&path, Some(READER))).await;
            accepted(&a, StatusCode::OK, "invalid-query", v)
        },
    )
    .await;
}

#[tokio::test]
async fn idempotency_key_is_documented_as_the_keys_the_server_takes() {
    let schema = parameter_schema(
        &openapi().await,
        "/v1/audit-events",
        "post",
        "Idempotency-Key",
    );
    let visible: String = (b'!'..=b'~').map(char::from).collect();
    let values = vec![
        "k".to_owned(),
        "a".repeat(128),
        "a".repeat(129),
        String::new(),
        visible[..94].to_owned(),
        "with space".to_owned(),
        " leading".to_owned(),
        "tab\tinside".to_owned(),
        "caf\u{e9}".to_owned(),
        "\u{a0}".to_owned(),
    ];
    let app = app();
    agree(
        "Idempotency-Key",
        &values,
        |v| string_schema_admits(&schema, v),
        async |key| {
            let request = Request::post("/v1/audit-events")
                .header("content-type", "application/json")
                .header("x-fluid-identity", WRITER)
                .header(
                    "idempotency-key",
                    http::HeaderValue::from_bytes(key.as_bytes()).unwrap(),
                )
                .body(axum::body::Body::from(EVENT))
                .unwrap();
            let a = send(&app, request).await;
            accepted(&a, StatusCode::CREATED, "invalid-idempotency-key", key)
        },
    )
    .await;
}

/// Whether the server stores an event with these members (201) or refuses it (422).
async fn server_takes(app: &axum::Router, event: Value) -> bool {
    let a = send(app, post_json(Some(WRITER), None, &event.to_string())).await;
    accepted(
        &a,
        StatusCode::CREATED,
        "invalid-audit-event",
        &event.to_string(),
    )
}

fn event_member_schema(doc: &Value, member: &str) -> Value {
    doc["components"]["schemas"]["NewAuditEvent"]["properties"][member].clone()
}

#[tokio::test]
async fn action_and_resource_are_documented_as_the_server_checks_them() {
    let doc = openapi().await;
    let action = event_member_schema(&doc, "action");
    let resource = event_member_schema(&doc, "resource");
    let hostile = [
        "",
        "a b",
        "a\u{0}b",
        "a\nb",
        "tab\t",
        "del\u{7f}",
        "c1\u{85}",
        "c1\u{9f}",
        "nbsp\u{a0}",
        "\u{2028}",
        "caf\u{e9}",
        "\u{1f600}",
        "arn:aws:lambda:eu-west-1:1:function:api",
        "deploy.started",
        "../x",
    ];
    let mut actions = strings(&hostile);
    actions.extend(["a".repeat(128), "a".repeat(129)]);
    let mut resources = strings(&hostile);
    resources.extend(["x".repeat(512), "x".repeat(513), "\u{1f600}".repeat(512)]);
    let app = app();
    agree(
        "action",
        &actions,
        |v| string_schema_admits(&action, v),
        async |v| server_takes(&app, json!({"action": v, "resource": "r"})).await,
    )
    .await;
    agree(
        "resource",
        &resources,
        |v| string_schema_admits(&resource, v),
        async |v| server_takes(&app, json!({"action": "a", "resource": v})).await,
    )
    .await;
}

#[tokio::test]
async fn unknown_members_are_refused_by_the_document_and_the_server() {
    let doc = openapi().await;
    let schema = &doc["components"]["schemas"]["NewAuditEvent"];
    assert_eq!(schema["additionalProperties"], false, "{schema}");
    assert_eq!(
        schema["required"],
        json!(["action", "resource"]),
        "{schema}"
    );
    let app = app();
    assert!(!server_takes(&app, json!({"action": "a", "resource": "r", "actor": "me"})).await);
    assert!(!server_takes(&app, json!({"action": "a"})).await);
    assert!(
        server_takes(
            &app,
            json!({"action": "a", "resource": "r", "detail": null})
        )
        .await
    );
}

#[tokio::test]
async fn an_event_id_that_is_not_utf8_is_the_documented_not_found_problem() {
    let a = send(&app(), get("/v1/audit-events/%FF", Some(READER))).await;
    assert_eq!(
        a.status,
        StatusCode::NOT_FOUND,
        "{:?}",
        String::from_utf8_lossy(&a.raw)
    );
    assert_eq!(a.problem(), "audit-event-not-found");
}

#[tokio::test]
async fn query_values_that_are_not_utf8_are_problems() {
    for query in ["limit=%FF", "cursor=%FF", "cursor=%FF%FE", "%FF=1"] {
        let a = send(
            &app(),
            get(&format!("/v1/audit-events?{query}"), Some(READER)),
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            ["invalid-query", "invalid-cursor"].contains(&a.problem()),
            "{query}: {}",
            a.body
        );
    }
}

#[tokio::test]
async fn whoami_documents_the_viewer_host_as_the_server_answers_it() {
    let doc = openapi().await;
    let who = &doc["components"]["schemas"]["WhoAmI"];
    let required = who["required"].as_array().unwrap();
    assert!(!required.contains(&json!("viewer_host")), "{who}");
    let schema = &who["properties"]["viewer_host"];
    let mut request = get("/v1/whoami", Some(READER));
    let headers = request.headers_mut();
    headers.insert("x-forwarded-host", "API.example.com:8443".parse().unwrap());
    let answer = send(&app(), request).await;
    let host = answer.body["viewer_host"].as_str().unwrap();
    assert_eq!(schema["minLength"], 1, "{schema}");
    assert!(schema["type"] == "string" || schema["type"] == json!(["string", "null"]));
    assert!(!host.is_empty());
}
