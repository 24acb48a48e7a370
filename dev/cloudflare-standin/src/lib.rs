//! A local stand-in of the Cloudflare v4 endpoints oac-kit calls, for tests and the local chain:
//! one in-memory zone ([`zone`]) with its DNS records (paginated, `per_page` default 100), the
//! `ssl` setting, and the `http_request_late_transform` entry point ruleset with its rules
//! ([`rulesets`]; `404` with Cloudflare's error envelope until a `PUT` creates it).
//!
//! - **Tokens** ([`auth`]): bearer tokens mapped to permissions; a token without the one an
//!   operation needs gets Cloudflare's `403` / `10000 Authentication error`.
//! - **Request shapes** ([`shapes`]): every body is checked against the shape of its operation
//!   in `fixtures/cloudflare/request-shapes.json`, derived from Cloudflare's published OpenAPI
//!   schema; a body that does not match gets a `400` envelope. How the file was derived and how
//!   to refresh it: `dev/cloudflare-standin/README.md`.
//! - **Failures**: [`CloudflareStandIn::fail_next`] answers the next N requests with a 429 (and
//!   `Retry-After`) or a 5xx.
//! - **For tests**: [`CloudflareStandIn::state`] dumps the zone, [`CloudflareStandIn::requests`]
//!   returns every request received (method, URI, `Authorization`, other headers, body, status).
//!
//! The binary `cloudflare-standin` serves it on loopback (`--help`).

pub mod aop;
pub mod auth;
pub mod reply;
pub mod routes;
pub mod rulesets;
pub mod server;
pub mod shapes;
pub mod zone;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use serde_json::Value;

pub use auth::{Permission, Tokens};
pub use server::{Injected, Received};
pub use zone::Zone;

/// A running stand-in; stops when dropped.
pub struct CloudflareStandIn {
    address: SocketAddr,
    shared: server::Shared,
    task: tokio::task::JoinHandle<()>,
}

impl CloudflareStandIn {
    /// Serves `zone` to `tokens` on `listener` (loopback).
    pub fn serve(
        listener: tokio::net::TcpListener,
        zone: Zone,
        tokens: Tokens,
    ) -> std::io::Result<Self> {
        let address = listener.local_addr()?;
        let shared = Arc::new(Mutex::new(server::Inner {
            zone,
            tokens,
            injected: None,
            log: vec![],
        }));
        let app = Router::new()
            .fallback(server::handle)
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            address,
            shared,
            task,
        })
    }

    /// Binds a free port on 127.0.0.1 and serves.
    pub async fn start(zone: Zone, tokens: Tokens) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        Self::serve(listener, zone, tokens)
    }

    /// `http://127.0.0.1:<port>/client/v4`, the API base for a client.
    pub fn base_url(&self) -> String {
        format!("http://{}/client/v4", self.address)
    }

    /// The zone's state as JSON.
    pub fn state(&self) -> Value {
        self.with_zone(|zone| zone.dump())
    }

    /// Runs `f` on the zone (to seed records or the user's own rules).
    pub fn with_zone<R>(&self, f: impl FnOnce(&mut Zone) -> R) -> R {
        f(&mut self.lock().zone)
    }

    /// The hostname client certificates (Authenticated Origin Pulls) as Cloudflare describes
    /// them, each with the private key it was uploaded with (Cloudflare never answers it).
    pub fn aop_certificates(&self) -> Vec<(Value, String)> {
        self.with_zone(|zone| {
            zone.aop_certificates
                .iter()
                .map(|c| {
                    let id = c["id"].as_str().unwrap_or_default();
                    (
                        c.clone(),
                        zone.aop_private_key(id).unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
    }

    /// Each hostname's association (`cert_id`, `enabled`, `status`), by hostname.
    pub fn aop_hostnames(&self) -> std::collections::BTreeMap<String, Value> {
        self.with_zone(|zone| zone.aop_hostnames.clone())
    }

    /// Answers the next `count` requests with `status` (429 or 5xx), with `Retry-After` if given.
    pub fn fail_next(&self, status: u16, count: u32, retry_after: Option<u32>) {
        self.lock().injected = Some(Injected {
            status,
            remaining: count,
            retry_after,
        });
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Received> {
        self.lock().log.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, server::Inner> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for CloudflareStandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}
