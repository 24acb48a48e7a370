//! `cargo xtask test` (every check and test), `demo` and `bench`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::edge::{self, EdgeArgs};
use crate::functions::{self, Function};
use crate::run::{cargo, output, root, run};
use crate::toolchain::{self, check_node, lambda_node, path_with, python_env};
use crate::{lambda, paths};

/// Options of `cargo xtask test`.
#[derive(Args)]
pub struct TestArgs {
    /// Skip `cargo fmt --check` and clippy (for a quick local loop; CI never skips them).
    #[arg(long)]
    pub no_lint: bool,
}

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
    // Every relative link and anchor in the Markdown resolves (the README indexes docs/).
    run(Command::new(&python).arg(root().join("dev/check-md-links.py")))?;
    edge::build(&EdgeArgs::default())?;
    crate::cloudfront_function::build(&Default::default())?;
    lambda::check(&path_with(&python)?, &node)?;
    // The api's deployment zip, built as it is deployed (by the cargo-lambda step), under its
    // size limit.
    crate::api_zip::check_built()?;
    // The end-to-end tests (`tests/e2e`) run the real function binaries: build them first, so
    // they never run a stale one; the variable hands each to `test_support::cargo_bin` (which
    // would otherwise build it itself). Built with every test target in one invocation: the same
    // packages and targets as `cargo test --workspace` below resolve the same features, so that
    // compiles nothing more. Building only the binaries resolved features without the
    // dev-dependencies' (tokio's `test-util` among them) and compiled the dependency tree twice.
    let binaries = e2e_binaries();
    run(cargo().args(E2E_BUILD))?;
    // The Node.js caller snippet's signer packages, pinned by its lockfile (tests/e2e runs it).
    toolchain::npm_ci_if_stale(&root().join("clients/node"))?;
    let mut test = cargo();
    // The e2e tests run the edge workers and the Node.js caller snippet on the Node.js major
    // Lambda@Edge runs: the snippet's proxy rule only has something to refuse from Node.js 22.21
    // on (Node.js 20's fetch never reads the proxy variables).
    let lambda_node = lambda_node()?;
    test.args(["test", "--workspace"])
        .env("OAC_KIT_PYTHON", &python)
        .env("OAC_KIT_NODE", &lambda_node)
        .env("OAC_KIT_EDGE_DIR", paths::edge_dir());
    for binary in &binaries {
        test.env(binary.variable(), binary.path());
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
            .env("OAC_KIT_EDGE_DIR", paths::edge_dir()))?;
    }
    cdk_tests()?;
    crate::cfn_lint::run_over_shapes(&python, &node)?;
    crate::doctor_shapes::run_over_shapes()?;
    eprintln!("all checks and tests passed");
    Ok(())
}

/// The fuzz build's own target directory (its instrumented build must not mix with the others).
pub fn fuzz_target_dir() -> PathBuf {
    paths::target_dir().join("fuzz")
}

/// A bounded run (20 s) of the identity URL validator's fuzz target, built for stable Rust with
/// libFuzzer's coverage instrumentation as `docs/identity.md` describes (no cargo-fuzz, no
/// nightly). Fails on any finding; the crash input is left under `target/fuzz/artifacts/`.
fn fuzz_validate_url() -> Result<()> {
    let dir = root().join("shared/fluid-identity/fuzz");
    let target_dir = fuzz_target_dir();
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
    edge::build(&EdgeArgs::default())?;
    let bundle = bundle_dir(&functions::BODY_HASH_EDGE)?;
    run(Command::new(node)
        .arg("functions/body-hash-edge/scripts/demo.mjs")
        .arg(bundle)
        .arg("fixtures/cloudfront"))
}

