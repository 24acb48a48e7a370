//! The handlers and the OpenAPI document generated from them.

use std::sync::OnceLock;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fluid_identity::PrincipalKind;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::AppState;
use crate::error::ApiError;
use crate::identity::{Caller, Writer};
use crate::model::{
    AuditEvent, Cursor, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, NewAuditEvent, is_event_id,
    is_idempotency_key, parse_page_limit,
};
use crate::store::{Appended, IdempotencyClaim};

/// The header a writer sets to make an append safe to retry.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set (`true`) on a response that replays the first result of an `Idempotency-Key`.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

/// `GET /health` body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// `GET /v1/whoami` body.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WhoAmI {
    /// The normalized principal ARN (an assumed role becomes `arn:P:iam::A:role/R`).
    pub arn: String,
    /// The 12-digit account ID.
    pub account: String,
    /// `aws`, `aws-cn` or `aws-us-gov`.
    pub partition: String,
    /// `role`, `user`, `federated-user` or `root`.
    pub principal_type: String,
    /// For roles: the role name (session dropped).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub role_name: Option<String>,
    /// The ARN STS reported, verbatim (for roles, the session ARN): what an audit event stores as
    /// `actor_session` and what `Idempotency-Key`s are scoped to.
    pub caller_arn: String,
    /// The allowlist roles the caller holds (`readers`, `writers`).
    pub roles: Vec<String>,
    /// The host the viewer called (`x-forwarded-host`, which oac-kit's viewer filter sets to the
    /// viewer's `Host`, e.g. `api.example.com`), as sent; absent when the request carries no
    /// single such header (it did not come through the filter).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(min_length = 1)]
    pub viewer_host: Option<String>,
}

/// A page of audit events.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEventPage {
    /// Events in creation order.
    pub events: Vec<AuditEvent>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub next_cursor: Option<String>,
}

/// An RFC 9457 problem (`application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct ProblemDoc {
    /// `urn:oac-kit:problem:<slug>`; the stable part clients match.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short summary of the problem type.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// This occurrence's explanation.
    pub detail: Option<String>,
}

/// Query of `GET /v1/audit-events`. Unknown parameters are refused.
///
/// `limit` is read as text and parsed by [`parse_page_limit`] (so a bad value is our
/// `invalid-query` problem, not a deserializer's message), but documented as what it is: an
/// integer 1–100. The contract test (`tests/contract.rs`) holds the two together.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, an integer 1–100 (default 25).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 25)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page, passed back unchanged (opaque; at most 128
    /// characters).
    #[param(min_length = 1, max_length = 128)]
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/health", tag = "service",
    responses((status = 200, description = "The service is up (no storage call).", body = Health)))]
pub(crate) async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[utoipa::path(get, path = "/v1/whoami", tag = "identity", security(("fluid_identity" = [])),
    responses(
        (status = 200, description = "The verified caller.", body = WhoAmI),
        (status = 401, description = "Missing or invalid identity.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not allowlisted.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 503, description = "STS unavailable.", body = ProblemDoc, content_type = "application/problem+json"),
    ))]
pub(crate) async fn whoami(Caller(caller): Caller, headers: HeaderMap) -> Json<WhoAmI> {
    let principal = &caller.identity.principal;
    let (principal_type, role_name) = match &principal.kind {
        PrincipalKind::Role { name, .. } => ("role", Some(name.clone())),
        PrincipalKind::User { .. } => ("user", None),
        PrincipalKind::FederatedUser { .. } => ("federated-user", None),
        PrincipalKind::Root => ("root", None),
    };
    Json(WhoAmI {
        arn: principal.arn.clone(),
        account: principal.account.clone(),
        partition: principal.partition.as_str().to_owned(),
        principal_type: principal_type.to_owned(),
        role_name,
        caller_arn: caller.identity.caller.arn.clone(),
        roles: caller.roles.clone(),
        viewer_host: crate::viewer_host::of(&headers),
    })
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// The optional header `name`: `None` when absent, its value when sent once and `valid`, else
/// `invalid` (sent twice, not visible ASCII, or refused by `valid`).
pub(crate) fn single_header(
    headers: &HeaderMap,
    name: &str,
    valid: fn(&str) -> bool,
    invalid: ApiError,
) -> Result<Option<String>, ApiError> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(_), Some(_)) => Err(invalid),
        (Some(v), None) => match v.to_str() {
            Ok(value) if valid(value) => Ok(Some(value.to_owned())),
            _ => Err(invalid),
        },
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    single_header(
        headers,
        IDEMPOTENCY_KEY,
        is_idempotency_key,
        ApiError::InvalidIdempotencyKey,
    )
}

#[utoipa::path(post, path = "/v1/audit-events", tag = "audit", security(("fluid_identity" = [])),
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 128, pattern = "^[!-~]+$",
        description = "1–128 visible ASCII characters (0x21–0x7E), sent once; a retry with the same key and body returns the first result.")),
    request_body(content = NewAuditEvent, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored (or, with `idempotent-replayed: true`, stored before).", body = AuditEvent),
        (status = 400, description = "Malformed JSON, bad Idempotency-Key.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid identity.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not a writer.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Idempotency-Key reused with a different body.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Valid JSON, invalid event.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 503, description = "Storage or STS unavailable.", body = ProblemDoc, content_type = "application/problem+json"),
    ))]
