//! Viewer mTLS assembled: the TLS listener ([`crate::viewer_tls`]) in front of the chain, its
//! Connection Function run by the chain's Node.js edge workers
//! ([`crate::cloudfront::connection_function`]), and that function's KeyValueStore fed from the
//! KVS stand-in's state file (re-read when it changes, as `--kvs-file` is). Wiring.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use origin_pull_ca::Serial;
use tokio::runtime::{Handle, RuntimeFlavor};

use crate::chain::Chain;
use crate::cloudfront::connection_function::{self, Decision};
use crate::cloudfront::kvs::parse_state;
use crate::edge_worker::{EdgeWorkers, Stage, Store};
use crate::kvs_feed;
use crate::model::Items;
use crate::viewer_tls::pem::Identity;
use crate::viewer_tls::refusal::Refusal;
use crate::viewer_tls::serial::presented;
use crate::viewer_tls::verifier::{ConnectionFunction, VerifierParts};
use crate::viewer_tls::{ViewerTls, pem};
use mtls_connection_function::SERIAL_KEY_PREFIX;

/// How long oac-dev waits for the Connection Function before refusing the handshake. CloudFront
/// publishes no figure in milliseconds (its limit is a share of a compute budget); this bound is
/// oac-dev's, generous for a Node.js round trip on a busy laptop.
pub const FUNCTION_LIMIT: Duration = Duration::from_secs(2);

/// Viewer mTLS settings (`ViewerMtlsConfig`, mode `required`).
#[derive(Debug, Clone)]
pub struct ViewerMtlsConfig {
    /// The trust store's CA bundle (PEM).
    pub trust_store: PathBuf,
    /// The Connection Function's KeyValueStore: the KVS stand-in's state file.
    pub kvs_file: PathBuf,
    /// CloudFront's `IgnoreCertificateExpiry`.
    pub ignore_certificate_expiry: bool,
    /// The listener's certificate and key.
    pub server: Identity,
    /// Log each allowed connection (refusals are always logged).
    pub log_connections: bool,
}

/// The Connection Function in the chain's edge workers.
struct NodeConnectionFunction {
    workers: Arc<EdgeWorkers>,
    runtime: Handle,
}

impl std::fmt::Debug for NodeConnectionFunction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the Connection Function in the Node.js edge workers")
    }
}

impl ConnectionFunction for NodeConnectionFunction {
    fn run(&self, serial: &Serial) -> Result<(), Refusal> {
        // rustls asks synchronously; blocking a worker thread needs the multi-thread runtime.
        if self.runtime.runtime_flavor() != RuntimeFlavor::MultiThread {
            return Err(Refusal::FunctionError(
                "oac-dev runs it on the multi-thread runtime only".into(),
            ));
        }
        let event = connection_function::event(&presented(serial));
        let call = self.workers.call(Stage::Connection, event);
        let answer = tokio::task::block_in_place(|| {
            self.runtime
                .block_on(tokio::time::timeout(FUNCTION_LIMIT, call))
        });
        let answer = match answer {
            Err(_) => return Err(Refusal::FunctionTimeout),
            Ok(Err(failed)) => return Err(Refusal::FunctionError(first_line(&failed))),
            Ok(Ok(answer)) => answer,
        };
        match connection_function::decision(&answer) {
            Decision::Allow => Ok(()),
            Decision::Deny => Err(Refusal::SerialNotListed(serial.as_str().to_owned())),
            Decision::Threw(error) => Err(Refusal::FunctionError(first_line(&error))),
            Decision::Invalid(answer) => Err(Refusal::FunctionError(format!(
                "not a connection decision: {answer}"
            ))),
        }
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

/// One line about the Connection Function's store, for the operator.
fn describe(items: Option<&Items>) -> String {
    match items {
        None => "unreadable: every read fails, every connection is refused".to_owned(),
        Some(items) => {
            let serials = items
                .iter()
                .filter(|(k, _)| k.starts_with(SERIAL_KEY_PREFIX))
                .count();
            format!("{} items, {serials} serial(s) listed", items.len())
        }
    }
}

async fn publish(workers: &EdgeWorkers, items: Option<Items>, origin: &str) -> Result<()> {
    eprintln!(
        "oac-dev: Connection Function's KeyValueStore from {origin}: {}",
        describe(items.as_ref())
    );
    workers
        .set_kvs(Store::Connection, items.as_ref())
        .await
        .map_err(anyhow::Error::msg)
        .context("handing the Connection Function's KeyValueStore to the edge workers")
}

/// Feeds the store from `config.kvs_file` (and keeps watching it) and returns the listener's
/// TLS. The chain must have been started with `connection_function`.
pub async fn start(chain: &Chain, config: ViewerMtlsConfig) -> Result<ViewerTls> {
    let roots = pem::trust_store(&config.trust_store).context("--viewer-mtls-trust-store")?;
    let trust_store = VerifierParts::trust_store(roots)?;
    let workers = chain.workers();
    let path = config.kvs_file.clone();
    let origin = path.display().to_string();
    let text = std::fs::read(&path).ok();
    publish(&workers, text.as_deref().and_then(parse_state), &origin).await?;
    let watched = Arc::downgrade(&workers);
    tokio::spawn(kvs_feed::follow(path, text, move |items| {
        let workers = watched.upgrade();
        let origin = origin.clone();
        async move {
            let Some(workers) = workers else {
                return false;
            };
            if let Err(e) = publish(&workers, items, &origin).await {
                eprintln!("oac-dev: {e:#}");
            }
            true
        }
    }));
    let function = NodeConnectionFunction {
        workers,
        runtime: Handle::current(),
    };
    let parts = VerifierParts {
        trust_store,
        ignore_expiry: config.ignore_certificate_expiry,
        function: Arc::new(function),
    };
    ViewerTls::new(config.server, parts, config.log_connections)
}
