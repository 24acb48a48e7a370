//! `cargo xtask dev`: the README's first command. Builds what the local chain needs and serves
//! the Lambdalith behind it: Cloudflare filter → body-hash → OAC → Function URL → `api`.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use clap::Args;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

use ip_filter_core::origin_secret::{DEFAULT_HEADER, check_secret};
use test_support::python_script::port_of;
use test_support::standin_credentials::{self, StandInCredential};
use test_support::sts_standin;

use crate::cloudfront_function;
use crate::edge::{self, EdgeArgs};
use crate::functions::API;
use crate::paths;
use crate::run::{cargo, run};
use crate::supervise::{self, Ending, Supervisor};
use crate::toolchain::{check_node, python_env};

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
/// stand-in, and runs the chain in the foreground until Ctrl-C, SIGTERM or SIGHUP (which stop
/// oac-dev and the stand-in, [`Supervisor`]).
pub fn run_dev(args: &DevArgs) -> Result<()> {
    let node = check_node()?;
    let python = python_env()?;
    edge::build(&EdgeArgs::default())?;
    cloudfront_function::build(&Default::default())?;
    run(cargo().args([
        "build",
        "--release",
        "-p",
        API.package,
        "-p",
        "oac-dev",
        "-p",
        "fluid-identity-cli",
    ]))?;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(serve(args, &node, &python))
}

async fn serve(args: &DevArgs, node: &Path, python: &Path) -> Result<()> {
    // Before any child starts: from here on, a stop signal stops the children too.
    let mut supervisor = Supervisor::new(supervise::GRACE)?;
    let data = data_dir();
    std::fs::create_dir_all(&data)?;
    let standin = StandIn::start(python).await?;
    let sts = format!("http://127.0.0.1:{}", standin.port);
    let release = paths::profile_dir("release");
    let mut env = local_api_env(&data.join("api.sqlite"), AUDIENCE, &sts);
    // As the CDK deploys it by default: a RESPONSE_STREAM Function URL (the export and the event
    // stream stream), the api in the matching mode, Lambda's pacing and a 60 s timeout.
    env.push(("API_INVOKE_MODE", "response_stream".to_owned()));
    let mut extra: Vec<String> = [
        "--invoke-mode",
        "response-stream",
        "--function-timeout",
        "60",
    ]
    .map(str::to_owned)
    .to_vec();
    extra.extend(args.oac_dev_args.iter().cloned());
    let secret = fresh_secret()?;
    let secret_file = data.join("origin-secret");
    write_secret_file(&secret_file, &secret)?;
    let oac_dev = Launch {
        oac_dev: &release.join("oac-dev"),
        function: &release.join(API.package),
        secret_file: &secret_file,
        listen: args.listen,
        viewer_ip: args.viewer_ip,
        node,
        edge_dir: &paths::edge_dir(),
        function_env: &env,
        extra: &extra,
    }
    .command();
    let url = format!("http://{}", args.listen);
    let sign = |who: &StandInCredential| -> String {
        let (access_key_id, secret_access_key, token) = who.keys();
        let token = match token {
            Some(t) => format!("AWS_SESSION_TOKEN='{t}' "),
            None => String::new(),
        };
        format!(
            "AWS_ACCESS_KEY_ID={access_key_id} AWS_SECRET_ACCESS_KEY={secret_access_key} {token}{} sign --region us-east-1 --audience {AUDIENCE}",
            release.join("fluid-identity").display()
        )
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
         \x20 curl -s -H \"{DEFAULT_HEADER}: $SECRET\" -H \"x-fluid-identity: $READER\" '{url}/v1/audit-events?limit=10'\n\
         \x20 curl -s -H \"{DEFAULT_HEADER}: $SECRET\" -H \"x-fluid-identity: $READER\" {url}/v1/audit-events/export    # NDJSON, streamed\n\
         \x20 curl -N -H \"{DEFAULT_HEADER}: $SECRET\" -H \"x-fluid-identity: $READER\" {url}/v1/audit-events/stream    # server-sent events, until Ctrl-C\n",
        viewer = args.viewer_ip,
        db = data.join("api.sqlite").display(),
        reader = sign(standin_credentials::user()),
        writer = sign(standin_credentials::role()),
    );
    eprintln!("+ oac-dev (Ctrl-C or SIGTERM stops it and the STS stand-in)");
    let oac_dev = tokio::process::Command::from(oac_dev)
        .kill_on_drop(true)
        .spawn()
        .context("starting oac-dev")?;
    supervisor.adopt("oac-dev", oac_dev);
    supervisor.adopt("the STS stand-in", standin.child);
    let ending = supervisor.run().await?;
    let _ = std::fs::remove_file(&secret_file);
    match ending {
        Ending::Signal(signal) => {
            eprintln!("xtask dev: {signal}: oac-dev and the STS stand-in stopped");
            Ok(())
        }
        Ending::Exited(name, status) if name == "oac-dev" && status.success() => Ok(()),
        Ending::Exited(name, status) => bail!("{name} exited with {status}"),
    }
}