pub(crate) async fn append_event(
    State(state): State<AppState>,
    Writer(writer): Writer,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(state.max_body_bytes)
        } else {
            ApiError::BodyUnreadable
        }
    })?;
    if !is_json(&headers) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let new: NewAuditEvent = serde_json::from_slice(&body).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ApiError::InvalidAuditEvent(e.to_string()),
        _ => ApiError::MalformedJson(e.to_string()),
    })?;
    new.validate()
        .map_err(|e| ApiError::InvalidAuditEvent(e.0))?;
    let actor = writer.identity.principal.arn.as_str();
    let session = writer.identity.caller.arn.as_str();
    // Scoped to the session, not the role: two SSO users or CI runs of one role never collide.
    let claim = key.map(|key| IdempotencyClaim {
        scope: session.to_owned(),
        key,
        request_hash: hex::encode(Sha256::digest(&body)),
    });
    let outcome = state
        .store
        .append(new.into_event(actor, session), claim)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "append failed");
            ApiError::StorageUnavailable
        })?;
    let (event, replayed) = match outcome {
        Appended::Created(event) => (event, false),
        Appended::Replayed(event) => (event, true),
        Appended::KeyReused => return Err(ApiError::IdempotencyKeyReused),
    };
    tracing::info!(event_id = %event.id, replayed, "audit event appended");
    let mut response = (StatusCode::CREATED, Json(&event)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/v1/audit-events/{}", event.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    if replayed {
        response
            .headers_mut()
            .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}

#[utoipa::path(get, path = "/v1/audit-events/{id}", tag = "audit", security(("fluid_identity" = [])),
    params(("id" = String, Path, description = "Event ID (UUIDv7).")),
    responses(
        (status = 200, description = "The event.", body = AuditEvent),
        (status = 401, description = "Missing or invalid identity.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not allowlisted.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such event.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 503, description = "Storage or STS unavailable.", body = ProblemDoc, content_type = "application/problem+json"),
    ))]
pub(crate) async fn get_event(
    State(state): State<AppState>,
    _caller: Caller,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<AuditEvent>, ApiError> {
    // A segment that does not decode (`%FF`: not UTF-8) names no event, like any malformed ID.
    let Ok(Path(id)) = id else {
        return Err(ApiError::AuditEventNotFound);
    };
    if !is_event_id(&id) {
        return Err(ApiError::AuditEventNotFound);
    }
    match state.store.get(&id).await {
        Ok(Some(event)) => Ok(Json(event)),
        Ok(None) => Err(ApiError::AuditEventNotFound),
        Err(e) => {
            tracing::error!(error = %e, "get failed");
            Err(ApiError::StorageUnavailable)
        }
    }
}

#[utoipa::path(get, path = "/v1/audit-events", tag = "audit", security(("fluid_identity" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "A page of events, oldest first.", body = AuditEventPage),
        (status = 400, description = "Bad limit or cursor, unknown parameter.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid identity.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not allowlisted.", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 503, description = "Storage or STS unavailable.", body = ProblemDoc, content_type = "application/problem+json"),
    ))]
pub(crate) async fn list_events(
    State(state): State<AppState>,
    _caller: Caller,
    query: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<AuditEventPage>, ApiError> {
    let Query(params) = query.map_err(|e| ApiError::InvalidQuery(e.body_text()))?;
    let limit = match params.limit.as_deref() {
        None => DEFAULT_PAGE_LIMIT,
        Some(raw) => parse_page_limit(raw).ok_or_else(|| {
            ApiError::InvalidQuery(format!("limit must be an integer in 1..={MAX_PAGE_LIMIT}"))
        })?,
    };
    let after = match params.cursor.as_deref() {
        None => None,
        Some(raw) => Some(Cursor::decode(raw).ok_or(ApiError::InvalidCursor)?.after),
    };
    let page = state
        .store
        .list(after.as_deref(), limit)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "list failed");
            ApiError::StorageUnavailable
        })?;
    let next_cursor = match (page.more, page.events.last()) {
        (true, Some(last)) => Some(
            Cursor {
                after: last.id.clone(),
            }
            .encode(),
        ),
        _ => None,
    };
    Ok(Json(AuditEventPage {
        events: page.events,
        next_cursor,
    }))
}

#[utoipa::path(get, path = "/openapi.json", tag = "service",
    responses((status = 200, description = "This OpenAPI 3.1 document.", content_type = "application/json")))]
pub(crate) async fn openapi_json() -> Response {
    static DOC: OnceLock<String> = OnceLock::new();
    let doc = DOC.get_or_init(|| ApiDoc::openapi().to_json().unwrap_or_default());
    ([(header::CONTENT_TYPE, "application/json")], doc.as_str()).into_response()
}

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "fluid_identity",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Fluid-Identity",
                "A presigned STS GetCallerIdentity URL signed for this service's audience (docs/identity.md).",
            ))),
        );
    }
}

/// The OpenAPI document, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(title = "oac-kit api", description = "The Lambdalith behind CloudFront OAC: identity-gated audit log. Every error is application/problem+json."),
    paths(health, whoami, append_event, get_event, list_events,
        crate::streaming::export::export_events, crate::streaming::sse::stream_events, openapi_json),
    components(schemas(Health, WhoAmI, NewAuditEvent, AuditEvent, AuditEventPage, ProblemDoc)),
    modifiers(&SecurityAddon),
    tags((name = "service"), (name = "identity"), (name = "audit"))
)]
pub struct ApiDoc;
