//! The api as callers meet it — behind the whole local chain, or served directly on loopback —
//! verifying identities against the Python STS stand-in (botocore recomputes every signature).
//! Shared by the tests of `oac-client`, the CLI's `request` verb and the Python/Node snippets.
//! Large uploads go to [`Echo`] instead: the api refuses bodies over its `MAX_BODY_BYTES`
//! (64 KiB), and `oac-echo` reports the length and SHA-256 of what arrived.
#![allow(dead_code)] // each test file uses a different subset

pub mod counting_proxy;
pub mod snippet;

use std::collections::HashMap;
use std::sync::Arc;

use oac_dev::VIEWER_IP_HEADER;
use test_support::cargo_bin::cargo_bin;
use test_support::standin_credentials::StandInCredential;
use test_support::sts_standin::StandIn;

use crate::common::{self, CLOUDFLARE_V4, Running};

/// The `x-fluid-audience` the api is configured for.
pub const AUDIENCE: &str = "oac-kit-callers";
/// The STS region callers sign for.
pub const REGION: &str = "us-west-2";

/// The api's configuration: SQLite under `data`, readers = the stand-in's IAM user, writers =
/// its `deployer` role, STS = the stand-in.
fn api_env(standin: &StandIn, data: &tempfile::TempDir) -> Vec<(String, String)> {
    common::identity::api_env(standin, &data.path().join("api.sqlite"), AUDIENCE)
}

/// Where the api listens, how a caller must present itself there, and the STS stand-in.
pub struct Api {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    /// Headers every caller sends (through the chain: a Cloudflare viewer address).
    pub caller_headers: Vec<(&'static str, String)>,
    pub standin: StandIn,
    _chain: Option<Running>,
    _server: Option<tokio::task::JoinHandle<()>>,
    _data: tempfile::TempDir,
}

impl Api {
    /// The real `api` binary behind the whole chain (viewer filter, body-hash, OAC, Function URL).
    pub async fn behind_the_chain() -> Self {
        let standin = StandIn::start("normal");
        let data = tempfile::tempdir().unwrap();
        let env = api_env(&standin, &data);
        let chain = common::start(common::config(cargo_bin("api", "api"), env)).await;
        Self {
            base_url: format!("http://{}", chain.address),
            caller_headers: vec![(VIEWER_IP_HEADER, CLOUDFLARE_V4.to_owned())],
            standin,
            _chain: Some(chain),
            _server: None,
            _data: data,
        }
    }

    /// The api's router (the gate it serves with) on a loopback port, no chain in front.
    pub async fn direct() -> Self {
        let standin = StandIn::start("normal");
        let data = tempfile::tempdir().unwrap();
        let vars: HashMap<String, String> = api_env(&standin, &data).into_iter().collect();
        let config = api::config::Config::from_vars(&vars).unwrap();
        let gate = api::identity_gate(&config);
        let store = Arc::new(api::store::SqliteStore::in_memory().unwrap());
        let app = api::router(store, gate, config.max_body_bytes);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base_url: format!("http://{address}"),
            caller_headers: Vec::new(),
            standin,
            _chain: None,
            _server: Some(server),
            _data: data,
        }
    }
}

/// Where a caller sends its requests, and the headers it must add there.
pub trait Target {
    /// `http://127.0.0.1:<port>`.
    fn base_url(&self) -> &str;
    /// Headers every caller sends (through the chain: a Cloudflare viewer address).
    fn caller_headers(&self) -> &[(&'static str, String)];

    /// The caller headers as command-line arguments: `-H`, `name: value`, ….
    fn header_args(&self) -> Vec<String> {
        self.caller_headers()
            .iter()
            .flat_map(|(name, value)| ["-H".to_owned(), format!("{name}: {value}")])
            .collect()
    }
}

impl Target for Api {
    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn caller_headers(&self) -> &[(&'static str, String)] {
        &self.caller_headers
    }
}

/// `oac-echo` behind the whole chain: it answers with the length and SHA-256 of the body it got.
/// It verifies no identity (any credentials mint one), so no STS stand-in runs.
pub struct Echo {
    base_url: String,
    caller_headers: Vec<(&'static str, String)>,
    _chain: Running,
}

impl Echo {
    pub async fn behind_the_chain() -> Self {
        let chain = common::start(common::config(cargo_bin("oac-dev", "oac-echo"), vec![])).await;
        Self {
            base_url: format!("http://{}", chain.address),
            caller_headers: vec![(VIEWER_IP_HEADER, CLOUDFLARE_V4.to_owned())],
            _chain: chain,
        }
    }
}

impl Target for Echo {
    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn caller_headers(&self) -> &[(&'static str, String)] {
        &self.caller_headers
    }
}

/// The standard chain's environment variables for `who` (plus the region).
pub fn credential_env(who: &StandInCredential) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("AWS_ACCESS_KEY_ID", who.access_key_id.clone()),
        ("AWS_SECRET_ACCESS_KEY", who.secret_access_key.clone()),
        ("AWS_REGION", REGION.to_owned()),
        // botocore reads this one.
        ("AWS_DEFAULT_REGION", REGION.to_owned()),
    ];
    if let Some(token) = &who.session_token {
        env.push(("AWS_SESSION_TOKEN", token.clone()));
    }
    env
}

/// A JSON audit event.
pub const EVENT: &str =
    r#"{"action":"deploy.started","resource":"orders","detail":{"note":"Zoë ✓"}}"#;

/// `body` written to a file in `dir`, as the `--data @file` argument naming it.
pub fn data_file(dir: &tempfile::TempDir, body: &[u8]) -> String {
    let file = dir.path().join("upload.bin");
    std::fs::write(&file, body).unwrap();
    format!("@{}", file.display())
}
