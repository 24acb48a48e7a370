//! The store contract, run against both backends: SQLite on a temporary file, and DynamoDB
//! against moto's real server on loopback (not a mock of the SDK).

use std::sync::Arc;

use api::model::{AuditEvent, NewAuditEvent};
use api::store::{Appended, AuditStore, DynamoStore, IdempotencyClaim, SqliteStore};
use aws_sdk_dynamodb::types::AttributeValue;
use test_support::moto::Moto;

fn event(action: &str) -> AuditEvent {
    NewAuditEvent {
        action: action.to_owned(),
        resource: "arn:aws:s3:::bucket".to_owned(),
        detail: serde_json::from_str(r#"{"n":1,"nested":{"ok":true}}"#).unwrap(),
    }
    .into_event(ME, ME_SESSION)
}

fn claim(scope: &str, key: &str, body: &str) -> Option<IdempotencyClaim> {
    Some(IdempotencyClaim {
        scope: scope.to_owned(),
        key: key.to_owned(),
        request_hash: body.to_owned(),
    })
}

const ME: &str = "arn:aws:iam::111122223333:role/deployer";
const ME_SESSION: &str = "arn:aws:sts::111122223333:assumed-role/deployer/ci-run-7";
const YOU: &str = "arn:aws:iam::111122223333:role/release";

async fn appends_and_reads_back(store: Arc<dyn AuditStore>) {
    let e = event("deploy.started");
    assert_eq!(
        store.append(e.clone(), None).await.unwrap(),
        Appended::Created(e.clone())
    );
    assert_eq!(store.get(&e.id).await.unwrap(), Some(e));
    assert_eq!(
        store
            .get("019a0000-0000-7000-8000-000000000000")
            .await
            .unwrap(),
        None
    );
}

async fn pages_in_creation_order(store: Arc<dyn AuditStore>) {
    let mut ids = Vec::new();
    for i in 0..7 {
        let e = event(&format!("step.{i}"));
        ids.push(e.id.clone());
        store.append(e, None).await.unwrap();
    }
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = Vec::new();
    loop {
        let page = store.list(after.as_deref(), 3).await.unwrap();
        pages.push(page.events.len());
        seen.extend(page.events.iter().map(|e| e.id.clone()));
        if !page.more {
            break;
        }
        after = page.events.last().map(|e| e.id.clone());
    }
    assert_eq!(seen, ids);
    assert_eq!(pages, vec![3, 3, 1]);
    // Exactly `limit` left: no empty trailing page.
    let page = store.list(Some(&ids[3]), 3).await.unwrap();
    assert_eq!(page.events.len(), 3);
    assert!(!page.more);
}

async fn replays_a_retried_key_and_refuses_a_reused_one(store: Arc<dyn AuditStore>) {
    let first = event("first");
    let created = store
        .append(first.clone(), claim(ME, "k", "hash-a"))
        .await
        .unwrap();
    assert_eq!(created, Appended::Created(first.clone()));
    let retry = store
        .append(event("first"), claim(ME, "k", "hash-a"))
        .await
        .unwrap();
    assert_eq!(retry, Appended::Replayed(first.clone()));
    let reused = store
        .append(event("other"), claim(ME, "k", "hash-b"))
        .await
        .unwrap();
    assert_eq!(reused, Appended::KeyReused);
    // Another caller's identical key is independent.
    let theirs = event("theirs");
    assert_eq!(
        store
            .append(theirs.clone(), claim(YOU, "k", "hash-a"))
            .await
            .unwrap(),
        Appended::Created(theirs)
    );
    let page = store.list(None, 100).await.unwrap();
    assert_eq!(page.events.len(), 2, "a replay or conflict stored nothing");
}

async fn concurrent_retries_create_one_event(store: Arc<dyn AuditStore>) {
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .append(event("race"), claim(ME, "race-key", "same"))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut created = Vec::new();
    let mut replayed = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Appended::Created(e) => created.push(e.id),
            Appended::Replayed(e) => replayed.push(e.id),
            Appended::KeyReused => panic!("same body must not conflict"),
        }
    }
    assert_eq!(created.len(), 1);
    assert!(replayed.iter().all(|id| *id == created[0]));
    assert_eq!(store.list(None, 100).await.unwrap().events.len(), 1);
}

