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

use crate::model::Items;

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
        // Checked as the bundle checks it at init: the decision log level apart, the rest by the
        // core's own parser.
        let (_, core_config) = cloudfront_event::split_decision_log(&config)
            .map_err(|e| anyhow::anyhow!("the KVS-mode config of {}: {e}", built.display()))?;
        ip_filter_core::Config::from_json(&core_config)
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

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A stand-in for a built bundle: the files, and `config` as its `config.json`.
    fn built(config: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in CODE {
            std::fs::write(dir.path().join(file), "code").unwrap();
        }
        std::fs::write(dir.path().join("config.json"), config).unwrap();
        dir
    }

    /// The status of an unsigned GetKey on `endpoint` (`http://127.0.0.1:<port>`).
    async fn unsigned_get_status(endpoint: &str) -> String {
        let address = endpoint.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let path = format!(
            "/key-value-stores/{}/keys/origin-secrets",
            LOCAL_ARN.replace('/', "%2F")
        );
        let request =
            format!("GET {path} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer.split(' ').nth(1).unwrap_or_default().to_owned()
    }

    #[tokio::test]
    async fn the_copy_reads_the_stand_in_with_the_bundles_own_options() {
        let bundle = built(r#"{"extraCidrs":["198.51.100.0/24"]}"#);
        let edge = EdgeKvs::start(bundle.path(), "x-zone-key").await.unwrap();
        let config: Value = serde_json::from_str(
            &std::fs::read_to_string(edge.bundle_dir().join("config.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(config["extraCidrs"][0], "198.51.100.0/24");
        assert_eq!(config["kvsArn"], LOCAL_ARN);
        assert_eq!(config["originSecretHeader"], "x-zone-key");
        assert_eq!(config["refreshSeconds"], MIN_REFRESH_SECONDS);
        assert_eq!(config["kvsEndpoint"], edge.standin.endpoint());
        let env = edge.worker_env();
        assert!(env.iter().any(|(k, _)| k == "AWS_ACCESS_KEY_ID"));
    }

    #[tokio::test]
    async fn a_bundle_built_for_another_header_is_refused() {
        let bundle = built(&format!(
            r#"{{"extraCidrs":[],"kvsArn":"{LOCAL_ARN}","originSecretHeader":"x-zone-key"}}"#
        ));
        let Err(e) = EdgeKvs::start(bundle.path(), "x-origin-secret").await else {
            panic!("a bundle checking another header was accepted");
        };
        assert!(e.to_string().contains("x-zone-key"), "{e:#}");
    }

    #[tokio::test]
    async fn an_unreadable_store_fails_every_get_key() {
        let bundle = built(r#"{"extraCidrs":[]}"#);
        let edge = EdgeKvs::start(bundle.path(), DEFAULT_HEADER).await.unwrap();
        let endpoint = edge.standin.endpoint();
        edge.publish(None);
        assert_eq!(unsigned_get_status(&endpoint).await, "500");
        edge.publish(Some(&vec![("origin-secrets".into(), "v".into())]));
        // Readable again: the unsigned request now meets the signature check.
        assert_eq!(unsigned_get_status(&endpoint).await, "403");
    }
}
