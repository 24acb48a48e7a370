//! `cargo xtask test`'s Schemathesis step: the api's own OpenAPI document, with every check
//! Schemathesis has (all are on unless the configuration turns one off; `--checks all` is not
//! passed, as on a command line it would override the configuration) and the project's RFC 9457
//! check (`dev/py/schemathesis_hooks.py`), against
//! (a) the api served directly on loopback and (b) the same api behind the local chain (`oac-dev`:
//! the KVS-mode CloudFront Function with an origin secret, body-hash, OAC, the Function URL), as a
//! Cloudflare viewer sending the secret. Identities are minted for the STS stand-in. Settings:
//! `dev/py/schemathesis.toml` (deterministic generation, bounded examples); each run
//! is also bounded in time here. What is checked and what is excluded: docs/api.md.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use std::{fs, thread};

use anyhow::{Context, Result, bail};
use ip_filter_core::origin_secret::DEFAULT_HEADER;

use crate::dev::{StandIn, fresh_secret, local_api_env};
use crate::functions::API;
use crate::run::{cargo, root, run};
use crate::{paths, toolchain};

/// The audience the api under test verifies identities for (the hooks sign for it).
const AUDIENCE: &str = "oac-kit-schemathesis";
/// A Cloudflare edge address: the viewer every chain request is presented as.
const CLOUDFLARE_VIEWER: &str = "173.245.48.1";
/// The longest one Schemathesis run may take (a run takes seconds; the bound only stops a hung
/// one).
const RUN_LIMIT: Duration = Duration::from_secs(240);
/// How long Schemathesis waits for the document to be served (the chain starts the function).
const WAIT_FOR_SCHEMA_SECONDS: &str = "60";

/// `cargo xtask schemathesis`: builds what [`run_both`] needs (the venv, the edge artifacts, the
/// debug `api`), then runs it.
pub fn run_alone() -> Result<()> {
    let node = toolchain::check_node()?;
    let python = toolchain::python_env()?;
    crate::edge::build(&Default::default())?;
    crate::cloudfront_function::build(&Default::default())?;
    run(cargo().args([
        "build",
        "-p",
        API.package,
        "--bin",
        API.package,
        "-p",
        "oac-dev",
        "--bin",
        "oac-dev",
    ]))?;
    run_both(&python, &node)
}

/// Starts the STS stand-in and runs Schemathesis against the api directly and through the chain.
/// Needs the test venv (`python`, with schemathesis), the debug `api` and `oac-dev` binaries, and
/// the edge artifacts in `target/edge` — `cargo xtask test` builds them first (with the end-to-end
/// binaries: building one alone would resolve features for one package and recompile).
pub fn run_both(python: &Path, node: &Path) -> Result<()> {
    // The RFC 9457 check is itself shown to refuse what is not a problem.
    run(Command::new(python)
        .args(["-m", "unittest", "--quiet", "test_schemathesis_hooks"])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(root().join("dev/py")))?;
    let oac_dev = paths::profile_dir("debug").join("oac-dev");
    anyhow::ensure!(
        oac_dev.is_file(),
        "{} is missing: build it first (cargo xtask test does)",
        oac_dev.display()
    );
    let logs = logs_dir();
    fs::create_dir_all(&logs)?;
    // The stand-in is a tokio child (shared with `cargo xtask dev`'s supervisor): started on a
    // runtime of its own, killed when dropped.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let standin = runtime.block_on(StandIn::start(python))?;
    let sts = format!("http://127.0.0.1:{}", standin.port);
    let api = paths::profile_dir("debug").join(API.package);

    let port = free_port()?;
    let mut direct = Command::new(&api);
    direct.env("PORT", port.to_string());
    for (key, value) in api_env(&logs.join("direct.sqlite"), &sts)? {
        direct.env(key, value);
    }
    let served = Served::start("api", &mut direct, &logs)?;
    schemathesis(python, &format!("http://127.0.0.1:{port}"), None, &logs)?;
    drop(served);

    let port = free_port()?;
    let secret = fresh_secret()?;
    let mut chain = Command::new(&oac_dev);
    chain
        .args(["--listen", &format!("127.0.0.1:{port}"), "--quiet"])
        .args(["--viewer-ip", CLOUDFLARE_VIEWER])
        .arg("--function")
        .arg(&api)
        .arg("--node")
        .arg(node)
        .arg("--edge-dir")
        .arg(paths::edge_dir())
        // A fresh secret for this run, in oac-dev's environment (never its command line, which
        // `ps` shows); oac-dev keeps it from the function and the edge workers. Never printed.
        .env("OAC_DEV_ORIGIN_SECRET", &secret);
    for (key, value) in api_env(&logs.join("chain.sqlite"), &sts)? {
        chain.arg("--function-env").arg(format!("{key}={value}"));
    }
    let served = Served::start("oac-dev", &mut chain, &logs)?;
    schemathesis(
        python,
        &format!("http://127.0.0.1:{port}"),
        Some(&secret),
        &logs,
    )?;
    drop(served);
    drop(standin);
    Ok(())
}

