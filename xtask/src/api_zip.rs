//! The api's deployment artifact: `cargo lambda build --release -p api` →
//! `target/lambda/api/bootstrap.zip`, which must stay under [`API_ZIP_MAX_BYTES`] (8 MB): a small
//! zip uploads and deploys fast and leaves room below Lambda's 50 MB direct-upload limit, and a
//! size regression (a new default feature, a second TLS stack) fails the build instead of going
//! unnoticed. What makes it small is measured in docs/api.md ("Binary size").

use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

/// The limit on the api's zip, in bytes (8 MB, decimal).
pub const API_ZIP_MAX_BYTES: u64 = 8_000_000;

/// `Ok` when an artifact of `size` bytes is at most `max` bytes; otherwise the error names both in
/// bytes and MB.
pub fn check_size(artifact: &str, size: u64, max: u64) -> Result<()> {
    if size > max {
        bail!(
            "{artifact} is {size} bytes ({:.2} MB), over the limit of {max} bytes ({:.2} MB): \
             check what grew (docs/api.md, \"Binary size\")",
            size as f64 / 1e6,
            max as f64 / 1e6
        );
    }
    Ok(())
}

/// Checks the size of the api zip `cargo xtask test`'s cargo-lambda step built
/// ([`crate::lambda::check`] builds it for release, alone); returns its
/// path.
pub fn check_built() -> Result<PathBuf> {
    let api = &crate::functions::API;
    let zip = api.artifact_path();
    let label = format!("target/{}", api.artifact());
    let max = api.max_bytes().context("the api's zip has a size limit")?;
    let size = fs::metadata(&zip)
        .with_context(|| format!("cargo lambda build made no {}", zip.display()))?
        .len();
    check_size(&label, size, max)?;
    crate::sizes::record(&label, size, Some(max))?;
    eprintln!(
        "api zip: {size} bytes ({:.2} MB, limit {:.0} MB)",
        size as f64 / 1e6,
        max as f64 / 1e6
    );
    Ok(zip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zip_under_the_limit_passes() {
        assert!(check_size("api.zip", 7_400_000, API_ZIP_MAX_BYTES).is_ok());
    }

    #[test]
    fn a_zip_of_exactly_the_limit_passes() {
        assert!(check_size("api.zip", 8_000_000, API_ZIP_MAX_BYTES).is_ok());
    }

    #[test]
    fn a_zip_one_byte_over_the_limit_fails_naming_both_sizes() {
        let err = check_size("api.zip", 8_000_001, API_ZIP_MAX_BYTES).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("8000001 bytes") && text.contains("limit of 8000000 bytes"),
            "{text}"
        );
    }
}
