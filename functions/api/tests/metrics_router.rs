//! The metrics the router records (`oneshot`, a capturing sink): one request measurement per
//! request under its route template and status class, identity outcomes by reason, store and STS
//! latency — every line a valid EMF document, and none carrying an identity value, a path, an ARN
//! or a body.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use api::metrics::{Metrics, MetricsSink, Namespace, StoreKind, TimedStore, TimedStsClient};
use api::store::{AuditStore, SqliteStore};
use axum::Router;
use axum::body::Body;
use axum::http::Request;
use common::emf_shape::emf_violations;
use common::*;
use fluid_identity::axum::IdentityGate;
use fluid_identity::{FetchError, LazyGate, OutboundRequest, StsClient, StsResponse};
use serde_json::Value;

/// Keeps every line written.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<String>>>);

impl MetricsSink for Captured {
    fn write_line(&self, line: &str) {
        self.0.lock().unwrap().push(line.to_owned());
    }
}

impl Captured {
    fn text(&self) -> String {
        self.0.lock().unwrap().join("\n")
    }

    /// Every line, checked against the EMF shape.
    fn docs(&self) -> Vec<Value> {
        let lines = self.0.lock().unwrap().clone();
        lines
            .iter()
            .map(|line| {
                assert_eq!(emf_violations(line), Vec::<String>::new(), "{line}");
                serde_json::from_str(line).unwrap()
            })
            .collect()
    }

    /// The one request measurement.
    fn request(&self) -> Value {
        let mut requests: Vec<Value> = self
            .docs()
            .into_iter()
            .filter(|d| d.get("Requests").is_some())
            .collect();
        assert_eq!(requests.len(), 1, "{}", self.text());
        requests.remove(0)
    }

    fn store_calls(&self) -> Vec<Value> {
        self.docs()
            .into_iter()
            .filter(|d| d.get("StoreLatency").is_some())
            .collect()
    }
}

fn observed(store: Arc<dyn AuditStore>, gate: IdentityGate) -> (Router, Captured) {
    let captured = Captured::default();
    let metrics = Metrics::new(Namespace::default(), captured.clone());
    let store = Arc::new(TimedStore::new(store, StoreKind::Sqlite, metrics.clone()));
    (
        api::router_with_metrics(store, gate, 64 * 1024, metrics),
        captured,
    )
}

fn observed_app() -> (Router, Captured) {
    observed(
        Arc::new(SqliteStore::in_memory().unwrap()),
        IdentityGate::new(TestGate),
    )
}

/// `(Route, StatusClass, Outcome)` of the request measurement.
async fn measured(request: Request<Body>) -> (String, String, Value) {
    let (app, captured) = observed_app();
    send(&app, request).await;
    let doc = captured.request();
    (
        doc["Route"].as_str().unwrap().to_owned(),
        doc["StatusClass"].as_str().unwrap().to_owned(),
        doc.get("Outcome").cloned().unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_200_is_counted_under_its_route_and_2xx_without_an_identity_outcome() {
    let (app, captured) = observed_app();
    send(&app, get("/health", None)).await;
    let doc = captured.request();
    assert_eq!(
        (&doc["Route"], &doc["StatusClass"]),
        (&"/health".into(), &"2xx".into())
    );
    assert_eq!((&doc["Requests"], doc.get("Outcome")), (&1.into(), None));
}

/// A store whose `list` answers an empty page after sleeping for its duration (blocking the
/// thread: nothing else runs in these one-request tests); `append` fails, `get` finds nothing.
struct SlowStore(Duration);

impl AuditStore for SlowStore {
    fn append(
        &self,
        _: api::model::AuditEvent,
        _: Option<api::store::IdempotencyClaim>,
    ) -> api::store::BoxFuture<'_, Result<api::store::Appended, api::store::StoreError>> {
        Box::pin(async { Err(api::store::StoreError("read-only".into())) })
    }
    fn get<'a>(
        &'a self,
        _: &'a str,
    ) -> api::store::BoxFuture<'a, Result<Option<api::model::AuditEvent>, api::store::StoreError>>
    {
        Box::pin(async { Ok(None) })
    }
    fn list<'a>(
        &'a self,
        _: Option<&'a str>,
        _: usize,
    ) -> api::store::BoxFuture<'a, Result<api::store::Page, api::store::StoreError>> {
        Box::pin(async move {
            std::thread::sleep(self.0);
            Ok(api::store::Page {
                events: Vec::new(),
                more: false,
            })
        })
    }
}

#[tokio::test]
async fn latency_spans_the_handler_and_no_more_than_the_request() {
    // Bounds, not a timing: the store sleeps at least 20 ms inside the request, and the request
    // is over when `send` returns. A latency taken before the handler ran, or after the answer
    // left, or in the wrong unit, falls outside them.
    let sleep = Duration::from_millis(20);
    let (app, captured) = observed(Arc::new(SlowStore(sleep)), IdentityGate::new(TestGate));
    let started = Instant::now();
    let answer = send(&app, get("/v1/audit-events", Some(READER))).await;
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(answer.status, 200);
    let latency = captured.request()["Latency"].as_f64().unwrap();
    let store = captured.store_calls()[0]["StoreLatency"].as_f64().unwrap();
    assert!(
        store >= 20.0,
        "StoreLatency {store} ms < the store's 20 ms sleep"
    );
    assert!(
        latency >= store,
        "Latency {latency} ms < StoreLatency {store} ms"
    );
    assert!(
        latency <= wall_ms,
        "Latency {latency} ms > the request's {wall_ms} ms"
    );
}

