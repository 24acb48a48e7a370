//! The long-lived Node.js worker that runs the edge artifacts (`js/edge-worker.mjs`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::{Mutex, oneshot};

/// Which CloudFront event a function runs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// viewer-request.
    Viewer,
    /// origin-request.
    Origin,
    /// The viewer mTLS handshake (the Connection Function).
    Connection,
}

/// Which KeyValueStore stand-in of the worker: each function has its own store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// The KVS-mode viewer filter's.
    ViewerFilter,
    /// The Connection Function's.
    Connection,
}

/// What the worker loads.
#[derive(Debug, Clone, Default)]
pub struct WorkerSpec {
    /// Node.js binary.
    pub node: PathBuf,
    /// Generated CloudFront Function for viewer-request.
    pub viewer_cloudfront_function: Option<PathBuf>,
    /// Lambda@Edge bundle directory for viewer-request.
    pub viewer_bundle: Option<PathBuf>,
    /// Lambda@Edge bundle directory for origin-request.
    pub origin_bundle: Option<PathBuf>,
    /// Generated Connection Function (viewer mTLS).
    pub connection_function: Option<PathBuf>,
    /// Extra environment for the worker (the credentials Lambda gives a function).
    pub env: Vec<(String, String)>,
}

type Pending = Arc<std::sync::Mutex<HashMap<u64, oneshot::Sender<Result<Value, String>>>>>;

/// One Node.js process; requests are pipelined over its stdin/stdout.
struct Worker {
    stdin: Mutex<ChildStdin>,
    pending: Pending,
    next_id: AtomicU64,
    child: Mutex<Child>,
}

/// A small pool of workers, used round-robin.
pub struct EdgeWorkers {
    workers: Vec<Worker>,
    next: AtomicUsize,
}

impl EdgeWorkers {
    /// Starts `count` workers and waits until each has loaded its functions.
    pub async fn start(spec: &WorkerSpec, count: usize) -> Result<Self> {
        let mut workers = Vec::with_capacity(count);
        for _ in 0..count.max(1) {
            workers.push(Worker::start(spec).await?);
        }
        Ok(Self {
            workers,
            next: AtomicUsize::new(0),
        })
    }

    /// Runs the function of `stage` on `event`; `Err` is the function's exception.
    pub async fn call(&self, stage: Stage, event: Value) -> Result<Value, String> {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.workers.len();
        let stage = match stage {
            Stage::Viewer => "viewer",
            Stage::Origin => "origin",
            Stage::Connection => "connection",
        };
        self.workers[i]
            .send(json!({"stage": stage, "event": event}))
            .await
    }

    /// Kills every worker and waits for it to exit (no zombie left behind).
    pub async fn stop(&self) {
        for worker in &self.workers {
            let mut child = worker.child.lock().await;
            if let Ok(None) = child.try_wait() {
                let _ = child.kill().await;
            }
        }
    }

    /// Replaces what every worker's KeyValueStore stand-in `store` holds (`None`: every read
    /// fails).
    pub async fn set_kvs(
        &self,
        store: Store,
        items: Option<&Vec<(String, String)>>,
    ) -> Result<(), String> {
        let items: Value = match items {
            Some(items) => items
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect::<serde_json::Map<_, _>>()
                .into(),
            None => Value::Null,
        };
        let store = match store {
            Store::ViewerFilter => "viewer",
            Store::Connection => "connection",
        };
        for worker in &self.workers {
            worker.send(json!({"kvs": items, "store": store})).await?;
        }
        Ok(())
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("js/edge-worker.mjs")
}

impl Worker {
    async fn start(spec: &WorkerSpec) -> Result<Self> {
        let mut cmd = Command::new(&spec.node);
        cmd.arg(script());
        for (flag, path) in [
            (
                "--viewer-cloudfront-function",
                &spec.viewer_cloudfront_function,
            ),
            ("--viewer-bundle", &spec.viewer_bundle),
            ("--origin-bundle", &spec.origin_bundle),
            ("--connection-function", &spec.connection_function),
        ] {
            if let Some(path) = path {
                cmd.arg(flag).arg(path);
            }
        }
        let mut child = cmd
            .envs(spec.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            // The edge functions get the store's hashes, never the secrets themselves.
            .env_remove(crate::secret_source::ENV_VAR)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", spec.node.display()))?;
        let stdin = child.stdin.take().context("worker stdin")?;
        let mut lines = BufReader::new(child.stdout.take().context("worker stdout")?).lines();
        let ready = lines
            .next_line()
            .await?
            .context("the edge worker exited while loading the edge functions")?;
        let ready: Value = serde_json::from_str(&ready).context("edge worker greeting")?;
        if ready.get("ready").is_none() {
            bail!("edge worker did not start: {ready}");
        }
        let pending: Pending = Arc::default();
        let reader_pending = pending.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let Ok(msg) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                let Some(id) = msg["id"].as_u64() else {
                    continue;
                };
                let answer = match msg.get("result") {
                    Some(result) => Ok(result.clone()),
                    None => Err(msg["error"].as_str().unwrap_or("unknown error").to_owned()),
                };
                if let Some(tx) = reader_pending.lock().expect("pending lock").remove(&id) {
                    let _ = tx.send(answer);
                }
            }
            // The worker died: fail everything still waiting (closed, never forwarded).
            reader_pending.lock().expect("pending lock").clear();
        });
        Ok(Self {
            stdin: Mutex::new(stdin),
            pending,
            next_id: AtomicU64::new(1),
            child: Mutex::new(child),
        })
    }

    /// Sends `message` (an object) with a fresh `id` and waits for its answer.
    async fn send(&self, mut message: Value) -> Result<Value, String> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending.lock().expect("pending lock").insert(id, tx);
        message["id"] = id.into();
        let mut line = serde_json::to_vec(&message).map_err(|e| e.to_string())?;
        line.push(b'\n');
        {
            let mut stdin = self.stdin.lock().await;
            if let Err(e) = stdin.write_all(&line).await {
                self.pending.lock().expect("pending lock").remove(&id);
                return Err(format!("edge worker is gone: {e}"));
            }
        }
        rx.await
            .unwrap_or_else(|_| Err("edge worker exited mid-request".to_owned()))
    }
}
