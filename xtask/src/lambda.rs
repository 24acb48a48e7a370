//! cargo-lambda checks: `cargo-lambda.toml` is the configuration cargo-lambda really uses, and
//! `cargo lambda invoke` of each edge function's `lambda_runtime` binary on its sample events gives
//! exactly what its edge bundle gives (one core, two adapters, same answers).

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::functions::{self, Kind};
use crate::paths;
use crate::run::{cargo, output, root, run};

/// Port of `cargo lambda watch` during the check (its default, 9000, is often taken).
const WATCH_PORT: &str = "9127";

/// `cargo lambda build` picks up `output_format = "zip"` from cargo-lambda.toml, and each
/// `lambda_runtime` binary answers every sample event exactly as its edge bundle does.
pub fn check(path_with_cargo_lambda: &str, node: &Path) -> Result<()> {
    // The api alone is built for release here (its zip is size-checked, and it shows the
    // configuration file applies): the release build with the deployment profile (thin LTO, one
    // codegen unit) is the slowest step of the test, and every other function is compiled (debug)
    // and run by the tests already; `cargo xtask synth`/`deploy` build them all for release.
    let built = [&functions::API];
    let mut build = cargo();
    build.args(["lambda", "build", "--release"]);
    for function in built {
        let out_dir = paths::lambda_dir().join(function.package);
        if out_dir.exists() {
            fs::remove_dir_all(&out_dir)?;
        }
        build.args(["-p", function.package]);
    }
    // No --output-format flag: the zip can only come from the configuration file.
    run(build
        .env("PATH", path_with_cargo_lambda)
        .env_remove("CARGO_LAMBDA_GLOBAL"))?;
    for function in built {
        let zip = function.artifact_path();
        ensure!(
            zip.exists(),
            "cargo lambda build did not apply cargo-lambda.toml (no {})",
            zip.display()
        );
    }
    eprintln!("cargo-lambda.toml applied: target/lambda/<function>/bootstrap.zip");
    for function in functions::lambdas() {
        if let Kind::Lambda {
            same_as_bundle: true,
        } = function.kind
        {
            let bundle = functions::edge_bundle(function.name)
                .with_context(|| format!("{} has no edge bundle", function.name))?;
            let (Some(dir), Some(trigger)) = (bundle.bundle_dir(), bundle.trigger()) else {
                bail!("{} is not an edge bundle", bundle.name);
            };
            compare_with_bundle(
                path_with_cargo_lambda,
                node,
                function.package,
                &dir,
                trigger.event(),
            )?;
        }
    }
    Ok(())
}

fn compare_with_bundle(
    path: &str,
    node: &Path,
    function: &str,
    bundle: &Path,
    prefix: &str,
) -> Result<()> {
    let root = root();
    // Its own process group, so stopping it also stops the function process it starts.
    let watch = WatchGuard(
        cargo()
            .args([
                "lambda",
                "watch",
                "--invoke-port",
                WATCH_PORT,
                "-p",
                function,
            ])
            .env("PATH", path)
            .current_dir(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .context("starting cargo lambda watch")?,
    );
    let mut checked = 0;
    for entry in fs::read_dir(root.join("fixtures/cloudfront"))? {
        let path_buf = entry?.path();
        let name = path_buf
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if !name.starts_with(prefix) {
            continue;
        }
        let from_lambda = invoke_when_ready(path, function, &path_buf)?;
        let from_bundle = output(
            Command::new(node)
                .arg("shared/edge-napi/js/invoke.mjs")
                .arg(bundle)
                .arg(&path_buf),
        )?;
        let a: serde_json::Value = serde_json::from_str(&from_lambda)
            .with_context(|| format!("{name}: cargo lambda invoke printed {from_lambda}"))?;
        let b: serde_json::Value = serde_json::from_str(&from_bundle)?;
        ensure!(
            a == b,
            "{function} {name}: lambda binary and edge bundle disagree:\n{a}\n{b}"
        );
        checked += 1;
    }
    drop(watch);
    ensure!(checked > 0, "no {prefix} samples");
    eprintln!("{function}: cargo lambda invoke == edge bundle on {checked} sample events");
    Ok(())
}

/// `cargo lambda invoke`, retried while `watch` is still compiling and starting.
fn invoke_when_ready(path: &str, function: &str, event: &Path) -> Result<String> {
    let started = Instant::now();
    loop {
        let out = cargo()
            .args([
                "lambda",
                "invoke",
                function,
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
