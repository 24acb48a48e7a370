//! The registry held to the workspace: every function crate listed, every listed package a
//! workspace crate, every artifact where the app reads it.

use std::fs;
use std::path::Path;

use super::*;
use crate::run::root;

/// The `name` of the `[package]` in `dir/Cargo.toml`.
fn package_name(dir: &Path) -> String {
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or_else(|| panic!("{} names no package", dir.display()))
        .to_owned()
}

/// Every crate under `functions/`: its package name and directory.
fn function_crates() -> Vec<(String, PathBuf)> {
    let mut crates: Vec<(String, PathBuf)> = fs::read_dir(root().join("functions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|d| d.join("Cargo.toml").is_file())
        .map(|d| (package_name(&d), d))
        .collect();
    crates.sort();
    crates
}

#[test]
fn every_crate_under_functions_is_registered_and_each_registered_crate_fits_its_kind() {
    let crates = function_crates();
    assert!(crates.len() >= 6, "{crates:?}");
    for (package, _) in &crates {
        assert!(
            FUNCTIONS.iter().any(|f| f.package == package),
            "functions/ holds {package}, which the registry (xtask/src/functions.rs) lacks"
        );
    }
    for f in FUNCTIONS {
        let Some((_, dir)) = crates.iter().find(|(p, _)| p == f.package) else {
            assert!(
                matches!(f.kind, Kind::CloudfrontFunction { .. }),
                "{} is registered but no crate under functions/",
                f.package
            );
            continue;
        };
        match f.kind {
            Kind::Lambda { .. } => assert!(
                dir.join("src/main.rs").is_file(),
                "{}: a Lambda needs its binary (src/main.rs)",
                f.package
            ),
            Kind::EdgeBundle { .. } => assert!(
                fs::read_to_string(dir.join("Cargo.toml"))
                    .unwrap()
                    .contains("crate-type = [\"cdylib\"]"),
                "{}: an N-API addon is a cdylib",
                f.package
            ),
            Kind::CloudfrontFunction { .. } => {}
        }
    }
}

#[test]
fn every_registered_package_is_a_workspace_crate() {
    let workspace = fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let members = workspace
        .split("members = [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("the workspace lists its members");
    let names: Vec<String> = members
        .split('"')
        .skip(1)
        .step_by(2)
        .map(|dir| package_name(&root().join(dir)))
        .collect();
    for f in FUNCTIONS {
        assert!(names.iter().any(|n| n == f.package), "{}", f.package);
    }
}

#[test]
fn each_lambda_compared_with_a_bundle_has_that_bundle_and_sample_events() {
    let samples: Vec<String> = fs::read_dir(root().join("fixtures/cloudfront"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut compared = 0;
    for f in lambdas() {
        if let Kind::Lambda {
            same_as_bundle: true,
        } = f.kind
        {
            let bundle = edge_bundle(f.name).expect("an edge bundle of the same name");
            let event = bundle.trigger().expect("a bundle has a trigger").event();
            assert!(samples.iter().any(|s| s.starts_with(event)), "{event}");
            compared += 1;
        }
    }
    assert_eq!(compared, 2);
}

#[test]
fn every_addon_is_checked_and_every_viewer_bundle_is_within_the_viewer_quota() {
    for f in edge_bundles() {
        assert!(f.checks_addon(), "{}: its addon is not checked", f.name);
        if f.trigger() == Some(Trigger::Viewer) {
            let max = f.max_bytes().expect("a viewer bundle has a size limit");
            assert!(max <= crate::edge::VIEWER_ZIP_LIMIT, "{}", f.name);
        }
    }
    for f in FUNCTIONS.iter().filter(|f| f.addon().is_none()) {
        assert!(!f.checks_addon(), "{} has no addon to check", f.name);
    }
}

#[test]
fn artifacts_are_distinct() {
    let mut artifacts: Vec<String> = FUNCTIONS.iter().map(Function::artifact).collect();
    artifacts.sort();
    artifacts.dedup();
    assert_eq!(artifacts.len(), FUNCTIONS.len(), "{artifacts:?}");
}
