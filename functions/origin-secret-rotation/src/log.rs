//! The one JSON line each step logs: the step, how it ended, and why (a named reason and its
//! message). Built only from names and error messages that never hold the secret or the
//! Cloudflare token (the SecretString is never formatted; `cloudflare_api`'s errors redact).

use serde::Serialize;

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// It did its work.
    Done,
    /// There was nothing left to do (a repeated step, or the rotation already finished).
    NothingToDo,
    /// It failed; the old secret stays admitted.
    Failed,
}

/// Why a step failed: a short stable name and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The name (`staging`, `secrets-manager`, `kvs`, `cloudflare`, `test`, …).
    pub reason: &'static str,
    /// What went wrong.
    pub message: String,
}

impl Failure {
    /// A failure named `reason`.
    pub fn new(reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            reason,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.reason, self.message)
    }
}

/// The log line of one step.
#[derive(Debug, Clone, Serialize)]
pub struct StepLog<'a> {
    /// Always `origin-secret-rotation`.
    pub source: &'static str,
    /// The step's name as Secrets Manager sent it.
    pub step: &'a str,
    /// The secret's ARN or name.
    pub secret_id: &'a str,
    /// How it ended.
    pub outcome: Outcome,
    /// The failure's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// The failure's message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
}

impl<'a> StepLog<'a> {
    /// The line for `step` of `secret_id` ended as `result` says.
    pub fn of(step: &'a str, secret_id: &'a str, result: &'a Result<Outcome, Failure>) -> Self {
        let (outcome, reason, message) = match result {
            Ok(outcome) => (*outcome, None, None),
            Err(f) => (Outcome::Failed, Some(f.reason), Some(f.message.as_str())),
        };
        Self {
            source: "origin-secret-rotation",
            step,
            secret_id,
            outcome,
            reason,
            message,
        }
    }

    /// One line of JSON.
    pub fn line(&self) -> String {
        serde_json::to_string(self).expect("a step log serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_one_line_with_its_reason() {
        let result = Err(Failure::new(
            "test",
            "GET https://a.example.com/health: 403\nx",
        ));
        let line = StepLog::of("testSecret", "arn:s", &result).line();
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["step"], "testSecret");
        assert_eq!(v["outcome"], "failed");
        assert_eq!(v["reason"], "test");
    }

    #[test]
    fn a_success_has_no_reason() {
        let line = StepLog::of("setSecret", "arn:s", &Ok(Outcome::NothingToDo)).line();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["outcome"], "nothing-to-do");
        assert!(v.get("reason").is_none());
    }
}
