//! An audit log of a chosen size for the streaming tests and benchmark: events as the api stores
//! them, written straight into its SQLite file (no STS round trip per event), and the export the
//! api documents for them.

use std::path::Path;

use api::model::{AuditEvent, NewAuditEvent};
use api::store::{AuditStore, SqliteStore};
use serde_json::json;

/// `count` events of about 4.2 KB each as the list returns them (a 3,900-byte detail).
pub fn events(count: usize) -> Vec<AuditEvent> {
    let blob = "x".repeat(3900);
    (0..count)
        .map(|i| {
            let new: NewAuditEvent = serde_json::from_value(json!({
                "action": "export.seed",
                "resource": format!("arn:aws:s3:::bucket/object-{i}"),
                "detail": {"n": i, "blob": blob},
            }))
            .unwrap();
            new.validate().unwrap();
            new.into_event(
                "arn:aws:iam::111122223333:role/deployer",
                "arn:aws:sts::111122223333:assumed-role/deployer/seed",
            )
        })
        .collect()
}

/// Appends `events` to the api's SQLite store at `path`.
pub async fn seed_store(path: &Path, events: &[AuditEvent]) {
    if events.is_empty() {
        return;
    }
    let store = SqliteStore::open(path).unwrap();
    for event in events {
        store.append(event.clone(), None).await.unwrap();
    }
}

/// The export as the api documents it: each event's JSON on a line, then the end line.
pub fn expected_export(events: &[AuditEvent]) -> Vec<u8> {
    let mut out = Vec::new();
    for event in events {
        out.extend(serde_json::to_vec(event).unwrap());
        out.push(b'\n');
    }
    out.extend(format!("{{\"end\":true,\"count\":{}}}\n", events.len()).into_bytes());
    out
}
