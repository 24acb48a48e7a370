//! The audit-event resource: what a writer sends, what is stored, validation and the page cursor.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Maximum length of `action`, in characters.
pub const MAX_ACTION_LEN: usize = 128;
/// Maximum length of `resource`, in characters.
pub const MAX_RESOURCE_LEN: usize = 512;
/// Maximum size of `detail` as compact JSON, in bytes.
pub const MAX_DETAIL_BYTES: usize = 4096;
/// Maximum length of an `Idempotency-Key`.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 128;
/// Page size when `limit` is absent.
pub const DEFAULT_PAGE_LIMIT: usize = 25;
/// Largest accepted `limit`.
pub const MAX_PAGE_LIMIT: usize = 100;

/// The body of `POST /v1/audit-events`. Unknown members are refused.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAuditEvent {
    /// What happened: 1–128 characters of `[A-Za-z0-9._:/-]`, e.g. `deploy.started`.
    #[schema(min_length = 1, max_length = 128, pattern = "^[A-Za-z0-9._:/-]+$")]
    pub action: String,
    /// What it happened to: 1–512 characters, none of them a control character (U+0000–U+001F,
    /// U+007F–U+009F), e.g. an ARN.
    #[schema(
        min_length = 1,
        max_length = 512,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$"
    )]
    pub resource: String,
    /// Optional free-form JSON object, at most 4096 bytes as compact JSON (a size JSON Schema
    /// cannot state; beyond it the answer is 422 `invalid-audit-event`).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A stored audit event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEvent {
    /// Server-assigned, time-ordered ID (UUIDv7, lowercase hyphenated).
    pub id: String,
    /// When the service recorded it (RFC 3339, UTC, milliseconds).
    pub recorded_at: String,
    /// The verified principal ARN of the writer (from `X-Fluid-Identity`, never from the body).
    pub actor: String,
    /// The ARN STS returned for the writer, verbatim: for an assumed role the session ARN
    /// (`arn:aws:sts::A:assumed-role/ROLE/SESSION`), telling apart the SSO users and CI runs that
    /// share one role. Absent only on events recorded before it was stored.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub actor_session: Option<String>,
    /// See [`NewAuditEvent::action`].
    pub action: String,
    /// See [`NewAuditEvent::resource`].
    pub resource: String,
    /// See [`NewAuditEvent::detail`].
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Why a [`NewAuditEvent`] is not acceptable (the problem detail says which field and rule).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidEvent(pub String);

impl NewAuditEvent {
    /// Checks the field rules beyond JSON shape.
    ///
    /// ```
    /// let e: api::model::NewAuditEvent =
    ///     serde_json::from_str(r#"{"action":"deploy.started","resource":"arn:aws:lambda:::x"}"#).unwrap();
    /// assert!(e.validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), InvalidEvent> {
        let action_len = self.action.chars().count();
        if action_len == 0 || action_len > MAX_ACTION_LEN {
            return Err(InvalidEvent(format!(
                "action must be 1..={MAX_ACTION_LEN} characters"
            )));
        }
        if !self
            .action
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:/-".contains(&b))
        {
            return Err(InvalidEvent(
                "action may contain only A-Z a-z 0-9 . _ : / -".into(),
            ));
        }
        let resource_len = self.resource.chars().count();
        if resource_len == 0 || resource_len > MAX_RESOURCE_LEN {
            return Err(InvalidEvent(format!(
                "resource must be 1..={MAX_RESOURCE_LEN} characters"
            )));
        }
        if self.resource.chars().any(char::is_control) {
            return Err(InvalidEvent(
                "resource must not contain control characters".into(),
            ));
        }
        if let Some(detail) = &self.detail {
            let size = serde_json::to_vec(detail)
                .map(|v| v.len())
                .unwrap_or(usize::MAX);
            if size > MAX_DETAIL_BYTES {
                return Err(InvalidEvent(format!(
                    "detail must be at most {MAX_DETAIL_BYTES} bytes as compact JSON"
                )));
            }
        }
        Ok(())
    }

    /// The stored event: a fresh time-ordered ID, the current time, the verified actor (normalized
    /// principal ARN) and its session (the ARN STS returned).
    pub fn into_event(self, actor: &str, actor_session: &str) -> AuditEvent {
        let id = uuid::Uuid::now_v7();
        AuditEvent {
            id: id.hyphenated().to_string(),
            recorded_at: rfc3339_millis(std::time::SystemTime::now()),
            actor: actor.to_owned(),
            actor_session: Some(actor_session.to_owned()),
            action: self.action,
            resource: self.resource,
            detail: self.detail,
        }
    }
}

