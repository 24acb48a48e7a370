//! cargo-lambda checks: `cargo-lambda.toml` is the configuration cargo-lambda really uses, and
//! `cargo lambda invoke` on the sample events gives what the edge bundle gives.

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::run::{cargo, output, root, run};

/// Port of `cargo lambda watch` during the check (its default, 9000, is often taken).
const WATCH_PORT: &str = "9127";

/// `cargo lambda build` picks up `output_format = "zip"` from cargo-lambda.toml, and the
/// `lambda_runtime` binary answers every sample event exactly as the edge bundle does.
pub fn check(path_with_cargo_lambda: &str, node: &Path) -> Result<()> {
    let root = root();
    let out_dir = root.join("target/lambda/body-hash");
    if out_dir.exists() {
        fs::remove_dir_all(&out_dir)?;
    }
    // No --output-format flag: the zip can only come from the configuration file.
    run(cargo()
        .args(["lambda", "build", "--release", "-p", "body-hash"])
        .env("PATH", path_with_cargo_lambda)
        .env_remove("CARGO_LAMBDA_GLOBAL"))?;
    ensure!(
        out_dir.join("bootstrap.zip").exists(),
        "cargo lambda build did not apply cargo-lambda.toml (no {}/bootstrap.zip)",
        out_dir.display()
    );
    eprintln!(
        "cargo-lambda.toml applied: {}/bootstrap.zip",
        out_dir.display()
    );

    // Its own process group, so stopping it also stops the function process it starts.
    let watch = WatchGuard(
        cargo()
            .args([
                "lambda",
                "watch",
                "--invoke-port",
                WATCH_PORT,
                "-p",
                "body-hash",
            ])
            .env("PATH", path_with_cargo_lambda)
            .current_dir(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .context("starting cargo lambda watch")?,
    );
    let bundle = root.join("target/edge/body-hash");
    let mut checked = 0;
    for entry in fs::read_dir(root.join("fixtures/cloudfront"))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if !name.starts_with("origin-request") {
            continue;
        }
        let from_lambda = invoke_when_ready(path_with_cargo_lambda, &path)?;
        let from_bundle = output(
            Command::new(node)
                .arg("functions/body-hash-edge/scripts/invoke.mjs")
                .arg(&bundle)
                .arg(&path),
        )?;
        let a: serde_json::Value = serde_json::from_str(&from_lambda)
            .with_context(|| format!("{name}: cargo lambda invoke printed {from_lambda}"))?;
        let b: serde_json::Value = serde_json::from_str(&from_bundle)?;
        ensure!(
            a == b,
            "{name}: lambda binary and edge bundle disagree:\n{a}\n{b}"
        );
        checked += 1;
    }
    drop(watch);
    ensure!(checked > 0, "no origin-request samples");
    eprintln!("cargo lambda invoke == edge bundle on {checked} sample events");
    Ok(())
}

/// `cargo lambda invoke`, retried while `watch` is still compiling and starting.
fn invoke_when_ready(path: &str, event: &Path) -> Result<String> {
    let started = Instant::now();
    loop {
        let out = cargo()
            .args([
                "lambda",
                "invoke",
                "body-hash",
                "--invoke-port",
                WATCH_PORT,
                "--data-file",
            ])
            .arg(event)
            .env("PATH", path)
            .current_dir(root())
            .output()?;
        if out.status.success() {
            return Ok(String::from_utf8(out.stdout)?);
        }
        if started.elapsed() > Duration::from_secs(300) {
            bail!(
                "cargo lambda invoke kept failing: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Stops `cargo lambda watch` and everything it started, however the check ends.
struct WatchGuard(Child);

impl Drop for WatchGuard {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.0.wait();
    }
}
