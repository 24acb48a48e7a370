//! Dev-only helpers of oac-kit's end-to-end tests (`tests/e2e`). A normal dependency of xtask
//! alone (a dev tool: the STS stand-in's launcher, [`sts_standin::command`]), never of what ships.
//!
//! One way to find each outside tool: the Python interpreter ([`python`]), the scripts under
//! `dev/py` ([`py_script`]), the repository root ([`repo_root`]), the build outputs
//! ([`target_dir`], [`edge_dir`]). A missing tool makes a test FAIL
//! with a message naming the fix, never skip.

use std::path::PathBuf;

/// The Python interpreter with the packages of `tests/requirements.txt`: `OAC_KIT_PYTHON`
/// (`cargo xtask test` sets it to `target/py/bin/python`), else `python3`.
pub fn python() -> String {
    std::env::var("OAC_KIT_PYTHON")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "python3".to_owned())
}

/// The repository root (this crate lives in `dev/test-support`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}

/// The cargo profile directory the running test (or bench) was built into: it runs as
/// `<target>/<profile>/deps/<test>-<hash>`.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("a test binary lives in <target>/<profile>/deps")
        .to_path_buf()
}

/// The cargo target directory the running test was built into, where the workspace's other build
/// outputs are too: `$CARGO_TARGET_DIR` or `<repo>/target`, as cargo chose it.
pub fn target_dir() -> PathBuf {
    profile_dir()
        .parent()
        .expect("<target>/<profile>")
        .to_path_buf()
}

/// The built edge artifacts (`cargo xtask edge`, `cargo xtask cloudfront-function`):
/// `$OAC_KIT_EDGE_DIR` (`cargo xtask test` sets it), else `<target>/edge`.
pub fn edge_dir() -> PathBuf {
    std::env::var_os("OAC_KIT_EDGE_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("edge"))
}

/// A script under `dev/py`, e.g. `py_script("sts_standin.py")`; panics if it is missing.
pub fn py_script(name: &str) -> PathBuf {
    let path = repo_root().join("dev/py").join(name);
    assert!(path.is_file(), "missing Python script {}", path.display());
    path
}

pub mod binary;
pub mod botocore_presign;
pub mod botocore_sigv4;
pub mod cargo_bin;
pub mod cli;
pub mod function_url_event;
#[cfg(feature = "moto")]
pub mod moto;
pub mod paced_listener;
pub mod presign;
pub mod process;
pub mod python_script;
pub mod recording_listener;
pub mod standin_credentials;
pub mod sts_standin;
pub mod transport_cases;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_dir_is_the_one_cargo_built_this_test_into() {
        let expected = std::env::var_os("CARGO_TARGET_DIR")
            .filter(|d| !d.is_empty())
            .map(|d| repo_root().join(d))
            .unwrap_or_else(|| repo_root().join("target"));
        assert_eq!(
            target_dir().canonicalize().unwrap(),
            expected.canonicalize().unwrap()
        );
        assert_eq!(profile_dir().parent(), Some(target_dir().as_path()));
    }
}
