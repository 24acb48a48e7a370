//! Feeds the KeyValueStore's items to everything that reads them: the Node.js workers' store
//! stand-in (the CloudFront Function's), the Lambda@Edge bundle's KVS stand-in
//! ([`crate::cloudfront::kvs_edge`]) and the chain's view ([`KvsView`]); a state file is watched
//! and re-read when it changes. Wiring between the CloudFront side and the edge workers.

use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cloudfront::kvs::{KvsView, describe, parse_state};
use crate::cloudfront::kvs_edge::EdgeKvs;
use crate::edge_worker::EdgeWorkers;
use crate::model::{Items, KvsSource};

/// How often the state file is looked at.
const POLL: Duration = Duration::from_millis(200);

/// Where the store's items go besides the view: the workers' store stand-in (the CloudFront
/// Function's) and, for the Lambda@Edge bundle, the KVS stand-in it fetches from.
#[derive(Clone)]
pub struct Readers {
    /// The Node.js workers.
    pub workers: Arc<EdgeWorkers>,
    /// The Lambda@Edge bundle's KVS stand-in, when that filter runs.
    pub edge: Option<Arc<EdgeKvs>>,
}

/// Puts `items` into every reader and the view; says so on stderr.
async fn publish(
    readers: &Readers,
    view: &KvsView,
    items: Option<Items>,
    origin: &str,
) -> Result<()> {
    eprintln!(
        "oac-dev: KeyValueStore from {origin}: {}",
        describe(items.as_ref())
    );
    if let Some(edge) = &readers.edge {
        edge.publish(items.as_ref());
    }
    readers
        .workers
        .set_kvs(items.as_ref())
        .await
        .map_err(anyhow::Error::msg)
        .context("handing the KeyValueStore to the edge workers")?;
    view.replace(items);
    Ok(())
}

/// Loads the store from `source` into the readers; for a file, keeps watching it (re-read on any
/// change of its bytes) until the workers are gone.
pub async fn start(source: &KvsSource, readers: Readers) -> Result<Arc<KvsView>> {
    let view = Arc::new(KvsView::default());
    match source {
        KvsSource::Items(items) => {
            publish(&readers, &view, Some(items.clone()), "the origin secrets").await?
        }
        KvsSource::File(path) => {
            let text = std::fs::read(path).ok();
            let origin = path.display().to_string();
            publish(
                &readers,
                &view,
                text.as_deref().and_then(parse_state),
                &origin,
            )
            .await?;
            tokio::spawn(watch(
                path.clone(),
                text,
                Arc::downgrade(&readers.workers),
                readers.edge,
                view.clone(),
            ));
        }
    }
    Ok(view)
}

async fn watch(
    path: PathBuf,
    mut last: Option<Vec<u8>>,
    workers: Weak<EdgeWorkers>,
    edge: Option<Arc<EdgeKvs>>,
    view: Arc<KvsView>,
) {
    loop {
        tokio::time::sleep(POLL).await;
        let Some(workers) = workers.upgrade() else {
            return;
        };
        let text = std::fs::read(&path).ok();
        if text != last {
            let items = text.as_deref().and_then(parse_state);
            let readers = Readers {
                workers,
                edge: edge.clone(),
            };
            if let Err(e) = publish(&readers, &view, items, &path.display().to_string()).await {
                eprintln!("oac-dev: {e:#}");
            }
            last = text;
        }
    }
}