/// Where `cargo xtask dev` keeps the api's database and the run's origin secret.
pub fn data_dir() -> std::path::PathBuf {
    paths::target_dir().join("dev")
}

/// How `cargo xtask dev` starts oac-dev: the origin secret only by its file, never in the
/// command line (which every user of the machine can read).
struct Launch<'a> {
    oac_dev: &'a Path,
    function: &'a Path,
    secret_file: &'a Path,
    listen: SocketAddr,
    viewer_ip: IpAddr,
    node: &'a Path,
    edge_dir: &'a Path,
    function_env: &'a [(&'a str, String)],
    /// More oac-dev flags, last.
    extra: &'a [String],
}

impl Launch<'_> {
    fn command(&self) -> Command {
        let mut oac_dev = Command::new(self.oac_dev);
        oac_dev
            .arg("--origin-secret-file")
            .arg(self.secret_file)
            .arg("--listen")
            .arg(self.listen.to_string())
            .arg("--function")
            .arg(self.function)
            .arg("--viewer-ip")
            .arg(self.viewer_ip.to_string())
            .arg("--node")
            .arg(self.node)
            .arg("--edge-dir")
            .arg(self.edge_dir);
        for (k, v) in self.function_env {
            oac_dev.arg("--function-env").arg(format!("{k}={v}"));
        }
        oac_dev.args(self.extra);
        oac_dev
    }
}

/// Writes `secret` (one line) to a new file at `path` that only this user can read.
fn write_secret_file(path: &Path, secret: &str) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("removing {}", path.display()));
        }
        _ => {}
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    writeln!(file, "{secret}").with_context(|| format!("writing {}", path.display()))
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

/// The Python STS stand-in of the identity tests, serving on an ephemeral loopback port: started
/// by the tests' launcher (`test_support::sts_standin::command`), as a tokio child the
/// [`Supervisor`] can stop.
pub(crate) struct StandIn {
    child: Child,
    pub(crate) port: u16,
}

impl StandIn {
    pub(crate) async fn start(python: &Path) -> Result<Self> {
        let mut command = sts_standin::command(python, &[]);
        // Nobody reads its log here: it goes to the terminal, not into a pipe that fills up.
        command.stdin(Stdio::inherit()).stderr(Stdio::inherit());
        let mut child = tokio::process::Command::from(command)
            .kill_on_drop(true)
            .spawn()
            .context("starting the STS stand-in")?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("stand-in stdout")?)
            .read_line(&mut line)
            .await?;
        let port =
            port_of(&line).with_context(|| format!("the STS stand-in did not start: {line:?}"))?;
        Ok(Self { child, port })
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use test_support::cargo_bin::cargo_bin;
    use test_support::process::OacDev;

    use super::*;

    /// A fresh directory under the system's temporary one, for this test process.
    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-dev-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_secret_file_holds_the_secret_and_only_its_owner_may_read_it() {
        let dir = scratch("file");
        let path = dir.join("origin-secret");
        std::fs::write(&path, "an older run's secret\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let secret = fresh_secret().unwrap();
        write_secret_file(&path, &secret).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{secret}\n")
        );
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// The launcher's own command line, run with the real oac-dev (in front of oac-echo, no
    /// body-hash bundle needed): the secret is not in its argv or environment, yet it is required.
    #[test]
    fn the_launched_oac_dev_has_its_secret_from_the_file_not_its_command_line() {
        let dir = scratch("launch");
        let secret_file = dir.join("origin-secret");
        let secret = fresh_secret().unwrap();
        write_secret_file(&secret_file, &secret).unwrap();
        let edge_dir = test_support::edge_dir();
        let node = std::env::var("OAC_KIT_NODE").unwrap_or_else(|_| "node".into());
        let extra = [
            "--no-body-hash",
            "--quiet",
            "--instances",
            "1",
            "--edge-workers",
            "1",
        ]
        .map(str::to_owned);
        let command = Launch {
            oac_dev: &cargo_bin("oac-dev", "oac-dev"),
            function: &cargo_bin("oac-dev", "oac-echo"),
            secret_file: &secret_file,
            listen: "127.0.0.1:0".parse().unwrap(),
            viewer_ip: "173.245.48.1".parse().unwrap(),
            node: Path::new(&node),
            edge_dir: &edge_dir,
            function_env: &[("LOG_LEVEL", "warn".to_owned())],
            extra: &extra,
        }
        .command();
        let chain = OacDev::start(command);
        let process = chain.process();
        assert!(
            !process.command_line().contains(&secret),
            "{}",
            process.command_line()
        );
        assert!(process.environment().iter().all(|v| !v.contains(&secret)));
        let with_secret = [format!("{DEFAULT_HEADER}: {secret}")];
        assert_eq!(chain.status_of("/health", &with_secret), 200);
        assert_eq!(chain.status_of("/health", &[]), 403);
        let status = chain.stop();
        assert!(status.success(), "oac-dev on SIGTERM: {status}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn each_run_gets_its_own_secret_within_the_secret_rules() {
        let (a, b) = (fresh_secret().unwrap(), fresh_secret().unwrap());
        assert_eq!(check_secret(&a), Ok(()));
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
