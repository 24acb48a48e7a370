//! The stand-in over loopback HTTP: what a client that breaks the rules gets back.

use cloudflare_standin::{CloudflareStandIn, Permission, Tokens, Zone};
use serde_json::{Value, json};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";

async fn standin() -> CloudflareStandIn {
    let mut tokens = Tokens::default();
    tokens.grant("all", &Permission::ALL);
    tokens.grant("dns-read", &[Permission::DnsRead]);
    CloudflareStandIn::start(Zone::new(ZONE, "example.com"), tokens)
        .await
        .unwrap()
}

async fn send(
    standin: &CloudflareStandIn,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Option<String>, Value) {
    let url = format!("{}/zones/{ZONE}{path}", standin.base_url());
    let mut request = reqwest::Client::new().request(method.parse().unwrap(), url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        status,
        retry_after,
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn a_body_breaking_its_shape_gets_the_400_envelope_and_changes_nothing() {
    let standin = standin().await;
    let bad =
        json!({"name": "a.example.com", "type": "CNAME", "content": "x.example.net", "ttl": 2});
    let (status, _, body) = send(&standin, "POST", "/dns_records", Some("all"), Some(bad)).await;
    assert_eq!(status, 400);
    assert_eq!(body["success"], false);
    assert_eq!(body["errors"][0]["code"], 1004);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("/ttl"),
        "{body}"
    );
    let (status, _, _) = send(
        &standin,
        "PATCH",
        "/settings/ssl",
        Some("all"),
        Some(json!({"value": "strict", "id": "ssl"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(standin.state()["records"], json!([]));
    assert_eq!(standin.state()["ssl"], "full");
}

#[tokio::test]
async fn tokens_need_the_operations_permission() {
    let standin = standin().await;
    for token in [None, Some("unknown"), Some("dns-read")] {
        let (status, _, body) = send(
            &standin,
            "PATCH",
            "/settings/ssl",
            token,
            Some(json!({"value": "strict"})),
        )
        .await;
        assert_eq!(
            (status, body["errors"][0]["code"].clone()),
            (403, json!(10000)),
            "{token:?}"
        );
    }
    let (status, _, _) = send(&standin, "GET", "/dns_records", Some("dns-read"), None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn unknown_routes_and_missing_entrypoints_are_cloudflares_404s() {
    let standin = standin().await;
    let (status, _, body) = send(&standin, "GET", "/firewall/rules", Some("all"), None).await;
    assert_eq!(
        (status, body["errors"][0]["code"].clone()),
        (404, json!(7003))
    );
    let (status, _, body) = send(
        &standin,
        "GET",
        "/rulesets/phases/http_request_late_transform/entrypoint",
        Some("all"),
        None,
    )
    .await;
    assert_eq!((status, body["success"].clone()), (404, json!(false)));
}

#[tokio::test]
async fn injected_failures_come_first_with_retry_after_and_are_logged() {
    let standin = standin().await;
    standin.fail_next(429, 1, Some(7));
    let (status, retry_after, body) =
        send(&standin, "GET", "/settings/ssl", Some("all"), None).await;
    assert_eq!(
        (
            status,
            retry_after.as_deref(),
            body["errors"][0]["code"].clone()
        ),
        (429, Some("7"), json!(971))
    );
    standin.fail_next(502, 1, None);
    assert_eq!(
        send(&standin, "GET", "/settings/ssl", Some("all"), None)
            .await
            .0,
        502
    );
    assert_eq!(
        send(&standin, "GET", "/settings/ssl", Some("all"), None)
            .await
            .0,
        200
    );
    let log: Vec<(String, u16)> = standin
        .requests()
        .iter()
        .map(|r| (r.authorization.clone().unwrap(), r.status))
        .collect();
    assert_eq!(
        log,
        [
            ("Bearer all".to_owned(), 429),
            ("Bearer all".to_owned(), 502),
            ("Bearer all".to_owned(), 200)
        ]
    );
}
