//! The ip-filter Lambda@Edge bundle in KVS mode: Lambda@Edge has no KeyValueStore binding, so the
//! bundle fetches the store itself with SigV4a-signed `GetKey` calls. oac-dev runs the very
//! `index.mjs` and `addon.node` that were built, beside a `config.json` that adds the store
//! (`kvsArn`, `originSecretHeader`, `refreshSeconds`) and points the fetches at an in-process KVS
//! stand-in (`kvsEndpoint`, the loopback-only test option); the Node.js workers get the
//! credentials Lambda would put in their environment, and the stand-in verifies every signature
//! against them. The stand-in holds what the store holds ([`EdgeKvs::publish`]).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use ip_filter_core::kvs_config::MIN_REFRESH_SECONDS;
use ip_filter_core::origin_secret::DEFAULT_HEADER;
use kvs_standin::KvsStandIn;
use kvs_standin::store::Store;
use kvs_state_file::{Item, State};
use serde_json::{Map, Value};

use super::kvs::Items;

/// The store a bundle built without `--kvs-arn` is given.
pub const LOCAL_ARN: &str = "arn:aws:cloudfront::000000000000:key-value-store/oac-dev-local";

/// The bundle's files besides `config.json`.
const CODE: &[&str] = &["index.mjs", "addon.node"];

/// A KVS-mode copy of the ip-filter bundle and the stand-in it reads.
pub struct EdgeKvs {
    standin: KvsStandIn,
    bundle: tempfile::TempDir,
    access_key: String,
    secret_key: String,
}

impl EdgeKvs {
    /// Copies the bundle in `built` (`target/edge/ip-filter`) with a KVS `config.json` for
    /// `header`, and starts the stand-in. A bundle built with `--kvs-arn` keeps its ARN and must
    /// have been built for `header`.
    pub async fn start(built: &Path, header: &str) -> Result<Self> {
        let config_path = built.join("config.json");
        let text = std::fs::read_to_string(&config_path)
            .with_context(|| format!("reading {}", config_path.display()))?;
        let mut config: Map<String, Value> = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a JSON object", config_path.display()))?;
        let arn = match config.get("kvsArn").and_then(Value::as_str) {
            Some(arn) => arn.to_owned(),
            None => LOCAL_ARN.to_owned(),
        };
        let baked = config
            .get("originSecretHeader")
            .and_then(Value::as_str)
            .unwrap_or(DEFAULT_HEADER);
        if config.contains_key("kvsArn") && baked != header {
            bail!(
                "{} was built for the origin secret header {baked}, not {header}: rebuild it with `cargo xtask edge --kvs-arn … --origin-secret-header {header}`",
                built.display()
            );
        }
        let standin = KvsStandIn::start(&arn, None)
            .await
            .context("starting the KVS stand-in for the Lambda@Edge filter")?;
        let (access_key, secret_key) = credentials();
        standin.require_signature_by(&access_key, &secret_key);
        config.insert("kvsArn".into(), arn.into());
        config.insert("originSecretHeader".into(), header.into());
        config
            .entry("refreshSeconds")
            .or_insert(MIN_REFRESH_SECONDS.into());
        config.insert("kvsEndpoint".into(), standin.endpoint().into());
        let config = Value::Object(config).to_string();
        ip_filter_core::Config::from_json(&config)
            .map_err(|e| anyhow::anyhow!("the KVS-mode config of {}: {e}", built.display()))?;
        let bundle = tempfile::Builder::new()
            .prefix("oac-dev-ip-filter-kvs-")
            .tempdir()?;
        for file in CODE {
            std::fs::copy(built.join(file), bundle.path().join(file))
                .with_context(|| format!("copying {}", built.join(file).display()))?;
        }
        std::fs::write(bundle.path().join("config.json"), config)?;
        Ok(Self {
            standin,
            bundle,
            access_key,
            secret_key,
        })
    }

    /// The KVS-mode bundle's directory (for the Node.js workers).
    pub fn bundle_dir(&self) -> PathBuf {
        self.bundle.path().to_owned()
    }

    /// The environment Lambda gives the function: the credentials it signs `GetKey` with.
    pub fn worker_env(&self) -> Vec<(String, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID".into(), self.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY".into(), self.secret_key.clone()),
        ]
    }

    /// Makes the stand-in hold `items` (`None`: unreadable, every `GetKey` fails). Items the store
    /// model refuses (over a KVS limit) make it unreadable too.
    pub fn publish(&self, items: Option<&Items>) {
        let store = items.and_then(|items| {
            Store::from_state(State {
                etag: "oac-dev".into(),
                items: items
                    .iter()
                    .map(|(key, value)| Item {
                        key: key.clone(),
                        value: value.clone(),
                    })
                    .collect(),
            })
            .ok()
        });
        self.standin.set_unavailable(store.is_none());
        if let Some(store) = store {
            self.standin.with_store(|s| *s = store);
        }
    }
}

/// Fresh credentials for this chain (never AWS's: the stand-in is the only one that checks them).
fn credentials() -> (String, String) {
    let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    (
        format!("AKIAOACDEV{}", &id[..10]),
        uuid::Uuid::new_v4().simple().to_string(),
    )
}
