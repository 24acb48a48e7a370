//! Storage behind one trait: [`SqliteStore`] (embedded, the local default) and [`DynamoStore`].
//!
//! Appends are atomic with their idempotency record: a retried `Idempotency-Key` returns the first
//! event, the same key with a different body is a conflict, and concurrent retries create one event.

mod dynamodb;
mod sqlite;

use std::future::Future;
use std::pin::Pin;

pub use dynamodb::DynamoStore;
pub use sqlite::SqliteStore;

use crate::model::AuditEvent;

/// A boxed future, so [`AuditStore`] can be a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How long an idempotency record is kept (DynamoDB TTL; SQLite keeps them).
pub const IDEMPOTENCY_TTL_SECS: u64 = 24 * 3600;

/// An `Idempotency-Key` claim, scoped to the caller that sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyClaim {
    /// The verified caller's ARN as STS returned it (for an assumed role, the session ARN): keys
    /// of different callers — and of different sessions of one role — never collide.
    pub scope: String,
    /// The header value.
    pub key: String,
    /// Lowercase hex SHA-256 of the exact request body.
    pub request_hash: String,
}

/// What an append did.
#[derive(Debug, Clone, PartialEq)]
pub enum Appended {
    /// Stored now.
    Created(AuditEvent),
    /// The key was used before with the same body: the first result.
    Replayed(AuditEvent),
    /// The key was used before with a different body.
    KeyReused,
}

/// One page of events in ID (= creation) order.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// At most `limit` events.
    pub events: Vec<AuditEvent>,
    /// Whether more events follow the last one.
    pub more: bool,
}

/// A storage failure; the API answers 503 and logs the message (never sent to the client).
#[derive(Debug, thiserror::Error)]
#[error("storage: {0}")]
pub struct StoreError(pub String);

/// The audit-event store.
pub trait AuditStore: Send + Sync {
    /// Appends `event` (with its idempotency claim, if any) atomically.
    fn append(
        &self,
        event: AuditEvent,
        claim: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, Result<Appended, StoreError>>;

    /// One event by ID.
    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<AuditEvent>, StoreError>>;

    /// Up to `limit` events with IDs after `after` (from the first when `None`).
    fn list<'a>(
        &'a self,
        after: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, Result<Page, StoreError>>;
}