#[tokio::test]
async fn a_route_miss_is_counted_as_unmatched_not_by_its_path() {
    assert_eq!(
        measured(get("/wp-admin/setup-config.php", None)).await,
        ("unmatched".into(), "4xx".into(), Value::Null)
    );
}

#[tokio::test]
async fn a_templated_route_is_counted_by_its_template() {
    let path = "/v1/audit-events/019a0000-0000-7000-8000-000000000000";
    assert_eq!(
        measured(get(path, Some(READER))).await,
        (
            "/v1/audit-events/{id}".into(),
            "4xx".into(),
            "accepted".into()
        )
    );
}

#[tokio::test]
async fn an_accepted_identity_is_counted_as_accepted() {
    assert_eq!(
        measured(get("/v1/whoami", Some(READER))).await,
        ("/v1/whoami".into(), "2xx".into(), "accepted".into())
    );
}

#[tokio::test]
async fn a_missing_identity_is_counted_as_missing() {
    assert_eq!(measured(get("/v1/whoami", None)).await.2, "missing");
}

#[tokio::test]
async fn an_invalid_identity_is_counted_by_its_rejection_reason() {
    // TestGate refuses unknown values as the verifier refuses a non-https URL.
    assert_eq!(
        measured(get("/v1/whoami", Some("http://sts.amazonaws.com/"))).await,
        ("/v1/whoami".into(), "4xx".into(), "not-https".into())
    );
}

#[tokio::test]
async fn a_genuine_stranger_is_counted_as_not_allowed() {
    assert_eq!(
        measured(get("/v1/whoami", Some(STRANGER))).await.2,
        "not-allowed"
    );
}

#[tokio::test]
async fn a_reader_appending_is_counted_as_missing_role() {
    assert_eq!(
        measured(post_json(Some(READER), None, EVENT)).await,
        (
            "/v1/audit-events".into(),
            "4xx".into(),
            "missing-role".into()
        )
    );
}

#[tokio::test]
async fn sts_unavailable_is_counted_by_its_reason() {
    // A gate that cannot be built refuses every identity as STS unavailable (503).
    let gate = LazyGate::<TestGate>::new(|| Err::<TestGate, _>("no TLS roots"));
    let (app, captured) = observed(
        Arc::new(SqliteStore::in_memory().unwrap()),
        IdentityGate::new(gate),
    );
    send(&app, get("/v1/whoami", Some(READER))).await;
    let doc = captured.request();
    assert_eq!(
        (&doc["StatusClass"], &doc["Outcome"]),
        (&"5xx".into(), &"sts-unavailable".into())
    );
}

#[tokio::test]
async fn an_append_times_its_store_operation() {
    let (app, captured) = observed_app();
    send(&app, post_json(Some(WRITER), Some("k1"), EVENT)).await;
    let calls = captured.store_calls();
    assert_eq!(calls.len(), 1, "{}", captured.text());
    assert_eq!(
        (
            &calls[0]["Store"],
            &calls[0]["Operation"],
            &calls[0]["StoreErrors"]
        ),
        (&"sqlite".into(), &"append".into(), &0.into())
    );
}

#[tokio::test]
async fn a_failed_store_operation_counts_a_store_error() {
    let (app, captured) = observed(
        Arc::new(BrokenStore { panic: false }),
        IdentityGate::new(TestGate),
    );
    send(&app, get("/v1/audit-events", Some(READER))).await;
    let calls = captured.store_calls();
    assert_eq!(
        (&calls[0]["Operation"], &calls[0]["StoreErrors"]),
        (&"list".into(), &1.into())
    );
    assert_eq!(captured.request()["StatusClass"], "5xx");
}

/// Answers every call as STS would a valid value.
struct AnsweringSts;

impl StsClient for AnsweringSts {
    async fn get(&self, _: &OutboundRequest) -> Result<StsResponse, FetchError> {
        Ok(StsResponse {
            status: 200,
            content_type: Some("text/xml".into()),
            body: b"<GetCallerIdentityResponse/>".to_vec(),
        })
    }
}

#[tokio::test]
async fn an_sts_call_is_timed_by_result_without_its_request() {
    let captured = Captured::default();
    let client = TimedStsClient::new(
        AnsweringSts,
        Metrics::new(Namespace::default(), captured.clone()),
    );
    let request = OutboundRequest {
        host: "sts.eu-west-1.amazonaws.com".into(),
        path_and_query: "/?Action=GetCallerIdentity&X-Amz-Signature=5ec2e7".into(),
        audience: "orders-api".into(),
    };
    client.get(&request).await.unwrap();
    let docs = captured.docs();
    assert_eq!((docs.len(), &docs[0]["Result"]), (1, &"2xx".into()));
    let text = captured.text();
    assert!(
        !text.contains("5ec2e7") && !text.contains("orders-api"),
        "{text}"
    );
}

#[tokio::test]
async fn no_identity_value_path_arn_or_body_reaches_a_metric_line() {
    let (app, captured) = observed_app();
    let secret_id = "019a0000-0000-7000-8000-5ec2e75ec2e7";
    send(&app, post_json(Some(WRITER), Some("key-5ec2e7"), EVENT)).await;
    send(
        &app,
        get(&format!("/v1/audit-events/{secret_id}"), Some(WRITER)),
    )
    .await;
    send(
        &app,
        get(
            "/v1/whoami",
            Some("https://sts.amazonaws.com/?X-Amz-Signature=5ec2e7"),
        ),
    )
    .await;
    let text = captured.text();
    assert_eq!(captured.docs().len(), 5, "{text}");
    for leak in [WRITER, "5ec2e7", "arn:", "deploy.started", "X-Amz"] {
        assert!(!text.contains(leak), "{leak:?} in a metric line: {text}");
    }
}
