//! Request IDs, JSON logs and the access log.
//!
//! The request ID is CloudFront's `x-amz-cf-id` when present and well-formed, else a fresh UUID;
//! it is echoed as `x-request-id` and is a field of the `request` span, so every log line written
//! while serving the request carries it. The access log names the caller by its verified principal
//! ARN and its session ARN (recorded by the identity extractors), never by the `X-Fluid-Identity`
//! value. The same middleware takes the request measurement (route template, status class,
//! latency, identity outcome) for the metrics.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::metrics::{IdentityOutcomeSlot, Measurement, Metrics, Route, StatusClass};

/// The request ID of the request being served (also in the request extensions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Header CloudFront sets on origin requests.
pub const CLOUDFRONT_ID_HEADER: &str = "x-amz-cf-id";
/// Header the request ID is echoed in.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// `x-amz-cf-id` if it is 1–128 characters of `[A-Za-z0-9_=.-]` (CloudFront's alphabet), else a
/// new UUID: a client cannot inject log syntax through it.
///
/// ```
/// use axum::http::HeaderMap;
/// let mut h = HeaderMap::new();
/// h.insert("x-amz-cf-id", "q1Zx-AbC_9==".parse().unwrap());
/// assert_eq!(api::observe::request_id_from(&h), "q1Zx-AbC_9==");
/// h.insert("x-amz-cf-id", "bad id\"}".parse().unwrap());
/// assert_ne!(api::observe::request_id_from(&h), "bad id\"}");
/// ```
pub fn request_id_from(headers: &HeaderMap) -> String {
    headers
        .get(CLOUDFRONT_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=128).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_=.-".contains(&b))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// The outermost middleware: request ID, the `request` span, `x-request-id`, `cache-control:
/// no-store` unless a handler chose otherwise, one access-log line and one request measurement
/// per request. Runs after routing (a `Router::layer`), so the matched route template is known.
pub async fn observe(State(metrics): State<Metrics>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = Route::from_matched(request.extensions().get::<MatchedPath>());
    let identity = IdentityOutcomeSlot::default();
    let request_id = request_id_from(request.headers());
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        caller = tracing::field::Empty,
        caller_session = tracing::field::Empty,
    );
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    request
        .extensions_mut()
        .insert(RequestId(request_id.clone()));
    request.extensions_mut().insert(identity.clone());
    let mut response = next.run(request).instrument(span.clone()).await;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert(REQUEST_ID_HEADER, value);
    }
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    span.in_scope(|| {
        tracing::info!(
            target: "access",
            method = %method,
            path = %path,
            status = response.status().as_u16(),
            duration_us = started.elapsed().as_micros() as u64,
            "request served"
        );
    });
    metrics.record(&Measurement::Request {
        route,
        status: StatusClass::of(response.status().as_u16()),
        latency: started.elapsed(),
        identity: identity.get(),
    });
    response
}

/// Installs the JSON log subscriber (stdout, one object per line, span fields included) and a
/// panic hook that logs panics as JSON lines in the current request span (a caught panic is still
/// a bug worth finding by request ID). `level` is a `tracing` filter directive (validated by
/// [`crate::config::Config`]).
pub fn init_logging(level: &str) {
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(panic = %info, "panic");
    }));
    let filter = tracing_subscriber::EnvFilter::try_new(level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(filter)
        .try_init();
}
