//! Identity on every route (`oneshot`): whoami, missing and invalid identities, verified strangers,
//! readers versus writers — with identities from a test `Authenticate` implementation.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn whoami_returns_the_verified_principal_and_roles() {
    let a = send(&app(), get("/v1/whoami", Some(WRITER))).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.body,
        json!({
            "arn": WRITER_ARN,
            "account": "111122223333",
            "partition": "aws",
            "principal_type": "role",
            "role_name": "deployer",
            "caller_arn": "arn:aws:sts::111122223333:assumed-role/deployer/s2",
            "roles": ["writers"],
        })
    );
}

#[tokio::test]
async fn whoami_names_the_host_the_viewer_called_as_the_viewer_filter_forwarded_it() {
    let mut request = get("/v1/whoami", Some(WRITER));
    let headers = request.headers_mut();
    headers.insert("host", "abc.lambda-url.us-east-1.on.aws".parse().unwrap());
    headers.insert("x-forwarded-host", "API.example.com:8443".parse().unwrap());
    let a = send(&app(), request).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["viewer_host"], "API.example.com:8443");
}

#[tokio::test]
async fn whoami_names_no_viewer_host_unless_one_came() {
    let mut twice = get("/v1/whoami", Some(WRITER));
    for host in ["a.example", "b.example"] {
        twice
            .headers_mut()
            .append("x-forwarded-host", host.parse().unwrap());
    }
    for request in [get("/v1/whoami", Some(WRITER)), twice] {
        let a = send(&app(), request).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.get("viewer_host").is_none(), "{}", a.body);
    }
}

#[tokio::test]
async fn whoami_without_identity_is_401_identity_missing() {
    let a = send(&app(), get("/v1/whoami", None)).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.problem(), "identity-missing");
}

#[tokio::test]
async fn whoami_with_an_invalid_identity_is_401_identity_invalid() {
    let a = send(&app(), get("/v1/whoami", Some("https://evil.example/"))).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.problem(), "identity-invalid");
}

#[tokio::test]
async fn a_verified_stranger_is_403_everywhere() {
    for req in [
        get("/v1/whoami", Some(STRANGER)),
        get("/v1/audit-events", Some(STRANGER)),
        post_json(Some(STRANGER), None, EVENT),
    ] {
        let a = send(&app(), req).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert_eq!(a.problem(), "identity-forbidden");
    }
}

#[tokio::test]
async fn readers_cannot_append() {
    let a = send(&app(), post_json(Some(READER), None, EVENT)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.problem(), "identity-forbidden");
    assert!(a.body["detail"].as_str().unwrap().contains("writers"));
}

#[tokio::test]
async fn append_without_identity_is_401_before_the_body_is_looked_at() {
    let a = send(&app(), post_json(None, None, "{not json")).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.problem(), "identity-missing");
}