/// Whether `id` has the shape of an event ID (lowercase hyphenated UUID), so malformed IDs never
/// reach storage.
pub fn is_event_id(id: &str) -> bool {
    id.len() == 36
        && uuid::Uuid::try_parse(id).is_ok()
        && !id.bytes().any(|b| b.is_ascii_uppercase())
}

/// Whether an `Idempotency-Key` value is acceptable: 1..=128 visible ASCII characters.
pub fn is_idempotency_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_IDEMPOTENCY_KEY_LEN
        && key.bytes().all(|b| b.is_ascii_graphic())
}

/// `limit` as the OpenAPI document declares it and a generated client sends it: the decimal form
/// of an integer in 1..=[`MAX_PAGE_LIMIT`] — no sign, no leading zero, no spaces, no fraction.
/// `None` for anything else (the caller answers `invalid-query`).
///
/// ```
/// use api::model::parse_page_limit;
/// assert_eq!((parse_page_limit("1"), parse_page_limit("100")), (Some(1), Some(100)));
/// for refused in ["0", "101", "abc", "+5", "05", " 5", "1.0", ""] {
///     assert_eq!(parse_page_limit(refused), None, "{refused:?}");
/// }
/// ```
pub fn parse_page_limit(raw: &str) -> Option<usize> {
    if raw.starts_with('0') || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse()
        .ok()
        .filter(|n| (1..=MAX_PAGE_LIMIT).contains(n))
}

/// An opaque page cursor: the last event ID of the previous page, versioned and base64url-encoded.
/// Clients must treat it as opaque; the encoding may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Events strictly after this ID come next.
    pub after: String,
}

const CURSOR_PREFIX: &str = "v1:";

impl Cursor {
    /// The wire form.
    ///
    /// ```
    /// use api::model::Cursor;
    /// let c = Cursor { after: "019a0000-0000-7000-8000-000000000000".into() };
    /// assert_eq!(Cursor::decode(&c.encode()), Some(c));
    /// assert_eq!(Cursor::decode("not-a-cursor"), None);
    /// ```
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{}", self.after))
    }

    /// Parses the wire form; `None` for anything this service did not produce.
    pub fn decode(s: &str) -> Option<Self> {
        if s.len() > 128 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(s).ok()?;
        let text = std::str::from_utf8(&bytes).ok()?;
        let after = text.strip_prefix(CURSOR_PREFIX)?;
        is_event_id(after).then(|| Cursor {
            after: after.to_owned(),
        })
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for a system time (UTC; civil-from-days, no time-zone database).
pub fn rfc3339_millis(t: std::time::SystemTime) -> String {
    let d = t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339_millis(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        // 2024-02-29T12:34:56.789Z (a leap day).
        let t = UNIX_EPOCH + Duration::from_millis(1_709_210_096_789);
        assert_eq!(rfc3339_millis(t), "2024-02-29T12:34:56.789Z");
    }

    #[test]
    fn event_ids_are_lowercase_uuids() {
        assert!(is_event_id("019a0000-0000-7000-8000-000000000000"));
        assert!(!is_event_id("019A0000-0000-7000-8000-000000000000"));
        assert!(!is_event_id("019a0000000070008000000000000000"));
        assert!(!is_event_id("../etc/passwd"));
    }

    #[test]
    fn cursors_from_elsewhere_are_refused() {
        let forged = URL_SAFE_NO_PAD.encode("v1:' OR 1=1 --");
        assert_eq!(Cursor::decode(&forged), None);
        assert_eq!(Cursor::decode("%%%"), None);
    }

    #[test]
    fn new_ids_sort_in_creation_order() {
        let a = NewAuditEvent {
            action: "a".into(),
            resource: "r".into(),
            detail: None,
        };
        let first = a.clone().into_event("x", "x").id;
        let second = a.into_event("x", "x").id;
        assert!(first < second);
    }
}
