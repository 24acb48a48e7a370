//! The bytes of the two streamed formats, as pure functions: NDJSON lines for the export and
//! server-sent-event frames (WHATWG HTML §9.2) for the stream; and the time arithmetic both need.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use problem_details::Problem;
use serde::Serialize;

use crate::model::AuditEvent;

/// Appends `value` as one NDJSON line: compact JSON (which never holds a raw newline: strings
/// escape it) and `\n`.
///
/// ```
/// let mut out = Vec::new();
/// api::streaming::framing::push_ndjson_line(&mut out, &serde_json::json!({"a": "x\ny"}));
/// assert_eq!(out, b"{\"a\":\"x\\ny\"}\n");
/// ```
pub fn push_ndjson_line(out: &mut Vec<u8>, value: &impl Serialize) {
    // Serializing our own types into a Vec cannot fail (no I/O, string keys only).
    if serde_json::to_writer(&mut *out, value).is_ok() {
        out.push(b'\n');
    }
}

/// The export's last line when every event was sent: `{"end":true,"count":N}`.
pub fn export_end_line(count: u64) -> Bytes {
    Bytes::from(format!("{{\"end\":true,\"count\":{count}}}\n"))
}

/// The export's last line when the store failed part way: `{"error":<problem>}` (no `end` line
/// follows, so a client tells a complete export from a cut one).
pub fn export_error_line(problem: &Problem) -> Bytes {
    let mut out = Vec::new();
    push_ndjson_line(&mut out, &serde_json::json!({ "error": problem }));
    Bytes::from(out)
}

/// One audit event as an SSE message: `id:` (what a client sends back as `Last-Event-ID`) and the
/// event's JSON, exactly as the list returns it, on one `data:` line.
pub fn sse_event(event: &AuditEvent) -> Bytes {
    let data = serde_json::to_string(event).unwrap_or_default();
    Bytes::from(format!("id: {}\ndata: {data}\n\n", event.id))
}

/// A comment line (ignored by clients; keeps CloudFront's origin read timeout from firing).
pub fn sse_comment(text: &str) -> Bytes {
    Bytes::from(format!(": {text}\n\n"))
}

/// A store failure while streaming: `event: error` with the problem as data.
pub fn sse_error(problem: &Problem) -> Bytes {
    Bytes::from(format!("event: error\ndata: {}\n\n", problem.to_json()))
}

/// The reconnect delay the close asks for, in milliseconds.
pub const RECONNECT_MS: u64 = 1000;

/// The last frame: `retry: 1000` then an `event: close` whose data names why (`max-duration`,
/// `deadline`, `storage-unavailable`). It has no `id:`, so the client's last event ID stays that
/// of the last event sent and a reconnect resumes right after it.
pub fn sse_close(reason: &str) -> Bytes {
    Bytes::from(format!(
        "retry: {RECONNECT_MS}\nevent: close\ndata: {{\"reason\":\"{reason}\"}}\n\n"
    ))
}

/// The smallest UUIDv7 of the millisecond `at` (random bits zero): every event ID minted before
/// `at` sorts below it, every one minted at or after it sorts above — IDs compare as strings
/// because they are lowercase hyphenated hex.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let floor = api::streaming::framing::uuidv7_floor(UNIX_EPOCH + Duration::from_millis(1));
/// assert_eq!(floor, "00000000-0001-7000-8000-000000000000");
/// ```
pub fn uuidv7_floor(at: SystemTime) -> String {
    let millis = at
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    uuid::Builder::from_unix_timestamp_millis(millis, &[0; 10])
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// Why an SSE response ends, and after how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamBudget {
    /// How long the response may last.
    pub lasts: Duration,
    /// `deadline` when the invocation's deadline (less the margin) comes first, else
    /// `max-duration`.
    pub reason: &'static str,
}

