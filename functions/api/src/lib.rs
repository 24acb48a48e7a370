//! The oac-kit Lambdalith: one axum [`Router`] served by `lambda_http` behind the Function URL, or
//! over HTTP on loopback for local runs — the same routes, errors and logs either way.
//!
//! - [`router`] builds the service from a store, an identity gate and limits;
//!   [`router_with_metrics`] adds the EMF request metrics ([`metrics`], docs/metrics.md).
//! - [`build`] does it from a validated [`config::Config`] (what `main` calls).
//! - [`lambda::handle_event`] is the Lambda adapter, with the guard that keeps malformed events
//!   (invalid base64 bodies) from reaching `lambda_http`'s panicking conversion;
//!   [`lambda::stream_event`] is the same through Lambda's response streaming
//!   (`API_INVOKE_MODE=response_stream`), which the [`streaming`] routes need.
//!
//! ```
//! use std::sync::Arc;
//! use fluid_identity::{Allowlist, Gate, HttpStsClient, Verifier, VerifierConfig};
//! use fluid_identity::axum::IdentityGate;
//! let client = HttpStsClient::new(std::time::Duration::from_secs(2), 16 * 1024).unwrap();
//! let gate = IdentityGate::new(Gate::new(Verifier::new(VerifierConfig::new("orders-api".parse().unwrap()), client), Allowlist::new()));
//! let store = Arc::new(api::store::SqliteStore::in_memory().unwrap());
//! let app: axum::Router = api::router(store, gate, 64 * 1024);
//! ```

pub mod config;
pub mod error;
pub mod identity;
pub mod lambda;
pub mod metrics;
pub mod model;
pub mod observe;
pub mod routes;
pub mod store;
pub mod streaming;
pub mod sts_override;
pub mod viewer_host;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{Extension, Router, middleware};
use fluid_identity::axum::IdentityGate;
use fluid_identity::{
    DEFAULT_MAX_RESPONSE_BYTES, Gate, HttpStsClient, LazyGate, ValidationPolicy, Verifier,
    VerifierConfig,
};
use tower_http::catch_panic::CatchPanicLayer;

use crate::config::{Config, InvokeMode, StoreConfig, StreamSettings};
use crate::error::ApiError;
use crate::metrics::{Metrics, StoreKind, TimedStore, TimedStsClient};
use crate::store::{AuditStore, DynamoStore, SqliteStore};

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The audit-event store.
    pub store: Arc<dyn AuditStore>,
    /// The request body limit (for the 413 detail).
    pub max_body_bytes: usize,
    /// The streamed routes' settings; `None` when the function answers buffered (they answer 501).
    pub streaming: Option<StreamSettings>,
}

/// The service: routes, 404/405 problems, body limit, identity gate, request IDs and access logs,
/// a panic guard answering 500 `internal-error` (a panic is a bug, never the caller's fault), and
/// [`error::ensure_problem`] over every answer (an error is a problem, whatever produced it).
/// Records no metrics (see [`router_with_metrics`]).
pub fn router(store: Arc<dyn AuditStore>, gate: IdentityGate, max_body_bytes: usize) -> Router {
    router_with_metrics(store, gate, max_body_bytes, Metrics::off())
}

/// [`router`], recording one request measurement per request into `metrics` (route template,
/// status class, latency, identity outcome). Store and STS latency are measured by wrapping the
/// store in a [`TimedStore`] and the STS client in a [`TimedStsClient`], as [`build`] does.
pub fn router_with_metrics(
    store: Arc<dyn AuditStore>,
    gate: IdentityGate,
    max_body_bytes: usize,
    metrics: Metrics,
) -> Router {
    service(
        AppState {
            store,
            max_body_bytes,
            streaming: None,
        },
        gate,
        metrics,
    )
}

/// [`router_with_metrics`] with the streamed routes answering (`API_INVOKE_MODE=response_stream`,
/// [`streaming`]): serve it with [`lambda::run_streaming`] on Lambda, or over HTTP on loopback.
pub fn streaming_router(
    store: Arc<dyn AuditStore>,
    gate: IdentityGate,
    max_body_bytes: usize,
    metrics: Metrics,
    settings: StreamSettings,
) -> Router {
    service(
        AppState {
            store,
            max_body_bytes,
            streaming: Some(settings),
        },
        gate,
        metrics,
    )
}

