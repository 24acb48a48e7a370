//! Which decisions an edge function logs: a build-time choice, because every line is paid for
//! (building it, `write(2)`, and CloudWatch Logs ingestion in every region the distribution
//! serves from). The level is the `decisionLog` member of the function's configuration JSON —
//! the bundle's `config.json` (`cargo xtask edge --decision-log LEVEL`; Lambda@Edge has no
//! environment variables) or the `lambda_runtime` binary's `*_CONFIG` variable — and is taken out
//! of it ([`split_decision_log`]) before the core parses the rest.
//!
//! ```
//! use cloudfront_event::{DecisionLogLevel, split_decision_log, with_decision_log};
//! let (level, rest) = split_decision_log(r#"{"decisionLog":"all","extraCidrs":[]}"#).unwrap();
//! assert_eq!((level, rest.as_str()), (DecisionLogLevel::All, r#"{"extraCidrs":[]}"#));
//! assert_eq!(split_decision_log("{}").unwrap().0, DecisionLogLevel::Refusals, "the default");
//! assert!(split_decision_log(r#"{"decisionLog":"some"}"#).is_err());
//! assert_eq!(with_decision_log("{}", DecisionLogLevel::Off).unwrap(), r#"{"decisionLog":"off"}"#);
//! ```

use std::fmt::Display;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::{Decision, Outcome};

/// The configuration member that holds the level.
pub const DECISION_LOG_KEY: &str = "decisionLog";

/// Which decisions get their log line ([`Decision::log_line`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DecisionLogLevel {
    /// Every decision: forwards too (one line per request).
    All,
    /// Only generated responses (403s, 4xx/5xx problems): the default. A forwarded request is
    /// seen by the origin, which logs it itself.
    #[default]
    Refusals,
    /// No decision lines (a failed store refresh is still logged: it is an error, not a
    /// decision).
    Off,
}

impl DecisionLogLevel {
    /// Every level, as written.
    pub const NAMES: [&'static str; 3] = ["all", "refusals", "off"];

    /// The level as written in the configuration.
    pub fn name(self) -> &'static str {
        match self {
            DecisionLogLevel::All => "all",
            DecisionLogLevel::Refusals => "refusals",
            DecisionLogLevel::Off => "off",
        }
    }

    /// Whether `decision` gets a line at this level.
    pub fn logs(self, decision: &Decision) -> bool {
        match self {
            DecisionLogLevel::All => true,
            DecisionLogLevel::Refusals => matches!(decision.outcome, Outcome::Respond(_)),
            DecisionLogLevel::Off => false,
        }
    }
}

/// A `decisionLog` value that is not a level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionLogError(String);

impl Display for DecisionLogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{DECISION_LOG_KEY} must be one of {:?}, got {}",
            DecisionLogLevel::NAMES,
            self.0
        )
    }
}

impl std::error::Error for DecisionLogError {}

impl FromStr for DecisionLogLevel {
    type Err = DecisionLogError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "all" => Ok(DecisionLogLevel::All),
            "refusals" => Ok(DecisionLogLevel::Refusals),
            "off" => Ok(DecisionLogLevel::Off),
            other => Err(DecisionLogError(format!("{other:?}"))),
        }
    }
}

/// The level in `config_json` (the default when absent) and the configuration without it, for
/// the core's own parser. JSON that is not an object is handed on unchanged, for the core to
/// refuse.
pub fn split_decision_log(
    config_json: &str,
) -> Result<(DecisionLogLevel, String), DecisionLogError> {
    let Ok(Value::Object(mut members)) = serde_json::from_str::<Value>(config_json) else {
        return Ok((DecisionLogLevel::default(), config_json.to_owned()));
    };
    let level = match members.remove(DECISION_LOG_KEY) {
        None => DecisionLogLevel::default(),
        Some(Value::String(name)) => name.parse()?,
        Some(other) => return Err(DecisionLogError(other.to_string())),
    };
    Ok((level, Value::Object(members).to_string()))
}

/// `config_json` (a JSON object) with `decisionLog` set to `level`, first: what the build bakes
/// into a bundle's `config.json`.
pub fn with_decision_log(
    config_json: &str,
    level: DecisionLogLevel,
) -> Result<String, serde_json::Error> {
    let members: Map<String, Value> = serde_json::from_str(config_json)?;
    let mut out = Map::new();
    out.insert(DECISION_LOG_KEY.to_owned(), Value::from(level.name()));
    out.extend(members.into_iter().filter(|(k, _)| k != DECISION_LOG_KEY));
    Ok(Value::Object(out).to_string())
}

#[cfg(test)]
mod tests {
    use problem_details::Problem;

    use super::*;
    use crate::{Reason, Response};

    fn forward() -> Decision {
        Decision::new(Outcome::forward_unchanged(), Reason::Hashed)
    }

    fn refusal() -> Decision {
        let response = Response::problem(&Problem::new("no", "No", 403));
        Decision::new(Outcome::Respond(response), Reason::NotFromCloudflare)
    }

    #[test]
    fn each_level_logs_what_it_says() {
        use DecisionLogLevel::*;
        assert_eq!(
            [All, Refusals, Off].map(|l| l.logs(&forward())),
            [true, false, false]
        );
        assert_eq!(
            [All, Refusals, Off].map(|l| l.logs(&refusal())),
            [true, true, false]
        );
    }

    #[test]
    fn every_name_parses_back_to_its_level() {
        for name in DecisionLogLevel::NAMES {
            assert_eq!(name.parse::<DecisionLogLevel>().unwrap().name(), name);
        }
    }

    #[test]
    fn a_level_that_is_not_a_string_is_refused() {
        assert!(split_decision_log(r#"{"decisionLog":1}"#).is_err());
        assert!(split_decision_log(r#"{"decisionLog":null}"#).is_err());
    }

    #[test]
    fn what_is_not_an_object_is_left_to_the_core() {
        assert_eq!(split_decision_log("[]").unwrap().1, "[]");
    }

    #[test]
    fn a_written_level_splits_back_out() {
        let json = with_decision_log(
            r#"{"kvsArn":"a","decisionLog":"all"}"#,
            DecisionLogLevel::Off,
        )
        .unwrap();
        assert_eq!(
            split_decision_log(&json).unwrap(),
            (DecisionLogLevel::Off, r#"{"kvsArn":"a"}"#.to_owned())
        );
    }
}
