//! Shared test support: a test identity gate (through `fluid_identity::Authenticate`), an app on an
//! in-memory store, and a request helper.
#![allow(dead_code)]

pub mod contract;
pub mod emf_shape;
pub mod streaming;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use fluid_identity::axum::IdentityGate;
use fluid_identity::{
    Authenticate, Authorized, BoxFuture, CallerIdentity, Principal, Rejection, VerifiedIdentity,
};
use serde_json::Value;
use tower::ServiceExt;

pub const READER: &str = "token-reader";
pub const WRITER: &str = "token-writer";
/// The writer's role in another session (another SSO user or CI run of the same role).
pub const WRITER_OTHER_SESSION: &str = "token-writer-other-session";
pub const OTHER_WRITER: &str = "token-other-writer";
pub const STRANGER: &str = "token-stranger";
pub const READER_ARN: &str = "arn:aws:iam::111122223333:role/auditor";
pub const WRITER_ARN: &str = "arn:aws:iam::111122223333:role/deployer";
pub const WRITER_SESSION_ARN: &str = "arn:aws:sts::111122223333:assumed-role/deployer/s2";
pub const WRITER_OTHER_SESSION_ARN: &str = "arn:aws:sts::111122223333:assumed-role/deployer/s9";
pub const OTHER_WRITER_ARN: &str = "arn:aws:iam::111122223333:role/release";

/// Maps fixed header values to identities; anything else is an invalid identity. Stands in for
/// the verifier where STS is beside the point (the stand-in tests use the real one).
pub struct TestGate;

fn authorized(sts_arn: &str, roles: &[&str]) -> Authorized {
    let principal = Principal::from_caller_arn(sts_arn).expect("test ARN");
    Authorized {
        identity: Arc::new(VerifiedIdentity {
            caller: CallerIdentity {
                arn: sts_arn.to_owned(),
                account: principal.account.clone(),
                user_id: "AROATEST:session".to_owned(),
            },
            principal,
            expires_at: u64::MAX,
        }),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    }
}

impl Authenticate for TestGate {
    fn authenticate<'a>(&'a self, value: &'a str) -> BoxFuture<'a, Result<Authorized, Rejection>> {
        Box::pin(async move {
            match value {
                READER => Ok(authorized(
                    "arn:aws:sts::111122223333:assumed-role/auditor/s1",
                    &["readers"],
                )),
                WRITER => Ok(authorized(WRITER_SESSION_ARN, &["writers"])),
                WRITER_OTHER_SESSION => Ok(authorized(WRITER_OTHER_SESSION_ARN, &["writers"])),
                OTHER_WRITER => Ok(authorized(
                    "arn:aws:sts::111122223333:assumed-role/release/s3",
                    &["readers", "writers"],
                )),
                STRANGER => Err(Rejection::NotAllowed),
                _ => Err(Rejection::NotHttps),
            }
        })
    }
}

/// A store whose every call fails, or panics.
pub struct BrokenStore {
    pub panic: bool,
}

impl api::store::AuditStore for BrokenStore {
    fn append(
        &self,
        _: api::model::AuditEvent,
        _: Option<api::store::IdempotencyClaim>,
    ) -> api::store::BoxFuture<'_, Result<api::store::Appended, api::store::StoreError>> {
        let panic = self.panic;
        Box::pin(async move {
            if panic {
                panic!("bug in the store");
            }
            Err(api::store::StoreError("table gone".into()))
        })
    }
    fn get<'a>(
        &'a self,
        _: &'a str,
    ) -> api::store::BoxFuture<'a, Result<Option<api::model::AuditEvent>, api::store::StoreError>>
    {
        Box::pin(async { Err(api::store::StoreError("table gone".into())) })
    }
    fn list<'a>(
        &'a self,
        _: Option<&'a str>,
        _: usize,
    ) -> api::store::BoxFuture<'a, Result<api::store::Page, api::store::StoreError>> {
        Box::pin(async { Err(api::store::StoreError("table gone".into())) })
    }
}

pub fn app_with_limit(limit: usize) -> Router {
    let store = Arc::new(api::store::SqliteStore::in_memory().unwrap());
    api::router(store, IdentityGate::new(TestGate), limit)
}

pub fn app() -> Router {
    app_with_limit(64 * 1024)
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: Vec<u8>,
}

impl Answer {
    /// The problem slug, asserting the problem+json content type.
    pub fn problem(&self) -> &str {
        assert_eq!(
            self.headers["content-type"], "application/problem+json",
            "body: {}",
            self.body
        );
        assert_eq!(self.body["status"], self.status.as_u16());
        self.body["type"]
            .as_str()
            .and_then(|t| t.strip_prefix("urn:oac-kit:problem:"))
            .expect("oac-kit problem type")
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let raw = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
        raw,
    }
}

pub fn get(path: &str, identity: Option<&str>) -> Request<Body> {
    let mut r = Request::get(path);
    if let Some(id) = identity {
        r = r.header("x-fluid-identity", id);
    }
    r.body(Body::empty()).unwrap()
}

pub fn post_json(identity: Option<&str>, key: Option<&str>, body: &str) -> Request<Body> {
    let mut r = Request::post("/v1/audit-events").header("content-type", "application/json");
    if let Some(id) = identity {
        r = r.header("x-fluid-identity", id);
    }
    if let Some(k) = key {
        r = r.header("idempotency-key", k);
    }
    r.body(Body::from(body.to_owned())).unwrap()
}

pub const EVENT: &str = r#"{"action":"deploy.started","resource":"arn:aws:lambda:eu-west-1:111122223333:function:api","detail":{"commit":"abc123"}}"#;
