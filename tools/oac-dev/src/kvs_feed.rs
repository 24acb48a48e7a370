//! Feeds the KeyValueStore's items to everything that reads them: the Node.js workers' store
//! stand-in (the CloudFront Function's), the Lambda@Edge bundle's KVS stand-in
//! ([`crate::cloudfront::kvs_edge`]) and the chain's view ([`KvsView`]); a state file is watched
//! and re-read when it changes. Wiring between the CloudFront side and the edge workers.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cloudfront::kvs::{KvsView, describe, parse_state};
use crate::cloudfront::kvs_edge::EdgeKvs;
use crate::edge_worker::{EdgeWorkers, Store};
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
        .set_kvs(Store::ViewerFilter, items.as_ref())
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
            let workers = Arc::downgrade(&readers.workers);
            let edge = readers.edge;
            let watched = view.clone();
            tokio::spawn(follow(path.clone(), text, move |items| {
                let readers = workers.upgrade().map(|workers| Readers {
                    workers,
                    edge: edge.clone(),
                });
                let (view, origin) = (watched.clone(), origin.clone());
                async move {
                    let Some(readers) = readers else {
                        return false;
                    };
                    if let Err(e) = publish(&readers, &view, items, &origin).await {
                        eprintln!("oac-dev: {e:#}");
                    }
                    true
                }
            }));
        }
    }
    Ok(view)
}

/// Looks at the state file `path` every 200 ms and hands `changed` its items (`None`: missing
/// or not a state file) whenever its bytes differ from what was last read (`last`: what the
/// caller read first), until `changed` answers `false`.
pub async fn follow<F, Fut>(path: PathBuf, mut last: Option<Vec<u8>>, changed: F)
where
    F: Fn(Option<Items>) -> Fut,
    Fut: Future<Output = bool>,
{
    loop {
        tokio::time::sleep(POLL).await;
        let text = std::fs::read(&path).ok();
        if text != last {
            if !changed(text.as_deref().and_then(parse_state)).await {
                return;
            }
            last = text;
        }
    }
}
