//! The build-time configuration of an edge core, for the `lambda_runtime` binary: the same JSON
//! the edge bundle carries as `config.json` (its `decisionLog` level included), read from one
//! environment variable.

use std::fmt::Display;

use cloudfront_event::{DecisionLogLevel, split_decision_log};

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

/// Parses the value of `variable`: its `decisionLog` level
/// ([`cloudfront_event::split_decision_log`]), then the rest with the core's `parse`; unset
/// (`None`) means `{}`, the default configuration.
///
/// ```
/// use cloudfront_event::DecisionLogLevel;
/// let parse = |json: &str| if json == "{}" { Ok(0) } else { Err("not {}") };
/// assert_eq!(edge_lambda::config_from("X", None, parse), Ok((0, DecisionLogLevel::Refusals)));
/// let all = edge_lambda::config_from("X", Some(r#"{"decisionLog":"all"}"#), parse);
/// assert_eq!(all, Ok((0, DecisionLogLevel::All)));
/// let failure = edge_lambda::config_from("X", Some("[]"), parse).unwrap_err();
/// assert_eq!(failure.to_string(), "invalid X: not {}");
/// ```
pub fn config_from<C, E: Display>(
    variable: &str,
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Result<C, E>,
) -> Result<(C, DecisionLogLevel), ConfigFailure> {
    let failure = |reason: String| ConfigFailure {
        variable: variable.to_owned(),
        reason,
    };
    let (level, rest) =
        split_decision_log(value.unwrap_or("{}")).map_err(|e| failure(e.to_string()))?;
    let config = parse(&rest).map_err(|e| failure(e.to_string()))?;
    Ok((config, level))
}

/// Reads and parses `variable` into the core's configuration and the decision log level; a bad
/// configuration stops the process at init (exit status 1, the cause on stderr, prefixed with
/// `function`), so nothing is served unchecked.
pub fn config_or_exit<C, E: Display>(
    function: &str,
    variable: &str,
    parse: impl FnOnce(&str) -> Result<C, E>,
) -> (C, DecisionLogLevel) {
    let value = std::env::var(variable).ok();
    match config_from(variable, value.as_deref(), parse) {
        Ok(config) => config,
        Err(failure) => {
            eprintln!("{function}: {failure}");
            std::process::exit(1);
        }
    }
}
