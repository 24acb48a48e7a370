//! The time the renewal decisions are made at: the system's, or — tests only — the RFC 3339
//! instant in the file `CR_TEST_NOW_FILE` names, read at every event, so a test can move time
//! forward between events without restarting the function (a renewal is decided by how close
//! the active certificate is to its end). Never set in a deployment.

use std::path::PathBuf;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The environment variable naming the tests' clock file.
pub const TEST_NOW_FILE: &str = "CR_TEST_NOW_FILE";

/// Where "now" comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    System,
    /// The instant written in a file (tests).
    File(PathBuf),
}

impl Clock {
    /// [`Clock::File`] when `CR_TEST_NOW_FILE` is set, else [`Clock::System`].
    pub fn from_env() -> Self {
        match std::env::var_os(TEST_NOW_FILE) {
            Some(path) if !path.is_empty() => Self::File(path.into()),
            _ => Self::System,
        }
    }

    /// Now.
    pub fn now(&self) -> Result<OffsetDateTime, String> {
        match self {
            Self::System => Ok(OffsetDateTime::now_utc()),
            Self::File(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{TEST_NOW_FILE} {}: {e}", path.display()))?;
                OffsetDateTime::parse(text.trim(), &Rfc3339)
                    .map_err(|e| format!("{TEST_NOW_FILE}: not an RFC 3339 time: {e}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_gives_the_time_and_a_bad_one_is_refused() {
        let dir = std::env::temp_dir().join(format!("cr-clock-{}", std::process::id()));
        std::fs::write(&dir, "2027-01-02T03:04:05Z\n").unwrap();
        let clock = Clock::File(dir.clone());
        assert_eq!(clock.now().unwrap().unix_timestamp(), 1_798_859_045);
        std::fs::write(&dir, "tomorrow").unwrap();
        assert!(clock.now().unwrap_err().contains("RFC 3339"));
        std::fs::remove_file(&dir).unwrap();
        assert!(Clock::File(dir).now().is_err());
    }
}
