//! The chain end to end: real edge artifacts under Node.js, real SigV4, the real `oac-echo`
//! function through the Runtime API, over loopback HTTP. Needs `target/edge` built
//! (`cargo xtask test` builds it first; `OAC_KIT_EDGE_DIR` overrides the location); builds
//! `oac-echo` itself.

mod common;

use common::{
    CLOUDFLARE_V4, CLOUDFLARE_V6, DIRECT, assert_lambda_forbidden, assert_lambda_invalid_signature,
    problem_type, start,
};
use oac_dev::model::Grants;
use oac_dev::sigv4_fixtures::sha256_hex;
use oac_dev::{ChainConfig, VIEWER_IP_HEADER, ViewerFilter};
use serde_json::Value;
use test_support::cargo_bin::cargo_bin;

/// The deployed chain with the echo function.
fn config() -> ChainConfig {
    common::config(cargo_bin("oac-dev", "oac-echo"), vec![])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_method_and_body_shape_arrives_byte_identical() {
    let chain = start(config()).await;
    let one_mib: Vec<u8> = (0..1usize << 20).map(|i| (i * 7 % 256) as u8).collect();
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("GET", "application/json", vec![]),
        (
            "POST",
            "application/json",
            br#"{"event":"login","user":"ana","note":"Zo\u00eb \u2713"}"#.to_vec(),
        ),
        (
            "PUT",
            "application/octet-stream",
            (0..=255u8).cycle().take(70_000).collect(),
        ),
        (
            "PATCH",
            "text/plain; charset=utf-8",
            "Zoë ✓ 𝄞".as_bytes().to_vec(),
        ),
        ("DELETE", "application/json", vec![]),
        ("POST", "application/json", vec![]),
        ("PUT", "application/octet-stream", one_mib),
    ];
    for (method, content_type, body) in cases {
        let a = chain
            .send(
                method,
                "/v1/items/42?b=2&a=x%20y",
                CLOUDFLARE_V4,
                content_type,
                body.clone(),
            )
            .await;
        assert_eq!(
            a.status,
            200,
            "{method} {} bytes: {}",
            body.len(),
            String::from_utf8_lossy(&a.body)
        );
        let echo = a.json();
        assert_eq!(echo["method"], method);
        assert_eq!(echo["path"], "/v1/items/42");
        assert_eq!(echo["query"], "b=2&a=x%20y");
        assert_eq!(echo["bodyLength"], body.len(), "{method}");
        assert_eq!(
            echo["bodySha256"],
            sha256_hex(&body),
            "{method} body changed on the way"
        );
        assert_eq!(echo["headers"]["x-amz-content-sha256"], sha256_hex(&body));
        assert_eq!(
            echo["headers"]["host"],
            oac_dev::FUNCTION_HOST,
            "viewer Host is not forwarded"
        );
        assert_eq!(
            echo["requestContext"]["authorizer"]["iam"]["accessKey"],
            "AKIAOACDEVCLOUDFRONT"
        );
        assert_eq!(a.headers["x-cache"], "Miss from cloudfront");
    }
}

