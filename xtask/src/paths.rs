//! The one target-dir rule: everything cargo, cargo-lambda and xtask build, install or write
//! lives under [`target_dir`] — `$CARGO_TARGET_DIR` when set (relative to the workspace root if
//! relative), as cargo itself reads it, else `<root>/target`. Every site asks here; none joins
//! `"target"` itself. Tests and Node/CDK tools get the directories from the variables xtask sets
//! (`OAC_KIT_EDGE_DIR`, `OAC_KIT_TARGET_DIR`, `OAC_KIT_<BIN>_BIN`).

use std::path::PathBuf;

use crate::run::root;

/// Where cargo puts build output: `$CARGO_TARGET_DIR` (relative to the workspace root if
/// relative) or `<root>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

/// The real location of `label`, a path written as `target/<rest>` (how the docs and
/// `target/sizes.txt` name an output): `<target_dir>/<rest>`. Panics on a label outside
/// `target/` (a programming error: every such label is a constant).
pub fn in_target(label: &str) -> PathBuf {
    let rest = label
        .strip_prefix("target/")
        .unwrap_or_else(|| panic!("{label} is not a path under target/"));
    target_dir().join(rest)
}

/// The edge artifacts: the Lambda@Edge bundles, the CloudFront Functions and the case tables
/// (`OAC_KIT_EDGE_DIR` for the tests).
pub fn edge_dir() -> PathBuf {
    target_dir().join("edge")
}

/// cargo-lambda's output: `<lambda_dir>/<package>/bootstrap.zip`.
pub fn lambda_dir() -> PathBuf {
    target_dir().join("lambda")
}

/// cargo's output for a profile (`debug`, `release`): the binaries and libraries it built.
pub fn profile_dir(profile: &str) -> PathBuf {
    target_dir().join(profile)
}

/// Scratch space of xtask's own tests (`<target_dir>/tmp/<name>`).
#[cfg(test)]
pub fn test_scratch(name: &str) -> PathBuf {
    target_dir().join("tmp").join(name)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use super::*;

    /// What the rule should give, computed apart from [`target_dir`]: the variable as the test
    /// process got it (absolute in the re-run below), else `<root>/target`.
    fn expected_target_dir() -> PathBuf {
        std::env::var_os("CARGO_TARGET_DIR")
            .filter(|d| !d.is_empty())
            .map(|d| root().join(d))
            .unwrap_or_else(|| root().join("target"))
    }

    /// Every path xtask builds, installs or writes, as the sites resolve it.
    fn every_output_path() -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = crate::functions::FUNCTIONS
            .iter()
            .map(|f| f.artifact_path())
            .collect();
        paths.extend(crate::functions::FUNCTIONS.iter().filter_map(|f| f.addon()));
        paths.extend(crate::test::e2e_binaries().into_iter().map(|b| b.path()));
        paths.extend([
            edge_dir(),
            lambda_dir(),
            in_target(crate::sizes::FILE),
            in_target(crate::cloudfront_function::OUTPUT),
            in_target(crate::cloudfront_function::OUTPUT_KVS),
            in_target(crate::cloudfront_function::OUTPUT_CONNECTION),
            in_target(crate::serial_cases::OUTPUT),
            in_target(crate::kvs_cases::OUTPUT),
            in_target(crate::header_name_cases::OUTPUT),
            in_target(crate::kvs_arn_cases::OUTPUT),
            in_target(crate::emf_metrics::OUTPUT),
            crate::toolchain::venv_dir(),
            crate::toolchain::node22_dir(),
            crate::dev::data_dir(),
            crate::schemathesis::logs_dir(),
            crate::cfn_lint::shapes_dir(),
            crate::test::fuzz_target_dir(),
            test_scratch("x"),
        ]);
        paths
    }

    fn assert_all_under(paths: &[PathBuf], dir: &Path) {
        for path in paths {
            assert!(
                path.starts_with(dir),
                "{} is not under {}",
                path.display(),
                dir.display()
            );
        }
    }

    #[test]
    fn every_output_path_is_under_the_target_dir() {
        let expected = expected_target_dir();
        assert_eq!(target_dir(), expected);
        assert_all_under(&every_output_path(), &expected);
    }

    /// The test above, in a process of its own with `CARGO_TARGET_DIR` set to a fresh directory
    /// outside the workspace (the variable is process-wide; other tests run in parallel).
    #[test]
    fn every_output_path_follows_cargo_target_dir() {
        let elsewhere = std::env::temp_dir().join(format!("xtask-target-{}", std::process::id()));
        assert!(!elsewhere.starts_with(root()));
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "paths::tests::every_output_path_is_under_the_target_dir",
                "--exact",
                "--quiet",
            ])
            .env("CARGO_TARGET_DIR", &elsewhere)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// xtask and the tests (`test_support::target_dir`, the directory they were built into)
    /// find the same target directory.
    #[test]
    fn xtask_and_the_tests_agree_on_the_target_dir() {
        assert_eq!(
            target_dir().canonicalize().unwrap(),
            test_support::target_dir().canonicalize().unwrap()
        );
    }

    #[test]
    fn a_label_outside_target_is_refused() {
        assert!(std::panic::catch_unwind(|| in_target("edge/x.js")).is_err());
        assert_eq!(
            in_target("target/edge/x.js"),
            target_dir().join("edge/x.js")
        );
    }

    /// No site outside this module joins a `target` directory onto the root by hand.
    #[test]
    fn no_site_builds_a_target_path_by_hand() {
        let mut files = Vec::new();
        let mut dirs = vec![root().join("xtask/src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 20, "xtask/src has {} files", files.len());
        for path in files {
            if path.file_name().unwrap() == "paths.rs" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for bad in [
                ".join(\"target",
                "join(\"target/",
                "root().join(OUTPUT)",
                "root().join(FILE)",
            ] {
                assert!(
                    !text.contains(bad),
                    "{} builds a target path by hand ({bad}): use crate::paths",
                    path.display()
                );
            }
        }
    }
}
