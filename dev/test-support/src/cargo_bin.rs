//! Another workspace crate's binary for a test: `CARGO_BIN_EXE_*` only names the binaries of
//! the crate under test, so end-to-end tests locate (or build) the others here.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

/// Binaries already located in this test process, by name.
static LOCATED: Mutex<Option<HashMap<String, PathBuf>>> = Mutex::new(None);

/// The environment variable naming a prebuilt `bin`: `OAC_KIT_<BIN>_BIN` (`api` →
/// `OAC_KIT_API_BIN`, `oac-echo` → `OAC_KIT_OAC_ECHO_BIN`).
pub fn override_var(bin: &str) -> String {
    format!("OAC_KIT_{}_BIN", bin.to_uppercase().replace('-', "_"))
}

/// The binary `bin` of workspace package `package`: the path in `OAC_KIT_<BIN>_BIN` when set
/// (`cargo xtask test` sets `OAC_KIT_API_BIN`), else built once per test process with
/// `cargo build -p <package> --bin <bin>` into this test's target directory and profile, so it
/// is never stale. Panics with the cause if the binary is missing or does not build.
pub fn cargo_bin(package: &str, bin: &str) -> PathBuf {
    let mut located = LOCATED.lock().unwrap_or_else(|e| e.into_inner());
    let located = located.get_or_insert_with(HashMap::new);
    if let Some(path) = located.get(bin) {
        return path.clone();
    }
    let path = match std::env::var_os(override_var(bin)).filter(|p| !p.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => build(package, bin),
    };
    assert!(
        path.is_file(),
        "the {bin} binary {} is missing (unset {} to build it, or build it: `cargo build -p \
         {package} --bin {bin}`)",
        path.display(),
        override_var(bin)
    );
    located.insert(bin.to_owned(), path.clone());
    path
}

/// Builds `bin` with the profile of the running test, into its target directory.
fn build(package: &str, bin: &str) -> PathBuf {
    let profile_dir = crate::profile_dir();
    let target_dir = crate::target_dir();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--quiet", "-p", package, "--bin", bin])
        .arg("--target-dir")
        .arg(&target_dir)
        .current_dir(crate::repo_root());
    // What cargo sets for the running test (its manifest dir, package, …) would reach the
    // build scripts that track them (ring's tracks CARGO_MANIFEST_DIR) and rebuild half the tree
    // here and again at the next plain `cargo build`.
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_set_for_a_running_crate) {
            command.env_remove(name);
        }
    }
    if profile_dir.file_name().is_some_and(|p| p == "release") {
        command.arg("--release");
    }
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("cannot run cargo to build {bin}: {e}"));
    assert!(
        status.success(),
        "`cargo build -p {package} --bin {bin}` failed"
    );
    profile_dir.join(format!("{bin}{}", std::env::consts::EXE_SUFFIX))
}

/// Whether cargo sets the variable `name` for a crate it builds or runs (and not for itself).
fn is_set_for_a_running_crate(name: &str) -> bool {
    const EXACT: [&str; 8] = [
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_MANIFEST_LINKS",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "OUT_DIR",
    ];
    EXACT.contains(&name) || name.starts_with("CARGO_PKG_") || name.starts_with("CARGO_BIN_EXE_")
}

#[cfg(test)]
mod tests {
    use super::{is_set_for_a_running_crate, override_var};

    #[test]
    fn the_running_tests_manifest_dir_is_not_passed_to_the_build() {
        assert!(is_set_for_a_running_crate("CARGO_MANIFEST_DIR"));
        assert!(is_set_for_a_running_crate("CARGO_PKG_NAME"));
    }

    #[test]
    fn cargos_own_configuration_is_passed_to_the_build() {
        assert!(!is_set_for_a_running_crate("CARGO_HOME"));
        assert!(!is_set_for_a_running_crate("CARGO_TARGET_DIR"));
    }

    #[test]
    fn the_override_of_api_is_the_variable_xtask_sets() {
        assert_eq!(override_var("api"), "OAC_KIT_API_BIN");
    }

    #[test]
    fn dashes_in_a_binary_name_become_underscores() {
        assert_eq!(override_var("oac-echo"), "OAC_KIT_OAC_ECHO_BIN");
    }
}
