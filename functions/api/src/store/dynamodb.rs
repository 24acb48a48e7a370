//! The DynamoDB store, on the table the CDK app creates: string partition key `pk`, string sort
//! key `sk`, on-demand.
//!
//! | item | `pk` | `sk` | other attributes |
//! |---|---|---|---|
//! | audit event | `AUDIT_EVENTS` | `EVENT#<id>` | `id`, `recorded_at`, `actor`, `actor_session` (optional on old items), `action`, `resource`, `detail` (JSON string, optional) |
//! | idempotency record | `IDEMPOTENCY#<sha256(scope, key)>` | `IDEMPOTENCY` | `request_hash`, `event_id`, `expires_at` (epoch seconds; enable TTL on it) |
//!
//! All events share one partition so a `Query` returns them in ID (= time) order for cursor
//! pagination; that caps appends near 1000/s, ample for an audit log. An append with an
//! `Idempotency-Key` is one `TransactWriteItems` of both items, each conditional on not existing.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use sha2::{Digest, Sha256};

use super::{
    Appended, AuditStore, BoxFuture, IDEMPOTENCY_TTL_SECS, IdempotencyClaim, Page, StoreError,
};
use crate::model::AuditEvent;

const EVENTS_PK: &str = "AUDIT_EVENTS";
const EVENT_SK_PREFIX: &str = "EVENT#";
const IDEMPOTENCY_SK: &str = "IDEMPOTENCY";

type Item = HashMap<String, AttributeValue>;

/// DynamoDB-backed [`AuditStore`].
#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

