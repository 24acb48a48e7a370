//! oac-kit's end-to-end tests live in `tests/e2e/tests/`, one file per scenario family. They need
//! what `cargo xtask test` prepares: `OAC_KIT_PYTHON` (a venv with `tests/requirements.txt`),
//! `OAC_KIT_EDGE_DIR` (the built edge bundles) and `OAC_KIT_API_BIN` (the `api` binary). Every
//! other crate's `cargo test -p` needs only the Rust toolchain.
