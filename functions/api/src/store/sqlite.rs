//! The embedded store: one SQLite file (WAL), so local data survives restarts.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Appended, AuditStore, BoxFuture, IdempotencyClaim, Page, StoreError};
use crate::model::AuditEvent;

/// SQLite-backed [`AuditStore`]. Calls run on the blocking pool; one connection serializes writes.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit_events (
    id   TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;
";

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError(e.to_string())
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn =
            Connection::open(path).map_err(|e| StoreError(format!("{}: {e}", path.display())))?;
        Self::init(conn)
    }

    /// A private in-memory database (tests, benchmarks).
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory().map_err(err)?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        // WAL + NORMAL: durable across process crashes, fast appends.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    async fn with_conn<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| StoreError("connection poisoned".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(err)?
    }
}

fn decode(body: &str) -> Result<AuditEvent, StoreError> {
    serde_json::from_str(body).map_err(err)
}

fn append_in(
    conn: &mut Connection,
    event: AuditEvent,
    claim: Option<IdempotencyClaim>,
) -> Result<Appended, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(err)?;
    if let Some(claim) = &claim {
        let prior: Option<(String, String)> = tx
            .query_row(
                "SELECT request_hash, event_id FROM idempotency_keys WHERE scope = ?1 AND key = ?2",
                params![claim.scope, claim.key],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(err)?;
        if let Some((hash, event_id)) = prior {
            if hash != claim.request_hash {
                return Ok(Appended::KeyReused);
            }
            let body: String = tx
                .query_row(
                    "SELECT body FROM audit_events WHERE id = ?1",
                    params![event_id],
                    |row| row.get(0),
                )
                .map_err(err)?;
            return Ok(Appended::Replayed(decode(&body)?));
        }
        tx.execute(
            "INSERT INTO idempotency_keys (scope, key, request_hash, event_id) VALUES (?1, ?2, ?3, ?4)",
            params![claim.scope, claim.key, claim.request_hash, event.id],
        )
        .map_err(err)?;
    }
    let body = serde_json::to_string(&event).map_err(err)?;
    tx.execute(
        "INSERT INTO audit_events (id, body) VALUES (?1, ?2)",
        params![event.id, body],
    )
    .map_err(err)?;
    tx.commit().map_err(err)?;
    Ok(Appended::Created(event))
}

impl AuditStore for SqliteStore {
    fn append(
        &self,
        event: AuditEvent,
        claim: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, Result<Appended, StoreError>> {
        Box::pin(self.with_conn(move |conn| append_in(conn, event, claim)))
    }

    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<AuditEvent>, StoreError>> {
        let id = id.to_owned();
        Box::pin(self.with_conn(move |conn| {
            let body: Option<String> = conn
                .query_row(
                    "SELECT body FROM audit_events WHERE id = ?1",
                    params![id],
                    |row| row.get(0),
                )
                .optional()
                .map_err(err)?;
            body.as_deref().map(decode).transpose()
        }))
    }

    fn list<'a>(
        &'a self,
        after: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, Result<Page, StoreError>> {
        let after = after.unwrap_or("").to_owned();
        Box::pin(self.with_conn(move |conn| {
            let mut stmt = conn
                .prepare_cached("SELECT body FROM audit_events WHERE id > ?1 ORDER BY id LIMIT ?2")
                .map_err(err)?;
            // One extra row tells whether another page follows.
            let fetch = i64::try_from(limit + 1).map_err(err)?;
            let rows = stmt
                .query_map(params![after, fetch], |row| row.get::<_, String>(0))
                .map_err(err)?;
            let mut events = Vec::with_capacity(limit + 1);
            for row in rows {
                events.push(decode(&row.map_err(err)?)?);
            }
            let more = events.len() > limit;
            events.truncate(limit);
            Ok(Page { events, more })
        }))
    }
}
