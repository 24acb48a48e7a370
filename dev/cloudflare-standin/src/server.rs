//! The HTTP edge: every request logged, then injected failures, the token's permission, the
//! zone id, the body's shape, and the zone's answer.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::auth::Tokens;
use crate::reply::{self, Reply};
use crate::routes::Route;
use crate::shapes::check_body;
use crate::zone::{DEFAULT_PER_PAGE, Zone};

/// The only phase modelled.
pub const LATE_TRANSFORM: &str = "http_request_late_transform";

/// One request as received (tests assert where the token and secrets appear).
#[derive(Debug, Clone)]
pub struct Received {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// The `Authorization` header, as sent.
    pub authorization: Option<String>,
    /// Every other header, `name: value`.
    pub other_headers: Vec<String>,
    /// The body (lossy UTF-8).
    pub body: String,
    /// The status answered.
    pub status: u16,
}

/// Failures to answer with before serving normally.
#[derive(Debug, Clone, Copy)]
pub struct Injected {
    /// 429 or a 5xx.
    pub status: u16,
    /// How many requests get it.
    pub remaining: u32,
    /// `Retry-After` seconds, if any.
    pub retry_after: Option<u32>,
}

/// Everything the server shares.
#[derive(Debug)]
pub struct Inner {
    /// The zone.
    pub zone: Zone,
    /// Accepted tokens.
    pub tokens: Tokens,
    /// Failures to inject.
    pub injected: Option<Injected>,
    /// Every request.
    pub log: Vec<Received>,
}

/// The shared state.
pub type Shared = Arc<Mutex<Inner>>;

/// The one handler (a fallback route), so that every request is logged the same way.
pub async fn handle(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut inner = shared.lock().unwrap_or_else(|p| p.into_inner());
    let authorization = headers
        .get("authorization")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let (reply, retry_after) = answer(&mut inner, &method, &uri, authorization.as_deref(), &body);
    inner.log.push(Received {
        method: method.to_string(),
        uri: uri.to_string(),
        authorization,
        other_headers: headers
            .iter()
            .filter(|(n, _)| *n != "authorization")
            .map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v.as_bytes())))
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
        status: reply.0,
    });
    let status = StatusCode::from_u16(reply.0).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (
        status,
        [("content-type", "application/json")],
        reply.1.to_string(),
    )
        .into_response();
    if let Some(seconds) = retry_after {
        response.headers_mut().insert("retry-after", seconds.into());
    }
    response
}

fn answer(
    inner: &mut Inner,
    method: &Method,
    uri: &Uri,
    authorization: Option<&str>,
    body: &[u8],
) -> (Reply, Option<u32>) {
    if let Some(injected) = inner.injected.as_mut().filter(|i| i.remaining > 0) {
        injected.remaining -= 1;
        let reply = if injected.status == 429 {
            reply::rate_limited()
        } else {
            reply::server_error(injected.status)
        };
        return (reply, injected.retry_after);
    }
    (route(inner, method, uri, authorization, body), None)
}

fn route(
    inner: &mut Inner,
    method: &Method,
    uri: &Uri,
    authorization: Option<&str>,
    body: &[u8],
) -> Reply {
    let path = uri.path();
    let Some((zone_id, route)) = path
        .strip_prefix("/client/v4/zones/")
        .and_then(|rest| Route::parse(method.as_str(), rest))
    else {
        return reply::no_route(path);
    };
    if !inner.tokens.allows(authorization, route.permission()) {
        return reply::authentication_error();
    }
    if zone_id != inner.zone.id {
        return reply::no_route(path);
    }
    if let Err(detail) = check_body(route.operation_id(), body) {
        return reply::invalid_body(&detail);
    }
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let zone = &mut inner.zone;
    match route {
        Route::ListDns => {
            let query: Vec<(String, String)> =
                url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
                    .into_owned()
                    .collect();
            let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
            let number = |k: &str, default: u64| {
                get(k)
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0)
                    .unwrap_or(default)
            };
            zone.list_records(
                get("name"),
                number("page", 1),
                number("per_page", DEFAULT_PER_PAGE),
            )
        }
        Route::CreateDns => zone.create_record(&json),
        Route::PatchDns(id) => zone.patch_record(&id, &json),
        Route::DeleteDns(id) => zone.delete_record(&id),
        Route::GetSsl => zone.ssl_setting(),
        Route::PatchSsl => {
            zone.ssl = json["value"].as_str().unwrap_or_default().to_owned();
            zone.ssl_setting()
        }
        Route::GetEntrypoint(phase) | Route::PutEntrypoint(phase) if phase != LATE_TRANSFORM => {
            reply::no_route(path)
        }
        Route::GetEntrypoint(phase) => zone.get_entrypoint(&phase),
        Route::PutEntrypoint(phase) => zone.put_entrypoint(&phase, &json),
        Route::CreateRule(set) => zone.create_rule(&set, &json),
        Route::PatchRule(set, rule) => zone.patch_rule(&set, &rule, &json),
        Route::DeleteRule(set, rule) => zone.delete_rule(&set, &rule),
        Route::ListAopCertificates => zone.list_aop_certificates(),
        Route::UploadAopCertificate => zone.upload_aop_certificate(&json),
        Route::GetAopCertificate(id) => zone.get_aop_certificate(&id),
        Route::DeleteAopCertificate(id) => zone.delete_aop_certificate(&id),
        Route::PutAopHostnames => zone.put_aop_hostnames(&json),
        Route::GetAopHostname(hostname) => zone.get_aop_hostname(&hostname),
    }
}