/// A form-style query (`+` for a space, an encoded `+`, a repeated name, a name without a value)
/// was a false 403 `InvalidSignatureException`: the Function URL read `+` as a plus while
/// CloudFront's signer (aws-sigv4) reads it as a space, as AWS does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_style_query_string_reaches_the_function() {
    let chain = start(config()).await;
    let query = "q=a+b&plus=%2B&space=x%20y&tag=b&tag=a&flag";
    let a = chain
        .send(
            "GET",
            &format!("/v1/search?{query}"),
            CLOUDFLARE_V4,
            "text/plain",
            vec![],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(
        a.json()["query"],
        query,
        "the query arrives as the viewer sent it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_one_mib_is_refused_by_body_hash_with_413() {
    let chain = start(config()).await;
    let body = vec![b'x'; (1 << 20) + 1];
    let a = chain
        .send(
            "POST",
            "/v1/items",
            CLOUDFLARE_V4,
            "application/octet-stream",
            body,
        )
        .await;
    assert_eq!(a.status, 413);
    assert_eq!(problem_type(&a), "body-truncated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_outside_cloudflare_get_403_and_cloudflare_v6_passes() {
    let chain = start(config()).await;
    let a = chain
        .send("GET", "/health", DIRECT, "text/plain", vec![])
        .await;
    assert_eq!(a.status, 403);
    assert_eq!(problem_type(&a), "not-from-cloudflare");
    assert_eq!(
        a.headers["x-cache"],
        "FunctionGeneratedResponse from cloudfront"
    );
    let a = chain
        .send("GET", "/health", CLOUDFLARE_V6, "text/plain", vec![])
        .await;
    assert_eq!(a.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lambda_edge_viewer_filter_rejects_the_same_way() {
    let chain = start(ChainConfig {
        viewer_filter: ViewerFilter::LambdaEdge,
        ..config()
    })
    .await;
    let a = chain
        .send("GET", "/health", DIRECT, "text/plain", vec![])
        .await;
    assert_eq!(a.status, 403);
    assert_eq!(problem_type(&a), "not-from-cloudflare");
    assert_eq!(
        a.headers["x-cache"],
        "LambdaGeneratedResponse from cloudfront"
    );
    assert_eq!(
        chain
            .send("GET", "/health", CLOUDFLARE_V4, "text/plain", vec![])
            .await
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_body_hash_gets_work_and_bodies_fail_lambdas_signature_check() {
    let chain = start(ChainConfig {
        body_hash: false,
        ..config()
    })
    .await;
    assert_eq!(
        chain
            .send("GET", "/health", CLOUDFLARE_V4, "text/plain", vec![])
            .await
            .status,
        200
    );
    assert_eq!(
        chain
            .send("DELETE", "/v1/items/1", CLOUDFLARE_V4, "text/plain", vec![])
            .await
            .status,
        200
    );
    let a = chain
        .send(
            "POST",
            "/v1/items",
            CLOUDFLARE_V4,
            "application/json",
            b"{\"a\":1}".to_vec(),
        )
        .await;
    assert_lambda_invalid_signature(&a);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn include_body_off_is_named_by_body_hash() {
    let chain = start(ChainConfig {
        include_body: false,
        ..config()
    })
    .await;
    let a = chain
        .send(
            "POST",
            "/v1/items",
            CLOUDFLARE_V4,
            "application/json",
            b"{\"a\":1}".to_vec(),
        )
        .await;
    assert_eq!(a.status, 500);
    assert_eq!(problem_type(&a), "include-body-disabled");
    assert_eq!(
        chain
            .send("GET", "/health", CLOUDFLARE_V4, "text/plain", vec![])
            .await
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_the_viewer_host_is_forbidden() {
    let chain = start(ChainConfig {
        forward_host: true,
        ..config()
    })
    .await;
    assert_lambda_forbidden(
        &chain
            .send("GET", "/health", CLOUDFLARE_V4, "text/plain", vec![])
            .await,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_invoke_function_grant_is_forbidden_and_never_invokes() {
    let chain = start(ChainConfig {
        grants: Grants {
            invoke_function_url: true,
            invoke_function: false,
        },
        ..config()
    })
    .await;
    assert_lambda_forbidden(
        &chain
            .send("GET", "/health", CLOUDFLARE_V4, "text/plain", vec![])
            .await,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_viewers_authorization_is_replaced_by_oac() {
    let chain = start(config()).await;
    let response = chain
        .client
        .get(format!("http://{}/whoami", chain.address))
        .header(VIEWER_IP_HEADER, CLOUDFLARE_V4)
        .header("authorization", "Bearer viewer-token")
        .send()
        .await
        .unwrap();
    let echo: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    let auth = echo["headers"]["authorization"].as_str().unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIAOACDEVCLOUDFRONT/"),
        "{auth}"
    );
}
