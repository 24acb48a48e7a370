//! oac-dev with viewer mTLS in front of oac-echo: the Connection Function in a temporary edge
//! directory with its sidecar, its KeyValueStore a state file the test rewrites, the zone's CA
//! as the trust store, the local Cloudflare side presenting a listed certificate.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use sha2::{Digest, Sha256};
use test_support::process::OacDev;

use super::pki::{Ca, Client};

/// A bound against a hang, never a measured time.
pub const LIMIT: Duration = Duration::from_secs(30);

/// Writes the generated Connection Function (`mtls_connection_function`, what
/// `cargo xtask cloudfront-function` writes to target/edge) into `edge`, with its sidecar.
fn write_generated_function(edge: &Path) {
    let function = mtls_connection_function::generate().unwrap();
    std::fs::create_dir_all(edge).unwrap();
    std::fs::write(edge.join("viewer-mtls.connection.js"), &function.code).unwrap();
    std::fs::write(
        edge.join("viewer-mtls.connection.json"),
        function.sidecar.to_json(),
    )
    .unwrap();
}

/// Writes `code` as the Connection Function into `edge`, with a sidecar (contract 3) that
/// describes it.
fn write_function(edge: &Path, code: &str) {
    std::fs::create_dir_all(edge).unwrap();
    std::fs::write(edge.join("viewer-mtls.connection.js"), code).unwrap();
    let sidecar = serde_json::json!({
        "kind": "connection",
        "kvsKeyPrefix": "serial:",
        "readsKvs": true,
        "sizeBytes": code.len(),
        "sha256": hex::encode(Sha256::digest(code.as_bytes())),
    });
    std::fs::write(
        edge.join("viewer-mtls.connection.json"),
        sidecar.to_string(),
    )
    .unwrap();
}

/// Lists `serials` in the state file `path` (contract 2's keys and values), atomically.
pub fn list(path: &Path, serials: &[&str]) {
    let items = serials
        .iter()
        .map(|serial| kvs_state_file::Item {
            key: format!("serial:{serial}"),
            value: r#"{"notAfter":"2030-01-01T00:00:00Z","cn":"zone"}"#.to_owned(),
        })
        .collect();
    let etag = format!("e{}", fastrand::u64(..));
    kvs_state_file::write_atomic(path, &kvs_state_file::State { etag, items }).unwrap();
}

/// The running chain and its files.
pub struct World {
    pub chain: OacDev,
    pub dir: tempfile::TempDir,
    pub ca: Ca,
    /// The zone's first certificate, listed at start and presented by the Cloudflare side.
    pub zone: Client,
    pub kvs: PathBuf,
    pub server_cert: PathBuf,
    pub cloudflare: SocketAddr,
}

/// Options of a world.
#[derive(Default)]
pub struct Options {
    /// `--viewer-mtls-ignore-certificate-expiry`.
    pub ignore_expiry: bool,
    /// Another Connection Function than the generated one.
    pub function: Option<&'static str>,
}

impl World {
    /// Starts oac-dev with the zone's certificate listed.
    pub fn start(options: Options) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let ca = Ca::new(dir.path(), "zone-ca");
        let zone = ca.issue(dir.path(), "zone", (-1, 90));
        let edge = dir.path().join("edge");
        match options.function {
            Some(code) => write_function(&edge, code),
            None => write_generated_function(&edge),
        }
        let kvs = dir.path().join("kvs.json");
        list(&kvs, &[&zone.serial]);
        let server_cert = dir.path().join("server.pem");
        let mut command = Command::new(env!("CARGO_BIN_EXE_oac-dev"));
        command
            .args(["--listen", "127.0.0.1:0", "--viewer-filter", "none"])
            .args(["--no-body-hash", "--edge-workers", "1", "--instances", "1"])
            .arg("--edge-dir")
            .arg(&edge)
            .arg("--function")
            .arg(env!("CARGO_BIN_EXE_oac-echo"))
            .arg("--node")
            .arg(std::env::var("OAC_KIT_NODE").unwrap_or_else(|_| "node".into()))
            .arg("--viewer-mtls-trust-store")
            .arg(&ca.pem)
            .arg("--viewer-mtls-kvs-file")
            .arg(&kvs)
            .arg("--tls-cert-out")
            .arg(&server_cert)
            .args(["--cloudflare-listen", "127.0.0.1:0"])
            .arg("--cloudflare-client-cert")
            .arg(&zone.cert)
            .arg("--cloudflare-client-key")
            .arg(&zone.key)
            .env_remove("OAC_DEV_ORIGIN_SECRET");
        if options.ignore_expiry {
            command.arg("--viewer-mtls-ignore-certificate-expiry");
        }
        let chain = OacDev::start(command);
        let line = chain.wait_for_log("local Cloudflare side", 0, LIMIT);
        let cloudflare = line
            .rsplit_once("listening on http://")
            .and_then(|(_, address)| address.trim().parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Self {
            chain,
            dir,
            ca,
            zone,
            kvs,
            server_cert,
            cloudflare,
        }
    }

    /// A client certificate from the zone's CA.
    pub fn issue(&self, name: &str, days_from_now: (i64, i64)) -> Client {
        self.ca.issue(self.dir.path(), name, days_from_now)
    }

    /// Rewrites the store with `serials` and waits until oac-dev has re-read it.
    pub fn relist(&self, serials: &[&str]) {
        let seen = self.chain.log().len();
        list(&self.kvs, serials);
        let expected = format!("{} serial(s) listed", serials.len());
        let line = self
            .chain
            .wait_for_log("Connection Function's KeyValueStore from", seen, LIMIT);
        assert!(line.contains(&expected), "{line}");
    }

    /// Waits for the log line of a refused handshake naming `why`; the line.
    pub fn refusal(&self, seen: usize, why: &str) -> String {
        let line = self.chain.wait_for_log("handshake refused", seen, LIMIT);
        assert!(line.contains(why), "expected {why:?} in {line:?}");
        line
    }
}