/// The body-hash bundle against a plain Node.js handler and SHA-256 alone, on the local Node.js
/// and on Node.js 22; the ip-filter bundle in KVS mode and the KVS-mode CloudFront Function
/// against the address-only ones; the viewer-mTLS Connection Function per connection; then this
/// machine's SHA-256 limit (`openssl speed`), with the
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
            .arg(bundle_dir(&functions::BODY_HASH_EDGE)?))?;
    }
    run(Command::new(&node)
        .arg("benches/ip-filter-kvs.bench.mjs")
        .arg(bundle_dir(&functions::IP_FILTER_EDGE)?))?;
    run(Command::new(&node)
        .arg("benches/ip-filter-cloudfront-function.bench.mjs")
        .arg(paths::edge_dir()))?;
    run(Command::new(&node)
        .arg("benches/viewer-mtls-connection-function.bench.mjs")
        .arg(paths::edge_dir()))?;
    run(Command::new("openssl").args(["speed", "-seconds", "3", "-bytes", "1048576", "sha256"]))?;
    run(&mut Command::new("uptime"))
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
    let dir = toolchain::cdk_dir();
    toolchain::npm_ci_if_stale(&dir)?;
    run(Command::new("npm")
        .arg("test")
        .env("OAC_KIT_EDGE_DIR", paths::edge_dir())
        .current_dir(&dir))
}

/// The one debug build of `cargo xtask test`: every binary and every test target of the
/// workspace (the e2e binaries among them), with the feature resolution `cargo test --workspace`
/// uses.
pub const E2E_BUILD: [&str; 4] = ["build", "--workspace", "--bins", "--tests"];

/// A binary the end-to-end tests (`tests/e2e`) run, built by `cargo xtask test` beforehand and
/// handed to `test_support::cargo_bin` through its variable.
pub struct E2eBinary {
    /// The binary.
    pub bin: &'static str,
}

impl E2eBinary {
    /// The variable naming the prebuilt binary (`test_support::cargo_bin::override_var`).
    pub fn variable(&self) -> String {
        format!("OAC_KIT_{}_BIN", self.bin.to_uppercase().replace('-', "_"))
    }

    /// Where the debug build puts it.
    pub fn path(&self) -> PathBuf {
        paths::profile_dir("debug").join(self.bin)
    }
}

/// Every function's `lambda_runtime` binary, then the tools the chain tests run: oac-dev and its
/// echo function, the signer CLI and `oac-kit` (the doctor's probe).
pub fn e2e_binaries() -> Vec<E2eBinary> {
    functions::lambdas()
        .map(|f| E2eBinary { bin: f.package })
        .chain([
            E2eBinary { bin: "oac-dev" },
            E2eBinary { bin: "oac-echo" },
            E2eBinary {
                bin: "fluid-identity",
            },
            E2eBinary { bin: "oac-kit" },
        ])
        .collect()
}

/// An edge bundle's directory.
fn bundle_dir(function: &Function) -> Result<PathBuf> {
    function
        .bundle_dir()
        .with_context(|| format!("{} is not an edge bundle", function.name))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_debug_build_covers_every_e2e_binary_and_the_test_targets() {
        // `--workspace --bins` builds every binary of every member, so each e2e binary must be a
        // workspace binary (not an example), and `--tests` keeps the dev-dependencies' features.
        let members = output(cargo().args(["metadata", "--no-deps", "--format-version", "1"]))
            .expect("cargo metadata");
        let metadata: serde_json::Value = serde_json::from_str(&members).unwrap();
        let bins: Vec<&str> = metadata["packages"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["targets"].as_array().unwrap())
            .filter(|t| t["kind"][0] == "bin")
            .filter_map(|t| t["name"].as_str())
            .collect();
        for binary in e2e_binaries() {
            assert!(
                bins.contains(&binary.bin),
                "{} is not a workspace binary",
                binary.bin
            );
        }
    }

    #[test]
    fn each_e2e_binary_is_handed_over_in_the_variable_test_support_reads() {
        let binaries = e2e_binaries();
        assert!(binaries.iter().any(|b| b.bin == "api"));
        for binary in binaries {
            assert_eq!(
                binary.variable(),
                test_support::cargo_bin::override_var(binary.bin)
            );
        }
    }
}
