//! `cargo xtask synth` and `cargo xtask deploy`: build every artifact the CDK app (`infra/cdk/bin/app.ts`)
//! deploys, install the CDK packages from the lockfile if needed, then run the pinned CDK CLI
//! (`aws-cdk`, `infra/cdk/node_modules/.bin/cdk`) with every argument after `--`.

use std::path::Path;
use std::process::Command;

use anyhow::{Result, ensure};
use clap::Args;

use crate::cloudfront_function;
use crate::edge::{self, EdgeArgs};
use crate::functions::{self, Kind};
use crate::run::{cargo, run};
use crate::{paths, toolchain};
use function_sidecar as sidecar;

/// Options of `cargo xtask synth` / `deploy`.
#[derive(Args)]
pub struct CdkArgs {
    /// Arguments for the CDK CLI, after `--` (e.g. `--all`, `-c readers=…`, `--profile prod`).
    #[arg(last = true)]
    pub cdk_args: Vec<String>,
}

/// What builds an artifact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Builder {
    /// `cargo lambda build --release -p <package>` (zipped by cargo-lambda.toml).
    CargoLambda(&'static str),
    /// `cargo xtask edge`: every Lambda@Edge bundle.
    EdgeBundles,
    /// `cargo xtask cloudfront-function`.
    CloudfrontFunction,
}

/// One build output the app reads, relative to the target directory (as `bin/app.ts` names it).
struct Artifact {
    path: String,
    builder: Builder,
}

/// Everything the app deploys: the deployed functions of the registry
/// ([`functions::FUNCTIONS`]; a new artifact is a function there, and its path in `bin/app.ts`),
/// and beside each CloudFront Function its sidecar, which the app's synth checks read
/// (`lib/artifact-checks.ts`).
fn artifacts() -> Vec<Artifact> {
    let mut artifacts = Vec::new();
    for f in functions::FUNCTIONS.iter().filter(|f| f.deployed) {
        let builder = match f.kind {
            Kind::Lambda { .. } => Builder::CargoLambda(f.package),
            Kind::EdgeBundle { .. } => Builder::EdgeBundles,
            Kind::CloudfrontFunction { .. } => Builder::CloudfrontFunction,
        };
        let path = f.artifact();
        if builder == Builder::CloudfrontFunction {
            let sidecar = sidecar::path_beside(Path::new(&path));
            artifacts.push(Artifact {
                path: sidecar
                    .to_str()
                    .expect("artifact paths are UTF-8")
                    .to_owned(),
                builder,
            });
        }
        artifacts.push(Artifact { path, builder });
    }
    artifacts
}

/// The builds to run for `artifacts`, each once, in a fixed order: the cargo-lambda packages
/// together (one cargo invocation), then the edge bundles, then the CloudFront Function.
#[derive(Debug, PartialEq, Eq)]
struct BuildPlan {
    lambda_packages: Vec<&'static str>,
    edge_bundles: bool,
    cloudfront_function: bool,
}

fn plan(artifacts: &[Artifact]) -> BuildPlan {
    let mut lambda_packages = Vec::new();
    for a in artifacts {
        if let Builder::CargoLambda(package) = a.builder
            && !lambda_packages.contains(&package)
        {
            lambda_packages.push(package);
        }
    }
    BuildPlan {
        lambda_packages,
        edge_bundles: artifacts.iter().any(|a| a.builder == Builder::EdgeBundles),
        cloudfront_function: artifacts
            .iter()
            .any(|a| a.builder == Builder::CloudfrontFunction),
    }
}

/// The artifacts not present under `target` (a build that "succeeded" without writing one).
fn missing(target: &Path, artifacts: &[Artifact]) -> Vec<String> {
    artifacts
        .iter()
        .filter(|a| !target.join(&a.path).is_file())
        .map(|a| a.path.clone())
        .collect()
}

/// `cdk <verb> <passthrough…>`, arguments in the order given.
fn cdk_arguments(verb: &str, passthrough: &[String]) -> Vec<String> {
    std::iter::once(verb.to_owned())
        .chain(passthrough.iter().cloned())
        .collect()
}

/// Builds every artifact, then runs `cdk <verb>` with the passed-through arguments.
pub fn build_and_run(verb: &str, args: &CdkArgs) -> Result<()> {
    build_artifacts()?;
    let cdk = toolchain::cdk_cli()?;
    run(Command::new(cdk)
        .args(cdk_arguments(verb, &args.cdk_args))
        .env("OAC_KIT_TARGET_DIR", paths::target_dir())
        .current_dir(toolchain::cdk_dir()))
}

