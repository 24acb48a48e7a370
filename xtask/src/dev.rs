//! `cargo xtask dev`: the README's first command. Builds what the local chain needs and serves
//! the Lambdalith behind it: Cloudflare filter → body-hash → OAC → Function URL → `api`.

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};
use clap::Args;

use ip_filter_core::origin_secret::{DEFAULT_HEADER, check_secret};

use crate::cloudfront_function;
use crate::edge::{self, EdgeArgs};
use crate::run::{cargo, root, run};
use crate::test::{check_node, python_env};

/// The audience the local api verifies X-Fluid-Identity values for.
const AUDIENCE: &str = "oac-kit-dev";
/// Options of `cargo xtask dev`.
#[derive(Args)]
pub struct DevArgs {
    /// Where the emulated distribution listens.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Present every viewer as this address. The default is a Cloudflare edge address, so a local
    /// curl passes the Cloudflare-only filter; give a non-Cloudflare address to watch it refuse.
    #[arg(long, default_value = "173.245.48.1")]
    pub viewer_ip: IpAddr,
    /// Extra flags for oac-dev (e.g. `--forward-host`, `--no-body-hash`), after `--`.
    #[arg(last = true)]
    pub oac_dev_args: Vec<String>,
}

/// Builds the edge artifacts, the api, oac-dev and the signer CLI (release), starts the local STS
/// stand-in, and runs the chain in the foreground until Ctrl-C.
pub fn run_dev(args: &DevArgs) -> Result<()> {
    let node = check_node()?;
    let python = python_env()?;
    edge::build(&EdgeArgs::default())?;
    cloudfront_function::build(&Default::default())?;
    run(cargo().args([
        "build",
        "--release",
        "-p",
        "api",
        "-p",
        "oac-dev",
        "-p",
        "fluid-identity-cli",
    ]))?;

    let root = root();
    let data = root.join("target/dev");
    std::fs::create_dir_all(&data)?;
    let mut standin = StandIn::start(&python)?;
    let sts = format!("http://127.0.0.1:{}", standin.port);
    let release = root.join("target/release");
    let env = local_api_env(&data.join("api.sqlite"), AUDIENCE, &sts);
    let secret = fresh_secret()?;
    let mut oac_dev = Command::new(release.join("oac-dev"));
    oac_dev
        .arg("--origin-secret")
        .arg(&secret)
        .arg("--listen")
        .arg(args.listen.to_string())
        .arg("--function")
        .arg(release.join("api"))
        .arg("--viewer-ip")
        .arg(args.viewer_ip.to_string())
        .arg("--node")
        .arg(&node)
        .arg("--edge-dir")
        .arg(root.join("target/edge"));
    for (k, v) in &env {
        oac_dev.arg("--function-env").arg(format!("{k}={v}"));
    }
    oac_dev.args(&args.oac_dev_args);

    let url = format!("http://{}", args.listen);
    let credentials = standin_credentials()?;
    let sign = |who: &str| -> Result<String> {
        let keys = &credentials[who];
        let field = |name: &str| {
            keys[name]
                .as_str()
                .with_context(|| format!("standin_credentials.json: {who}.{name} is not a string"))
        };
        let token = match keys["session_token"].as_str() {
            Some(t) => format!("AWS_SESSION_TOKEN='{t}' "),
            None => String::new(),
        };
        Ok(format!(
            "AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} {token}{} sign --region us-east-1 --audience {AUDIENCE}",
            field("access_key_id")?,
            field("secret_access_key")?,
            release.join("fluid-identity").display()
        ))
    };
    eprintln!(
        "\n\
         oac-kit local chain: {url}\n\
         viewers are presented as {viewer} (Cloudflare); the api stores in {db}\n\
         X-Fluid-Identity values are checked by a local STS stand-in at {sts} (test credentials only)\n\
         every request needs the origin secret in {DEFAULT_HEADER} (as our Cloudflare zone adds it; a fresh one each run)\n\n\
         try:\n\
         \x20 SECRET='{secret}'\n\
         \x20 curl -i -H \"{DEFAULT_HEADER}: $SECRET\" {url}/health\n\
         \x20 curl -i {url}/health    # no secret: 403, as for a caller that skips our zone\n\
         \x20 curl -s -H \"{DEFAULT_HEADER}: $SECRET\" {url}/openapi.json | head -c 300\n\
         \x20 READER=$({reader})\n\
         \x20 curl -s -H \"{DEFAULT_HEADER}: $SECRET\" -H \"x-fluid-identity: $READER\" {url}/v1/whoami\n\
         \x20 WRITER=$({writer})\n\
         \x20 curl -s -H \"{DEFAULT_HEADER}: $SECRET\" -H \"x-fluid-identity: $WRITER\" -H 'content-type: application/json' -H 'idempotency-key: demo-1' \\\n\
         \x20      -d '{{\"action\":\"deploy\",\"resource\":\"orders-api\"}}' {url}/v1/audit-events\n\
         \x20 curl -s -H \"{DEFAULT_HEADER}: $SECRET\" -H \"x-fluid-identity: $READER\" '{url}/v1/audit-events?limit=10'\n",
        viewer = args.viewer_ip,
        db = data.join("api.sqlite").display(),
        reader = sign("user")?,
        writer = sign("role")?,
    );
    eprintln!("+ oac-dev (Ctrl-C stops it)");
    let status = oac_dev.status().context("starting oac-dev")?;
    standin.stop();
    if !status.success() {
        bail!("oac-dev exited with {status}");
    }
    Ok(())
}

