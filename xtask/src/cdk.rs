//! `cargo xtask synth` and `cargo xtask deploy`: build every artifact the CDK app (`infra/cdk/bin/app.ts`)
//! deploys, install the CDK packages from the lockfile if needed, then run the pinned CDK CLI
//! (`aws-cdk`, `infra/cdk/node_modules/.bin/cdk`) with every argument after `--`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Result, ensure};
use clap::Args;

use crate::cloudfront_function;
use crate::edge::{self, EdgeArgs};
use crate::run::{cargo, root, run};
use crate::test::{path_with, python_env};

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

/// One build output the app reads, relative to `target/` (as `bin/app.ts` names it).
struct Artifact {
    path: &'static str,
    builder: Builder,
}

/// Everything the app deploys. A new artifact is one line here (and its path in `bin/app.ts`).
const ARTIFACTS: &[Artifact] = &[
    Artifact {
        path: "lambda/api/bootstrap.zip",
        builder: Builder::CargoLambda("api"),
    },
    Artifact {
        path: "lambda/range-sync/bootstrap.zip",
        builder: Builder::CargoLambda("range-sync"),
    },
    Artifact {
        path: "edge/body-hash/body-hash.zip",
        builder: Builder::EdgeBundles,
    },
    Artifact {
        path: "edge/ip-filter/ip-filter.zip",
        builder: Builder::EdgeBundles,
    },
    Artifact {
        path: "edge/ip-filter.cloudfront.js",
        builder: Builder::CloudfrontFunction,
    },
    Artifact {
        path: "edge/ip-filter-kvs.cloudfront.js",
        builder: Builder::CloudfrontFunction,
    },
    // The functions' sidecars, read by the app's synth checks (lib/artifact-checks.ts).
    Artifact {
        path: "edge/ip-filter.cloudfront.json",
        builder: Builder::CloudfrontFunction,
    },
    Artifact {
        path: "edge/ip-filter-kvs.cloudfront.json",
        builder: Builder::CloudfrontFunction,
    },
];

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
fn missing(target: &Path, artifacts: &[Artifact]) -> Vec<&'static str> {
    artifacts
        .iter()
        .filter(|a| !target.join(a.path).is_file())
        .map(|a| a.path)
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
    let dir = root().join("infra/cdk");
    npm_ci_if_stale(&dir)?;
    run(Command::new(dir.join("node_modules/.bin/cdk"))
        .args(cdk_arguments(verb, &args.cdk_args))
        .env("OAC_KIT_TARGET_DIR", target_dir())
        .current_dir(&dir))
}

fn target_dir() -> PathBuf {
    root().join("target")
}

fn build_artifacts() -> Result<()> {
    let plan = plan(ARTIFACTS);
    if !plan.lambda_packages.is_empty() {
        // cargo-lambda comes from the project's venv (as `cargo xtask test` installs it).
        let python = python_env()?;
        let mut build = cargo();
        build.args(["lambda", "build", "--release"]);
        for package in &plan.lambda_packages {
            build.args(["-p", package]);
        }
        run(build.env("PATH", path_with(&python)?))?;
    }
    if plan.edge_bundles {
        edge::build(&EdgeArgs::default())?;
    }
    if plan.cloudfront_function {
        cloudfront_function::build(&Default::default())?;
    }
    let absent = missing(&target_dir(), ARTIFACTS);
    ensure!(
        absent.is_empty(),
        "the build did not produce {} under {}",
        absent.join(", "),
        target_dir().display()
    );
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use ip_filter_cloudfront_function::sidecar;

    #[test]
    fn every_artifact_the_app_reads_is_built() {
        let app = fs::read_to_string(root().join("infra/cdk/bin/app.ts")).unwrap();
        // The app names each artifact as a quoted path relative to target/.
        let read: Vec<&str> = app
            .split('\'')
            .filter(|s| s.starts_with("lambda/") || s.starts_with("edge/"))
            .collect();
        assert!(!read.is_empty(), "no artifact paths found in bin/app.ts");
        for path in read {
            assert!(
                ARTIFACTS.iter().any(|a| a.path == path),
                "bin/app.ts reads {path}, which `cargo xtask synth` does not build"
            );
        }
    }

    #[test]
    fn every_builder_runs_once_and_lambda_packages_build_together() {
        let artifacts = [
            Artifact {
                path: "lambda/api/bootstrap.zip",
                builder: Builder::CargoLambda("api"),
            },
            Artifact {
                path: "lambda/range-sync/bootstrap.zip",
                builder: Builder::CargoLambda("range-sync"),
            },
            Artifact {
                path: "edge/a.zip",
                builder: Builder::EdgeBundles,
            },
            Artifact {
                path: "edge/b.zip",
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
        let target = root().join("target/tmp/xtask-cdk-missing");
        let _ = fs::remove_dir_all(&target);
        fs::create_dir_all(target.join("edge")).unwrap();
        fs::write(
            target.join("edge/ip-filter.cloudfront.js"),
            "function handler(e) {}",
        )
        .unwrap();
        let absent = missing(&target, ARTIFACTS);
        assert!(!absent.contains(&"edge/ip-filter.cloudfront.js"));
        assert!(absent.contains(&"lambda/api/bootstrap.zip"), "{absent:?}");
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
        let functions: Vec<String> = ARTIFACTS
            .iter()
            .filter(|a| a.builder == Builder::CloudfrontFunction)
            .map(|a| format!("target/{}", a.path))
            .collect();
        let written = [cloudfront_function::OUTPUT, cloudfront_function::OUTPUT_KVS];
        let sidecars = written.map(|f| sidecar::path_beside(Path::new(f)));
        let sidecars = sidecars.iter().map(|p| p.to_str().unwrap());
        assert_eq!(
            functions,
            written.into_iter().chain(sidecars).collect::<Vec<_>>()
        );
    }
}