fn sqlite() -> (tempfile::TempDir, Arc<dyn AuditStore>) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("api.sqlite3")).unwrap();
    (dir, Arc::new(store))
}

#[tokio::test]
async fn sqlite_appends_and_reads_back() {
    let (_dir, store) = sqlite();
    appends_and_reads_back(store).await;
}

#[tokio::test]
async fn sqlite_pages_in_creation_order() {
    let (_dir, store) = sqlite();
    pages_in_creation_order(store).await;
}

#[tokio::test]
async fn sqlite_replays_a_retried_key_and_refuses_a_reused_one() {
    let (_dir, store) = sqlite();
    replays_a_retried_key_and_refuses_a_reused_one(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_concurrent_retries_create_one_event() {
    let (_dir, store) = sqlite();
    concurrent_retries_create_one_event(store).await;
}

#[tokio::test]
async fn sqlite_keeps_events_and_keys_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("api.sqlite3");
    let e = event("persisted");
    {
        let store = SqliteStore::open(&path).unwrap();
        store.append(e.clone(), claim(ME, "k", "h")).await.unwrap();
    }
    let reopened = SqliteStore::open(&path).unwrap();
    assert_eq!(reopened.get(&e.id).await.unwrap(), Some(e.clone()));
    assert_eq!(
        reopened
            .append(event("persisted"), claim(ME, "k", "h"))
            .await
            .unwrap(),
        Appended::Replayed(e)
    );
}

async fn dynamo(table: &str) -> (Moto, Arc<dyn AuditStore>) {
    let moto = Moto::start();
    moto.create_table(table).await;
    let store = DynamoStore::new(moto.client(), table);
    (moto, Arc::new(store))
}

#[tokio::test]
async fn dynamodb_appends_and_reads_back() {
    let (_moto, store) = dynamo("t1").await;
    appends_and_reads_back(store).await;
}

#[tokio::test]
async fn dynamodb_pages_in_creation_order() {
    let (_moto, store) = dynamo("t2").await;
    pages_in_creation_order(store).await;
}

#[tokio::test]
async fn dynamodb_replays_a_retried_key_and_refuses_a_reused_one() {
    let (_moto, store) = dynamo("t3").await;
    replays_a_retried_key_and_refuses_a_reused_one(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_concurrent_retries_create_one_event() {
    let (_moto, store) = dynamo("t4").await;
    concurrent_retries_create_one_event(store).await;
}

#[tokio::test]
async fn dynamodb_items_use_the_documented_pk_sk_layout() {
    let moto = Moto::start();
    moto.create_table("layout").await;
    let store = DynamoStore::new(moto.client(), "layout");
    let e = event("layout");
    store.append(e.clone(), claim(ME, "k", "h")).await.unwrap();
    let items = moto
        .client()
        .scan()
        .table_name("layout")
        .send()
        .await
        .unwrap()
        .items
        .unwrap();
    assert_eq!(items.len(), 2);
    let s = |v: Option<&AttributeValue>| v.and_then(|v| v.as_s().ok()).cloned().unwrap();
    let event_item = items
        .iter()
        .find(|i| s(i.get("pk")) == "AUDIT_EVENTS")
        .expect("event item");
    assert_eq!(s(event_item.get("sk")), format!("EVENT#{}", e.id));
    assert_eq!(s(event_item.get("actor")), ME);
    assert_eq!(s(event_item.get("actor_session")), ME_SESSION);
    let key_item = items
        .iter()
        .find(|i| s(i.get("pk")).starts_with("IDEMPOTENCY#"))
        .expect("idempotency item");
    assert_eq!(s(key_item.get("sk")), "IDEMPOTENCY");
    assert_eq!(s(key_item.get("event_id")), e.id);
    assert!(key_item.get("expires_at").unwrap().as_n().is_ok());
    assert!(!s(key_item.get("pk")).contains(ME), "scope is hashed");
}

#[tokio::test]
async fn dynamodb_errors_surface_as_store_errors() {
    let moto = Moto::start();
    let store = DynamoStore::new(moto.client(), "no-such-table");
    assert!(
        store
            .get("019a0000-0000-7000-8000-000000000000")
            .await
            .is_err()
    );
    assert!(store.append(event("x"), None).await.is_err());
}