/// How long an SSE response may last: `max`, or less when the invocation's `deadline_ms` (Unix
/// milliseconds; `0` = none, as off Lambda) minus `margin` comes sooner.
///
/// ```
/// use std::time::Duration;
/// use api::streaming::framing::stream_budget;
/// let b = stream_budget(Duration::from_secs(600), 10_000, 1_000, Duration::from_secs(2));
/// assert_eq!((b.lasts, b.reason), (Duration::from_secs(7), "deadline"));
/// assert_eq!(stream_budget(Duration::from_secs(5), 0, 1_000, Duration::ZERO).reason, "max-duration");
/// ```
pub fn stream_budget(
    max: Duration,
    deadline_ms: u64,
    now_ms: u64,
    margin: Duration,
) -> StreamBudget {
    if deadline_ms == 0 {
        return StreamBudget {
            lasts: max,
            reason: "max-duration",
        };
    }
    let left = Duration::from_millis(deadline_ms.saturating_sub(now_ms)).saturating_sub(margin);
    if left < max {
        StreamBudget {
            lasts: left,
            reason: "deadline",
        }
    } else {
        StreamBudget {
            lasts: max,
            reason: "max-duration",
        }
    }
}

/// Now as Unix milliseconds.
pub fn unix_millis(now: SystemTime) -> u64 {
    now.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str) -> AuditEvent {
        AuditEvent {
            id: id.to_owned(),
            recorded_at: "2026-01-01T00:00:00.000Z".to_owned(),
            actor: "arn:aws:iam::111122223333:role/deployer".to_owned(),
            actor_session: None,
            action: "deploy.started".to_owned(),
            resource: "line\nbreak? no: r".to_owned(),
            detail: None,
        }
    }

    #[test]
    fn an_sse_event_is_id_then_one_data_line_then_a_blank_line() {
        let frame = sse_event(&event("0190a000-0000-7000-8000-000000000001"));
        let text = std::str::from_utf8(&frame).unwrap();
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines[0], "id: 0190a000-0000-7000-8000-000000000001");
        assert!(lines[1].starts_with("data: {\"id\":"), "{text}");
        assert_eq!(&lines[2..], ["", ""]);
        let data: AuditEvent = serde_json::from_str(&lines[1]["data: ".len()..]).unwrap();
        assert_eq!(data, event("0190a000-0000-7000-8000-000000000001"));
    }

    #[test]
    fn the_close_asks_for_a_reconnect_in_a_second_and_carries_no_id() {
        let text = String::from_utf8(sse_close("deadline").to_vec()).unwrap();
        assert_eq!(
            text,
            "retry: 1000\nevent: close\ndata: {\"reason\":\"deadline\"}\n\n"
        );
        assert!(!text.contains("id:"));
        assert_eq!(&sse_comment("heartbeat")[..], b": heartbeat\n\n");
    }

    #[test]
    fn the_export_ends_with_a_count_or_an_error() {
        assert_eq!(&export_end_line(3)[..], b"{\"end\":true,\"count\":3}\n");
        let problem = Problem::new("storage-unavailable", "Storage unavailable", 503);
        let line: serde_json::Value = serde_json::from_slice(&export_error_line(&problem)).unwrap();
        assert_eq!(
            line["error"]["type"],
            "urn:oac-kit:problem:storage-unavailable"
        );
        assert_eq!(line["error"]["status"], 503);
    }

    #[test]
    fn the_floor_sorts_between_the_ids_of_neighbouring_milliseconds() {
        let at = UNIX_EPOCH + Duration::from_millis(1_765_000_000_123);
        let floor = uuidv7_floor(at);
        let before = uuid::Builder::from_unix_timestamp_millis(1_765_000_000_122, &[0xff; 10])
            .into_uuid()
            .to_string();
        let same = uuid::Builder::from_unix_timestamp_millis(
            1_765_000_000_123,
            &[0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        )
        .into_uuid()
        .to_string();
        assert!(before < floor, "{before} < {floor}");
        assert!(floor < same, "{floor} < {same}");
        assert!(crate::model::is_event_id(&floor));
    }

    #[test]
    fn a_passed_deadline_leaves_no_time() {
        let b = stream_budget(
            Duration::from_secs(600),
            1_000,
            5_000,
            Duration::from_secs(2),
        );
        assert_eq!((b.lasts, b.reason), (Duration::ZERO, "deadline"));
    }
}
