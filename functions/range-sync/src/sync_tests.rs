//! The retry loop against the stand-in's store model in memory, with writers that slip in
//! between a read and an update.

use std::sync::Mutex;

use ip_filter_core::kvs_layout::ORIGIN_SECRETS_KEY;
use kvs_standin::store::{Store, StoreError};

use super::*;
use crate::plan::Fetched;
use crate::plan::is_layout_key;
use crate::report::Outcome;

const SECRET: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";

/// The model, and how many more updates will find another writer's change first.
struct Racy {
    store: Mutex<Store>,
    interfering_writes: Mutex<u32>,
}

impl Racy {
    fn new(interfering_writes: u32) -> Self {
        Self {
            store: Mutex::new(Store::default()),
            interfering_writes: Mutex::new(interfering_writes),
        }
    }
}

impl KeyValueStore for Racy {
    async fn read(&self) -> Result<StoreState, String> {
        let store = self.store.lock().unwrap();
        Ok(StoreState {
            etag: store.etag().to_owned(),
            items: store
                .items()
                .filter(|(k, _)| is_layout_key(k))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        })
    }

    async fn apply(&self, batch: &Batch) -> Result<String, ApplyError> {
        let mut store = self.store.lock().unwrap();
        let mut pending = self.interfering_writes.lock().unwrap();
        if *pending > 0 {
            *pending -= 1;
            let etag = store.etag().to_owned();
            let key = format!("other-writer-{pending}");
            store.update(&etag, &[(key, "x".into())], &[]).unwrap();
        }
        match store.update(&batch.if_match, &batch.puts, &batch.deletes) {
            Ok(etag) => Ok(etag.to_owned()),
            Err(StoreError::Conflict { .. }) => Err(ApplyError::Conflict),
            Err(e) => Err(ApplyError::Other(e.to_string())),
        }
    }
}

fn answer() -> String {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/cloudflare-ranges/tests/api/"
    );
    std::fs::read_to_string(format!("{dir}good-changed.json")).unwrap()
}

fn inputs(answer: &str, secret_string: &str) -> Inputs {
    Inputs {
        ranges: RangesInput::Fetched(Fetched {
            answer: answer.to_owned(),
            source: "https://api.cloudflare.com/client/v4/ips".into(),
            fetched_at: "2026-12-01T12:00:00Z".into(),
            force: false,
        }),
        secrets: Ok(SecretStrings {
            current: secret_string.to_owned(),
            pending: None,
        }),
    }
}

#[tokio::test]
async fn a_conflict_is_retried_and_both_writes_survive() {
    let store = Racy::new(1);
    let (answer, secret) = (answer(), format!(r#"{{"current":"{SECRET}"}}"#));
    let report = sync(&store, &inputs(&answer, &secret)).await;
    assert_eq!(report.outcome, Outcome::Updated, "{report:?}");
    assert_eq!(report.attempts, 2);
    let model = store.store.lock().unwrap();
    assert_eq!(report.etag_after.as_deref(), Some(model.etag()));
    assert!(
        model.get("other-writer-0").is_ok(),
        "the other write is kept"
    );
    assert!(
        model.get(ORIGIN_SECRETS_KEY).is_ok(),
        "ours is applied whole"
    );
}

#[tokio::test]
async fn conflicts_on_every_attempt_fail_the_run_and_write_nothing_of_ours() {
    let store = Racy::new(MAX_ATTEMPTS);
    let (answer, secret) = (answer(), format!(r#"{{"current":"{SECRET}"}}"#));
    let report = sync(&store, &inputs(&answer, &secret)).await;
    assert_eq!(report.outcome, Outcome::Failed);
    assert_eq!(report.reason, Some("etag-conflicts"));
    assert_eq!(report.attempts, MAX_ATTEMPTS);
    let model = store.store.lock().unwrap();
    assert!(model.get(ORIGIN_SECRETS_KEY).is_err());
    assert!(model.items().all(|(k, _)| k.starts_with("other-writer-")));
}

#[tokio::test]
async fn a_refused_secret_is_not_written_and_fails_the_run_with_its_reason() {
    let store = Racy::new(0);
    let answer = answer();
    let report = sync(&store, &inputs(&answer, r#"{"current":"short"}"#)).await;
    assert_eq!(report.outcome, Outcome::Refused);
    assert_eq!(report.reason, Some("malformed-secret"));
    assert_eq!(report.secrets_reason, Some("malformed-secret"));
    assert_eq!(report.ranges_reason, None);
    assert!(!report.succeeded() && report.ranges_changed && !report.secrets_changed);
    assert!(store.store.lock().unwrap().get(ORIGIN_SECRETS_KEY).is_err());
}

#[tokio::test]
async fn a_refused_list_writes_the_secrets_and_fails_the_run_naming_the_ranges() {
    let store = Racy::new(0);
    let poisoned = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/cloudflare-ranges/tests/api/poisoned-all-ipv4.json"
    ))
    .unwrap();
    let secret = format!(r#"{{"current":"{SECRET}"}}"#);
    let report = sync(&store, &inputs(&poisoned, &secret)).await;
    assert_eq!(report.outcome, Outcome::Refused);
    assert_eq!(report.reason, Some("invalid-answer"));
    assert_eq!(report.ranges_reason, Some("invalid-answer"));
    assert!(report.secrets_changed && !report.ranges_changed && !report.succeeded());
    let model = store.store.lock().unwrap();
    assert!(model.get(ORIGIN_SECRETS_KEY).is_ok());
    assert!(model.items().all(|(k, _)| k == ORIGIN_SECRETS_KEY));
}

#[tokio::test]
async fn the_rotation_writes_origin_secrets_alone() {
    let store = Racy::new(0);
    let secrets = SecretStrings {
        current: format!(r#"{{"current":"{SECRET}"}}"#),
        pending: None,
    };
    let report = sync_secrets(&store, secrets.clone()).await;
    assert_eq!(report.outcome, Outcome::Updated, "{report:?}");
    assert!(
        store
            .store
            .lock()
            .unwrap()
            .items()
            .all(|(k, _)| k == ORIGIN_SECRETS_KEY)
    );
    let again = sync_secrets(&store, secrets).await;
    assert_eq!(again.outcome, Outcome::Unchanged);
}