/// The api's environment for a local run: SQLite at `sqlite`, identities for `audience` checked
/// by the STS stand-in at `sts`, its IAM users under `eng/` as readers and its `deployer` role as
/// writer (the users of `dev/py/standin_credentials.json`).
pub(crate) fn local_api_env(
    sqlite: &Path,
    audience: &str,
    sts: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("STORE", "sqlite".to_owned()),
        ("SQLITE_PATH", sqlite.display().to_string()),
        ("IDENTITY_AUDIENCE", audience.to_owned()),
        (
            "IDENTITY_READERS",
            "arn:aws:iam::111122223333:user/eng/*".to_owned(),
        ),
        (
            "IDENTITY_WRITERS",
            "arn:aws:iam::111122223333:role/deployer".to_owned(),
        ),
        ("UNSAFE_STS_ENDPOINT_OVERRIDE", sts.to_owned()),
        ("LOG_LEVEL", "warn".to_owned()),
    ]
}

/// A fresh origin secret for this run: 32 bytes from the OS's RNG as 64 hex digits (within the
/// secret rules of `ip_filter_core::origin_secret`).
pub(crate) fn fresh_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the OS random number generator: {e}"))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    check_secret(&secret)?;
    Ok(secret)
}

/// The test credentials the STS stand-in knows (`dev/py/standin_credentials.json`, the one copy
/// the stand-in and the tests read too; not AWS credentials: they exist only there).
fn standin_credentials() -> Result<serde_json::Value> {
    let path = root().join("dev/py/standin_credentials.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The Python STS stand-in of the identity tests, serving on an ephemeral loopback port.
pub(crate) struct StandIn {
    child: Child,
    pub(crate) port: u16,
}

impl StandIn {
    pub(crate) fn start(python: &Path) -> Result<Self> {
        let script = root().join("dev/py/sts_standin.py");
        let mut child = Command::new(python)
            .arg(script)
            .stdout(Stdio::piped())
            .spawn()
            .context("starting the STS stand-in")?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("stand-in stdout")?).read_line(&mut line)?;
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .with_context(|| format!("the STS stand-in did not start: {line:?}"))?;
        Ok(Self { child, port })
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_run_gets_its_own_secret_within_the_secret_rules() {
        let (a, b) = (fresh_secret().unwrap(), fresh_secret().unwrap());
        assert_eq!(check_secret(&a), Ok(()));
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
