//! Locating another crate's built binary from a test (`CARGO_BIN_EXE_*` exists only inside the
//! binary's own crate): `cargo xtask test` builds it and names it in an environment variable.

use std::path::PathBuf;

/// The binary `name` of this workspace: `$<env_var>` if set, else `target/<profile>/<name>`
/// (`profile` is `debug` or `release`). Panics with the command that builds it when it is missing.
pub fn workspace_binary(env_var: &str, package: &str, name: &str, profile: &str) -> PathBuf {
    let path = std::env::var_os(env_var)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::repo_root().join("target").join(profile).join(name));
    assert!(
        path.is_file(),
        "the {name} binary {} is missing: run `cargo build -p {package} --bin {name}` (with \
         `--release` for a release binary) first (or set {env_var} to the built binary; `cargo xtask test` does both)",
        path.display()
    );
    path
}

/// The debug `api` binary (`OAC_KIT_API_BIN`).
pub fn api() -> PathBuf {
    workspace_binary("OAC_KIT_API_BIN", "api", "api", "debug")
}

/// The release `api` binary, what the benchmarks measure (`OAC_KIT_API_RELEASE_BIN`).
pub fn api_release() -> PathBuf {
    workspace_binary("OAC_KIT_API_RELEASE_BIN", "api", "api", "release")
}

/// The `fluid-identity` CLI (`OAC_KIT_FLUID_IDENTITY_BIN`).
pub fn fluid_identity_cli() -> PathBuf {
    workspace_binary(
        "OAC_KIT_FLUID_IDENTITY_BIN",
        "fluid-identity-cli",
        "fluid-identity",
        "debug",
    )
}