fn service(state: AppState, gate: IdentityGate, metrics: Metrics) -> Router {
    let max_body_bytes = state.max_body_bytes;
    Router::new()
        .route("/health", get(routes::health))
        .route("/v1/whoami", get(routes::whoami))
        .route(
            "/v1/audit-events",
            get(routes::list_events).post(routes::append_event),
        )
        .route(
            "/v1/audit-events/export",
            get(streaming::export::export_events),
        )
        .route(
            "/v1/audit-events/stream",
            get(streaming::sse::stream_events),
        )
        .route("/v1/audit-events/{id}", get(routes::get_event))
        .route("/openapi.json", get(routes::openapi_json))
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(state)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(Extension(gate))
        .layer(CatchPanicLayer::custom(
            |_panic: Box<dyn std::any::Any + Send>| {
                tracing::error!("handler panicked");
                error::problem_response(&ApiError::Internal.to_problem())
            },
        ))
        .layer(middleware::map_response(|response| async {
            error::ensure_problem(response)
        }))
        .layer(middleware::from_fn_with_state(metrics, observe::observe))
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The STS HTTP client could not be built.
    #[error("STS client: {0}")]
    StsClient(String),
}

fn warn_unsafe_sts_endpoint(config: &Config) {
    if let Some(endpoint) = &config.unsafe_sts_endpoint {
        tracing::warn!(
            endpoint = %endpoint,
            "UNSAFE_STS_ENDPOINT_OVERRIDE is set: identity checks go to this endpoint, not to AWS STS; never set it in production"
        );
    }
}

/// The identity gate the service serves with: the real verifier and HTTP STS client, readers and
/// writers allowlist, built by a [`LazyGate`] off the start-up path (construction starts at once
/// when called inside a Tokio runtime, so loading the TLS trust store overlaps the wait for the
/// first event). If the client cannot be built, identity-gated routes answer 503 (fail closed) and
/// the error is logged. Logs a warning when `UNSAFE_STS_ENDPOINT_OVERRIDE` is set.
pub fn identity_gate(config: &Config) -> IdentityGate {
    warn_unsafe_sts_endpoint(config);
    let config = config.clone();
    let gate = LazyGate::new(move || {
        verifier_gate(&config)
            .inspect_err(|e| tracing::error!(error = %e, "identity verifier unavailable"))
    });
    gate.warm();
    IdentityGate::new(gate)
}

fn verifier_gate(config: &Config) -> Result<Gate<TimedStsClient<HttpStsClient>>, StartError> {
    let mut client = HttpStsClient::new(config.sts_timeout, DEFAULT_MAX_RESPONSE_BYTES)
        .map_err(|e| StartError::StsClient(e.to_string()))?;
    if let Some(endpoint) = &config.unsafe_sts_endpoint {
        client = client.with_endpoint(endpoint);
    }
    let mut verifier = VerifierConfig::new(config.audience.clone());
    verifier.policy = ValidationPolicy {
        hosts: config.sts_hosts.clone(),
        ..ValidationPolicy::default()
    };
    let client = TimedStsClient::new(client, Metrics::from_settings(&config.metrics));
    Ok(Gate::new(
        Verifier::new(verifier, client),
        config.allowlist.clone(),
    ))
}

/// The service for a configuration: opens the store, starts building the gate, logs the setup;
/// with metrics on, the store and the STS client are measured too.
pub async fn build(config: &Config) -> Result<Router, StartError> {
    let gate = identity_gate(config);
    let metrics = Metrics::from_settings(&config.metrics);
    let (store, kind): (Arc<dyn AuditStore>, StoreKind) = match &config.store {
        StoreConfig::Sqlite { path } => (Arc::new(SqliteStore::open(path)?), StoreKind::Sqlite),
        StoreConfig::DynamoDb { table } => (
            Arc::new(DynamoStore::from_env(table.clone()).await),
            StoreKind::DynamoDb,
        ),
    };
    let store: Arc<dyn AuditStore> = if metrics.is_on() {
        Arc::new(TimedStore::new(store, kind, metrics.clone()))
    } else {
        store
    };
    let (readers, writers) = config.pattern_counts;
    if readers + writers == 0 {
        tracing::warn!(
            "IDENTITY_READERS and IDENTITY_WRITERS are empty: every identity-gated route answers 403"
        );
    }
    tracing::info!(
        store = ?config.store,
        audience = %config.audience,
        reader_patterns = readers,
        writer_patterns = writers,
        max_body_bytes = config.max_body_bytes,
        metrics = if metrics.is_on() { config.metrics.namespace.as_str() } else { "off" },
        invoke_mode = config.invoke_mode.as_str(),
        "api configured"
    );
    Ok(match config.invoke_mode {
        InvokeMode::Buffered => router_with_metrics(store, gate, config.max_body_bytes, metrics),
        InvokeMode::ResponseStream => streaming_router(
            store,
            gate,
            config.max_body_bytes,
            metrics,
            config.streaming.clone(),
        ),
    })
}
