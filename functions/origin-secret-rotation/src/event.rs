//! The rotation event and the staging check every step makes first (pure): Secrets Manager's
//! `{SecretId, ClientRequestToken, Step}`, and what DescribeSecret says of the token's version.

use std::collections::HashMap;

use serde::Deserialize;

pub use range_sync::secrets::{AWSCURRENT, AWSPENDING};

/// What Secrets Manager sends (other members, e.g. `RotationToken`, are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RotationEvent {
    /// The secret's ARN or name.
    #[serde(rename = "SecretId")]
    pub secret_id: String,
    /// The version being rotated in.
    #[serde(rename = "ClientRequestToken")]
    pub token: String,
    /// `createSecret`, `setSecret`, `testSecret` or `finishSecret`.
    #[serde(rename = "Step")]
    pub step: String,
}

/// A rotation step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `createSecret`.
    Create,
    /// `setSecret`.
    Set,
    /// `testSecret`.
    Test,
    /// `finishSecret`.
    Finish,
}

impl Step {
    /// The step named `name`, as Secrets Manager spells it.
    pub fn parse(name: &str) -> Result<Self, StepError> {
        match name {
            "createSecret" => Ok(Self::Create),
            "setSecret" => Ok(Self::Set),
            "testSecret" => Ok(Self::Test),
            "finishSecret" => Ok(Self::Finish),
            _ => Err(StepError::UnknownStep),
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Create => "createSecret",
            Self::Set => "setSecret",
            Self::Test => "testSecret",
            Self::Finish => "finishSecret",
        }
    }
}

/// Why a step does not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// Not one of the four steps.
    #[error("Step is not createSecret, setSecret, testSecret or finishSecret")]
    UnknownStep,
    /// DescribeSecret says rotation is off.
    #[error("rotation is not enabled on the secret")]
    RotationDisabled,
    /// The token names no version of the secret.
    #[error("the ClientRequestToken names no version of the secret")]
    UnknownVersion,
    /// The token's version is neither AWSCURRENT nor AWSPENDING.
    #[error("the ClientRequestToken's version is not staged AWSPENDING")]
    NotPending,
}

/// What the staging check decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staging {
    /// The version is AWSPENDING: the step runs.
    Pending,
    /// The version is already AWSCURRENT: the rotation is done (finishSecret still makes sure
    /// the store holds AWSCURRENT's hashes only).
    AlreadyCurrent,
}

/// The check of AWS's rotation template: rotation enabled, the token a version of the secret,
/// staged AWSCURRENT (done) or AWSPENDING (run).
pub fn check_staging(
    rotation_enabled: bool,
    versions: &HashMap<String, Vec<String>>,
    token: &str,
) -> Result<Staging, StepError> {
    if !rotation_enabled {
        return Err(StepError::RotationDisabled);
    }
    let stages = versions.get(token).ok_or(StepError::UnknownVersion)?;
    if stages.iter().any(|s| s == AWSCURRENT) {
        Ok(Staging::AlreadyCurrent)
    } else if stages.iter().any(|s| s == AWSPENDING) {
        Ok(Staging::Pending)
    } else {
        Err(StepError::NotPending)
    }
}

/// The version staged AWSCURRENT.
pub fn current_version(versions: &HashMap<String, Vec<String>>) -> Option<&str> {
    versions
        .iter()
        .find(|(_, stages)| stages.iter().any(|s| s == AWSCURRENT))
        .map(|(id, _)| id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(list: &[(&str, &[&str])]) -> HashMap<String, Vec<String>> {
        list.iter()
            .map(|(id, stages)| {
                let stages = stages.iter().map(|s| (*s).to_owned()).collect();
                ((*id).to_owned(), stages)
            })
            .collect()
    }

    #[test]
    fn the_four_steps_parse_and_nothing_else() {
        for step in [Step::Create, Step::Set, Step::Test, Step::Finish] {
            assert_eq!(Step::parse(step.name()), Ok(step));
        }
        assert_eq!(Step::parse("CreateSecret"), Err(StepError::UnknownStep));
    }

    #[test]
    fn a_pending_version_runs_and_a_current_one_is_done() {
        let v = versions(&[("old", &[AWSCURRENT]), ("new", &[AWSPENDING])]);
        assert_eq!(check_staging(true, &v, "new"), Ok(Staging::Pending));
        assert_eq!(check_staging(true, &v, "old"), Ok(Staging::AlreadyCurrent));
        assert_eq!(current_version(&v), Some("old"));
    }

    #[test]
    fn every_other_staging_is_refused() {
        let v = versions(&[("old", &[AWSCURRENT]), ("prev", &["AWSPREVIOUS"])]);
        assert_eq!(
            check_staging(false, &v, "old"),
            Err(StepError::RotationDisabled)
        );
        assert_eq!(
            check_staging(true, &v, "nope"),
            Err(StepError::UnknownVersion)
        );
        assert_eq!(check_staging(true, &v, "prev"), Err(StepError::NotPending));
    }

    #[test]
    fn the_event_is_read_as_secrets_manager_sends_it() {
        let event: RotationEvent = serde_json::from_str(
            r#"{"SecretId":"arn:s","ClientRequestToken":"t","Step":"setSecret","RotationToken":"r"}"#,
        )
        .unwrap();
        assert_eq!(Step::parse(&event.step), Ok(Step::Set));
        assert_eq!(event.token, "t");
    }
}