fn sdk_err(e: impl std::error::Error) -> StoreError {
    StoreError(DisplayErrorContext(e).to_string())
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn idempotency_pk(claim: &IdempotencyClaim) -> String {
    // Hashing keeps the key short and makes `#` in ARNs or keys unable to forge another scope.
    let mut h = Sha256::new();
    h.update(claim.scope.as_bytes());
    h.update([0]);
    h.update(claim.key.as_bytes());
    format!("IDEMPOTENCY#{}", hex::encode(h.finalize()))
}

fn event_item(event: &AuditEvent) -> Result<Item, StoreError> {
    let mut item = Item::from([
        ("pk".to_owned(), s(EVENTS_PK)),
        (
            "sk".to_owned(),
            s(&format!("{EVENT_SK_PREFIX}{}", event.id)),
        ),
        ("id".to_owned(), s(&event.id)),
        ("recorded_at".to_owned(), s(&event.recorded_at)),
        ("actor".to_owned(), s(&event.actor)),
        ("action".to_owned(), s(&event.action)),
        ("resource".to_owned(), s(&event.resource)),
    ]);
    if let Some(session) = &event.actor_session {
        item.insert("actor_session".to_owned(), s(session));
    }
    if let Some(detail) = &event.detail {
        let json = serde_json::to_string(detail).map_err(|e| StoreError(e.to_string()))?;
        item.insert("detail".to_owned(), AttributeValue::S(json));
    }
    Ok(item)
}

fn event_from_item(item: &Item) -> Result<AuditEvent, StoreError> {
    let field = |name: &str| -> Result<String, StoreError> {
        match item.get(name) {
            Some(AttributeValue::S(v)) => Ok(v.clone()),
            _ => Err(StoreError(format!(
                "event item lacks string attribute {name}"
            ))),
        }
    };
    let detail = match item.get("detail") {
        None => None,
        Some(AttributeValue::S(json)) => {
            Some(serde_json::from_str(json).map_err(|e| StoreError(format!("detail: {e}")))?)
        }
        Some(_) => return Err(StoreError("event item detail is not a string".into())),
    };
    let actor_session = match item.get("actor_session") {
        None => None,
        Some(AttributeValue::S(v)) => Some(v.clone()),
        Some(_) => {
            return Err(StoreError(
                "event item actor_session is not a string".into(),
            ));
        }
    };
    Ok(AuditEvent {
        id: field("id")?,
        recorded_at: field("recorded_at")?,
        actor: field("actor")?,
        actor_session,
        action: field("action")?,
        resource: field("resource")?,
        detail,
    })
}

impl DynamoStore {
    /// A store on `table` through `client`.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// A client from the standard AWS configuration chain (env, profile, the Lambda role);
    /// `AWS_ENDPOINT_URL_DYNAMODB` points it elsewhere (e.g. a local DynamoDB-compatible server).
    pub async fn from_env(table: impl Into<String>) -> Self {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Self::new(Client::new(&config), table)
    }

    async fn get_event(&self, id: &str) -> Result<Option<AuditEvent>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(EVENTS_PK))
            .key("sk", s(&format!("{EVENT_SK_PREFIX}{id}")))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_err)?;
        out.item().map(event_from_item).transpose()
    }

    async fn append_event(
        &self,
        event: AuditEvent,
        claim: Option<IdempotencyClaim>,
    ) -> Result<Appended, StoreError> {
        let item = event_item(&event)?;
        let Some(claim) = claim else {
            self.client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .send()
                .await
                .map_err(sdk_err)?;
            return Ok(Appended::Created(event));
        };
        let pk = idempotency_pk(&claim);
        let now = now_secs();
        let record = Item::from([
            ("pk".to_owned(), s(&pk)),
            ("sk".to_owned(), s(IDEMPOTENCY_SK)),
            ("request_hash".to_owned(), s(&claim.request_hash)),
            ("event_id".to_owned(), s(&event.id)),
            (
                "expires_at".to_owned(),
                AttributeValue::N((now + IDEMPOTENCY_TTL_SECS).to_string()),
            ),
        ]);
        let put = |item: Item, condition: &str| -> Result<TransactWriteItem, StoreError> {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression(condition);
            let put = if condition.contains(":now") {
                put.expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            } else {
                put
            };
            Ok(TransactWriteItem::builder()
                .put(put.build().map_err(sdk_err)?)
                .build())
        };
        let result = self
            .client
            .transact_write_items()
            // An expired record (TTL deletion lags) may be overwritten.
            .transact_items(put(
                record,
                "attribute_not_exists(pk) OR expires_at < :now",
            )?)
            .transact_items(put(item, "attribute_not_exists(pk)")?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(Appended::Created(event)),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_transaction_canceled_exception()) =>
            {
                // The key exists (or a concurrent retry won the race): answer with its outcome.
                let prior = self
                    .client
                    .get_item()
                    .table_name(&self.table)
                    .key("pk", s(&pk))
                    .key("sk", s(IDEMPOTENCY_SK))
                    .consistent_read(true)
                    .send()
                    .await
                    .map_err(sdk_err)?;
                let Some(prior) = prior.item() else {
                    return Err(StoreError(format!(
                        "transaction cancelled without an idempotency record: {}",
                        DisplayErrorContext(e)
                    )));
                };
                let text = |name: &str| match prior.get(name) {
                    Some(AttributeValue::S(v)) => Ok(v.as_str()),
                    _ => Err(StoreError(format!("idempotency record lacks {name}"))),
                };
                if text("request_hash")? != claim.request_hash {
                    return Ok(Appended::KeyReused);
                }
                match self.get_event(text("event_id")?).await? {
                    Some(first) => Ok(Appended::Replayed(first)),
                    None => Err(StoreError("idempotency record points at no event".into())),
                }
            }
            Err(e) => Err(sdk_err(e)),
        }
    }

    async fn list_events(&self, after: Option<&str>, limit: usize) -> Result<Page, StoreError> {
        let want = limit + 1;
        let mut events = Vec::with_capacity(want);
        let mut start = format!("{EVENT_SK_PREFIX}{}", after.unwrap_or(""));
        // A Query page stops at 1 MB; keep going until `want` events or the end.
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND sk > :start")
                .expression_attribute_values(":pk", s(EVENTS_PK))
                .expression_attribute_values(":start", s(&start))
                .limit(i32::try_from(want - events.len()).unwrap_or(i32::MAX))
                .consistent_read(true)
                .send()
                .await
                .map_err(sdk_err)?;
            for item in out.items() {
                if let Some(AttributeValue::S(sk)) = item.get("sk")
                    && sk.starts_with(EVENT_SK_PREFIX)
                {
                    events.push(event_from_item(item)?);
                    start = sk.clone();
                }
            }
            if events.len() >= want || out.last_evaluated_key().is_none() {
                break;
            }
        }
        let more = events.len() > limit;
        events.truncate(limit);
        Ok(Page { events, more })
    }
}

impl AuditStore for DynamoStore {
    fn append(
        &self,
        event: AuditEvent,
        claim: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, Result<Appended, StoreError>> {
        Box::pin(self.append_event(event, claim))
    }

    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<AuditEvent>, StoreError>> {
        Box::pin(self.get_event(id))
    }

    fn list<'a>(
        &'a self,
        after: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, Result<Page, StoreError>> {
        Box::pin(self.list_events(after, limit))
    }
}