/// Where each run's configuration and the servers' logs and databases are kept.
pub fn logs_dir() -> PathBuf {
    paths::target_dir().join("schemathesis")
}

/// The api's environment: [`local_api_env`] on a fresh SQLite file, metrics off.
fn api_env(database: &Path, sts: &str) -> Result<Vec<(&'static str, String)>> {
    for stale in ["", "-wal", "-shm"] {
        let mut path = database.as_os_str().to_owned();
        path.push(stale);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("removing {path:?}")),
        }
    }
    let mut env = local_api_env(database, AUDIENCE, sts);
    env.extend([
        // Generous: the stand-in shares the machine with the rest of the test run.
        ("IDENTITY_STS_TIMEOUT_MS", "10000".to_owned()),
        ("METRICS", "off".to_owned()),
    ]);
    Ok(env)
}

/// One Schemathesis run against `base` (the document at `base/openapi.json`); with `secret`, every
/// request carries it in the origin secret header (through the configuration, from the
/// environment: never on a command line).
fn schemathesis(python: &Path, base: &str, secret: Option<&str>, logs: &Path) -> Result<()> {
    let dev_py = root().join("dev/py");
    let name = if secret.is_some() { "chain" } else { "direct" };
    // The run's configuration: the secret header first (top-level keys precede the tables), the
    // shared settings, then the chain's own section.
    let mut config = String::new();
    if secret.is_some() {
        config.push_str(&format!(
            "headers = {{ \"{DEFAULT_HEADER}\" = \"${{OAC_KIT_ORIGIN_SECRET}}\" }}\n"
        ));
    }
    config.push_str(&fs::read_to_string(dev_py.join("schemathesis.toml"))?);
    if secret.is_some() {
        config.push_str(&fs::read_to_string(dev_py.join("schemathesis-chain.toml"))?);
    }
    let config_path = logs.join(format!("{name}.toml"));
    fs::write(&config_path, config)?;
    let mut cmd = Command::new(toolchain::venv_tool(python, "schemathesis")?);
    cmd.arg("--config-file")
        .arg(&config_path)
        .args(["run", &format!("{base}/openapi.json"), "--no-color"])
        .args(["--wait-for-schema", WAIT_FOR_SCHEMA_SECONDS])
        .env("PYTHONPATH", &dev_py)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
        .env("OAC_KIT_IDENTITY_AUDIENCE", AUDIENCE)
        .current_dir(logs);
    if let Some(secret) = secret {
        cmd.env("OAC_KIT_ORIGIN_SECRET", secret);
    }
    eprintln!(
        "+ schemathesis run {base}/openapi.json ({name}: {})",
        config_path.display()
    );
    let mut child = cmd.spawn().context("starting schemathesis")?;
    let status = wait_bounded(&mut child, RUN_LIMIT)?;
    if !status.success() {
        bail!(
            "schemathesis against the api ({name}) failed ({status}); the api's log is in {}",
            logs.display()
        );
    }
    Ok(())
}

/// Waits for `child`, killing it when `limit` has passed.
fn wait_bounded(child: &mut Child, limit: Duration) -> Result<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "schemathesis ran over {} s and was stopped",
                limit.as_secs()
            );
        }
        thread::sleep(Duration::from_millis(200));
    }
}

/// A free loopback port (the OS's choice, released for the server to take).
fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A server under test, its output in `<logs>/<name>.log`, stopped when dropped.
struct Served {
    child: Child,
}

impl Served {
    fn start(name: &str, cmd: &mut Command, logs: &Path) -> Result<Self> {
        let log: PathBuf = logs.join(format!("{name}.log"));
        let file = fs::File::create(&log)?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .current_dir(root())
            .spawn()
            .with_context(|| format!("starting {name}"))?;
        Ok(Self { child })
    }
}

impl Drop for Served {
    /// SIGINT first, as Ctrl-C would (oac-dev then stops its function instances and edge workers,
    /// which a SIGKILL would orphan); SIGKILL if it has not exited within 10 s.
    fn drop(&mut self) {
        let interrupted = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        while interrupted && Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
