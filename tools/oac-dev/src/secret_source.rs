//! Where oac-dev's origin secrets come from: a file (`--origin-secret-file PATH`, one secret a
//! line) or the environment ([`ENV_VAR`], separated by commas or newlines). Never the command
//! line: every user of the machine can read it (`ps`, `/proc/<pid>/cmdline`).
//!
//! What a source holds is checked as `ip_filter_core::origin_secret` says (1 or 2 distinct
//! secrets of 32–128 characters of `[A-Za-z0-9._~+/=-]`), and only their hashes are kept
//! ([`KvsSource::from_secrets`]). An error names the source, never a secret.
//!
//! ```
//! use oac_dev::secret_source::secrets_in_file_text;
//! let text = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa\nn3Xc8bV1mQ6wE9rT2yU5iO7pA4sD0fGh\n";
//! assert_eq!(secrets_in_file_text(text).len(), 2);
//! ```

use std::ffi::OsStr;
use std::path::Path;

use ip_filter_core::origin_secret::{MAX_SECRETS, SecretError};

use crate::model::KvsSource;

/// The environment variable that may hold the origin secrets (comma- or newline-separated).
pub const ENV_VAR: &str = "OAC_DEV_ORIGIN_SECRET";

/// Why the origin secrets were refused. The message names where they came from, never a value.
#[derive(Debug, thiserror::Error)]
pub enum SecretSourceError {
    /// The file could not be read (missing, a directory, not UTF-8, no permission).
    #[error("--origin-secret-file {path}: cannot read it: {source}")]
    Unreadable {
        /// The file as given.
        path: String,
        /// What reading it said.
        source: std::io::Error,
    },
    /// The source holds no secret at all.
    #[error("{origin} holds no origin secret (give 1 or {MAX_SECRETS})")]
    Empty {
        /// `--origin-secret-file PATH` or the variable's name.
        origin: String,
    },
    /// What the source holds breaks the secret rules (too many, the same twice, malformed).
    #[error("{origin}: {source}")]
    Refused {
        /// `--origin-secret-file PATH` or the variable's name.
        origin: String,
        /// The rule broken (never the secret).
        source: SecretError,
    },
    /// More than one of `--origin-secret-file`, [`ENV_VAR`] and `--kvs-file`.
    #[error(
        "give the origin secrets one way: --origin-secret-file, {ENV_VAR} or --kvs-file (found {0})"
    )]
    Ambiguous(String),
    /// A secret on the command line (`--origin-secret VALUE`, no longer taken).
    #[error(
        "--origin-secret VALUE puts the secret where every user of this machine can read it (ps): \
         put it in a file (--origin-secret-file PATH, one a line) or in {ENV_VAR}"
    )]
    OnCommandLine,
}

/// The secrets in a file's text: one a line. `\r\n` endings and a final newline are fine;
/// empty lines are skipped; anything else on a line is part of the secret (and then checked).
pub fn secrets_in_file_text(text: &str) -> Vec<&str> {
    text.lines().filter(|line| !line.is_empty()).collect()
}

/// The secrets in [`ENV_VAR`]'s value: separated by commas or newlines (empty parts skipped).
pub fn secrets_in_env_value(value: &str) -> Vec<&str> {
    value
        .split([',', '\n'])
        .map(|s| s.strip_suffix('\r').unwrap_or(s))
        .filter(|s| !s.is_empty())
        .collect()
}

/// The store for the secrets in `path` (one a line), checked.
pub fn from_file(path: &Path) -> Result<KvsSource, SecretSourceError> {
    let text = std::fs::read_to_string(path).map_err(|source| SecretSourceError::Unreadable {
        path: path.display().to_string(),
        source,
    })?;
    checked(
        &secrets_in_file_text(&text),
        format!("--origin-secret-file {}", path.display()),
    )
}

/// The store for the secrets in [`ENV_VAR`]'s `value`, checked.
pub fn from_env_value(value: &OsStr) -> Result<KvsSource, SecretSourceError> {
    let origin = ENV_VAR.to_owned();
    let Some(value) = value.to_str() else {
        return Err(SecretSourceError::Refused {
            origin,
            source: SecretError::Malformed,
        });
    };
    checked(&secrets_in_env_value(value), origin)
}

/// The KeyValueStore the flags and the environment ask for: `--origin-secret-file`, the
/// variable's value, or the KVS stand-in's state file (`--kvs-file`), exactly one of them;
/// `None` when none is given (no origin secret layer).
pub fn choose(
    secret_file: Option<&Path>,
    env_value: Option<&OsStr>,
    kvs_file: Option<&Path>,
) -> Result<Option<KvsSource>, SecretSourceError> {
    let given: Vec<&str> = [
        secret_file.map(|_| "--origin-secret-file"),
        env_value.map(|_| ENV_VAR),
        kvs_file.map(|_| "--kvs-file"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if given.len() > 1 {
        return Err(SecretSourceError::Ambiguous(given.join(" and ")));
    }
    match (secret_file, env_value, kvs_file) {
        (Some(path), _, _) => from_file(path).map(Some),
        (_, Some(value), _) => from_env_value(value).map(Some),
        (_, _, Some(path)) => Ok(Some(KvsSource::File(path.to_path_buf()))),
        (None, None, None) => Ok(None),
    }
}

fn checked(secrets: &[&str], origin: String) -> Result<KvsSource, SecretSourceError> {
    if secrets.is_empty() {
        return Err(SecretSourceError::Empty { origin });
    }
    KvsSource::from_secrets(secrets).map_err(|source| SecretSourceError::Refused { origin, source })
}

#[cfg(test)]
#[path = "secret_source_tests.rs"]
mod tests;
