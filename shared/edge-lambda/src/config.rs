//! The build-time configuration of an edge core, for the `lambda_runtime` binary: the same JSON
//! the edge bundle carries as `config.json`, read from one environment variable.

use std::fmt::Display;

/// A configuration the function must not start with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFailure {
    /// The environment variable it came from.
    pub variable: String,
    /// Why the core's parser refused it.
    pub reason: String,
}

impl Display for ConfigFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid {}: {}", self.variable, self.reason)
    }
}

impl std::error::Error for ConfigFailure {}

/// Parses the value of `variable` with the core's `parse`; unset (`None`) means `{}`, the
/// default configuration.
///
/// ```
/// let parse = |json: &str| if json == "{}" { Ok(0) } else { Err("not {}") };
/// assert_eq!(edge_lambda::config_from("X", None, parse), Ok(0));
/// let failure = edge_lambda::config_from("X", Some("[]"), parse).unwrap_err();
/// assert_eq!(failure.to_string(), "invalid X: not {}");
/// ```
pub fn config_from<C, E: Display>(
    variable: &str,
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Result<C, E>,
) -> Result<C, ConfigFailure> {
    parse(value.unwrap_or("{}")).map_err(|e| ConfigFailure {
        variable: variable.to_owned(),
        reason: e.to_string(),
    })
}

/// Reads and parses `variable`; a bad configuration stops the process at init (exit status 1,
/// the cause on stderr, prefixed with `function`), so nothing is served unchecked.
pub fn config_or_exit<C, E: Display>(
    function: &str,
    variable: &str,
    parse: impl FnOnce(&str) -> Result<C, E>,
) -> C {
    let value = std::env::var(variable).ok();
    match config_from(variable, value.as_deref(), parse) {
        Ok(config) => config,
        Err(failure) => {
            eprintln!("{function}: {failure}");
            std::process::exit(1);
        }
    }
}
