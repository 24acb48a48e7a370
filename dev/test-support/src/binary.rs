//! Release binaries for the benchmarks, which measure what ships: built beforehand
//! (`cargo build --release -p …`), never by the bench. Debug binaries for tests come from
//! [`crate::cargo_bin`], which builds them when `cargo xtask test` has not.

use std::path::PathBuf;

/// The binary `name` of this workspace: `$<env_var>` if set, else `<target>/<profile>/<name>`
/// (`profile` is `debug` or `release`; [`crate::target_dir`]). Panics with the command that builds it when it is missing.
pub fn workspace_binary(env_var: &str, package: &str, name: &str, profile: &str) -> PathBuf {
    let path = std::env::var_os(env_var)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::target_dir().join(profile).join(name));
    assert!(
        path.is_file(),
        "the {name} binary {} is missing: run `cargo build -p {package} --bin {name}` (with \
         `--release` for a release binary) first (or set {env_var} to the built binary; `cargo xtask test` does both)",
        path.display()
    );
    path
}

/// The release `api` binary, what the benchmarks measure (`OAC_KIT_API_RELEASE_BIN`).
pub fn api_release() -> PathBuf {
    workspace_binary("OAC_KIT_API_RELEASE_BIN", "api", "api", "release")
}