fn build_artifacts() -> Result<()> {
    let artifacts = artifacts();
    let plan = plan(&artifacts);
    if !plan.lambda_packages.is_empty() {
        // cargo-lambda comes from the project's venv (as `cargo xtask test` installs it).
        let python = toolchain::python_env()?;
        let mut build = cargo();
        build.args(["lambda", "build", "--release"]);
        for package in &plan.lambda_packages {
            build.args(["-p", package]);
        }
        run(build.env("PATH", toolchain::path_with(&python)?))?;
    }
    if plan.edge_bundles {
        edge::build(&EdgeArgs::default())?;
    }
    if plan.cloudfront_function {
        cloudfront_function::build(&Default::default())?;
    }
    let target = paths::target_dir();
    let absent = missing(&target, &artifacts);
    ensure!(
        absent.is_empty(),
        "the build did not produce {} under {}",
        absent.join(", "),
        target.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::run::root;

    #[test]
    fn every_artifact_the_app_reads_is_built() {
        let app = fs::read_to_string(root().join("infra/cdk/bin/app.ts")).unwrap();
        // The app names each artifact as a quoted path relative to target/.
        let read: Vec<&str> = app
            .split('\'')
            .filter(|s| s.starts_with("lambda/") || s.starts_with("edge/"))
            .collect();
        assert!(!read.is_empty(), "no artifact paths found in bin/app.ts");
        let artifacts = artifacts();
        for path in read {
            assert!(
                artifacts.iter().any(|a| a.path == path),
                "bin/app.ts reads {path}, which `cargo xtask synth` does not build"
            );
        }
    }

    #[test]
    fn every_builder_runs_once_and_lambda_packages_build_together() {
        let artifacts = [
            Artifact {
                path: "lambda/api/bootstrap.zip".into(),
                builder: Builder::CargoLambda("api"),
            },
            Artifact {
                path: "lambda/range-sync/bootstrap.zip".into(),
                builder: Builder::CargoLambda("range-sync"),
            },
            Artifact {
                path: "edge/a.zip".into(),
                builder: Builder::EdgeBundles,
            },
            Artifact {
                path: "edge/b.zip".into(),
                builder: Builder::EdgeBundles,
            },
        ];
        assert_eq!(
            plan(&artifacts),
            BuildPlan {
                lambda_packages: vec!["api", "range-sync"],
                edge_bundles: true,
                cloudfront_function: false,
            }
        );
    }

    #[test]
    fn an_artifact_the_build_did_not_write_is_reported() {
        let target = paths::test_scratch("xtask-cdk-missing");
        let _ = fs::remove_dir_all(&target);
        fs::create_dir_all(target.join("edge")).unwrap();
        fs::write(
            target.join("edge/ip-filter.cloudfront.js"),
            "function handler(e) {}",
        )
        .unwrap();
        let absent = missing(&target, &artifacts());
        assert!(!absent.iter().any(|a| a == "edge/ip-filter.cloudfront.js"));
        assert!(
            absent.iter().any(|a| a == "lambda/api/bootstrap.zip"),
            "{absent:?}"
        );
    }

    #[test]
    fn cdk_arguments_pass_through_in_order() {
        let passthrough: Vec<String> = [
            "--all",
            "-c",
            "readers=arn:aws:iam::1:role/*",
            "--profile",
            "prod",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            cdk_arguments("deploy", &passthrough),
            [
                "deploy",
                "--all",
                "-c",
                "readers=arn:aws:iam::1:role/*",
                "--profile",
                "prod"
            ]
        );
    }

    #[test]
    fn each_builder_writes_where_the_artifact_list_says() {
        let mut functions: Vec<String> = artifacts()
            .iter()
            .filter(|a| a.builder == Builder::CloudfrontFunction)
            .map(|a| format!("target/{}", a.path))
            .collect();
        let written = [
            cloudfront_function::OUTPUT,
            cloudfront_function::OUTPUT_KVS,
            cloudfront_function::OUTPUT_CONNECTION,
        ];
        let sidecars = written.map(|f| sidecar::path_beside(Path::new(f)));
        let sidecars = sidecars.iter().map(|p| p.to_str().unwrap());
        let mut expected: Vec<String> = written
            .into_iter()
            .chain(sidecars)
            .map(String::from)
            .collect();
        functions.sort();
        expected.sort();
        assert_eq!(functions, expected);
    }
}
