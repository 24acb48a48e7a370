//! oac-kit doctor's pure core. A [`model::Chain`] is one distribution and what is behind it, read
//! from a template or a live account by the reader crates; every check in [`checks`] is a small pure
//! function over it that passes, fails (naming the failure it causes, the fix and the exact
//! resource) or does not apply. [`probe`] explains what a public hostname answered. Nothing here
//! reads a file or the network.

pub mod checks;
pub mod managed;
pub mod model;
pub mod probe;
pub mod report;

use serde::Serialize;

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The chain is configured as this check requires.
    Pass,
    /// It is not, or the source could not show that it is (fail closed).
    Fail,
    /// Nothing in this chain is subject to the check (e.g. no Function URL origin).
    NotApplicable,
}

/// What one check found in one chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The outcome.
    pub status: Status,
    /// Why, in one line, naming what was looked at.
    pub reason: String,
    /// The exact resources the reason is about (the failing ones on a failure).
    pub resources: Vec<String>,
}

/// One check: its name, what its failure causes, the fix, and the function.
pub struct Check {
    /// Stable kebab-case ID (`grant-invoke-function`); `--explain ID` prints the long form.
    pub id: &'static str,
    /// One line: what is required.
    pub title: &'static str,
    /// What a chain failing it sees (e.g. "403 AccessDeniedException from the Function URL; the
    /// function is never invoked and logs nothing").
    pub symptom: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// The long form (`--explain`): why, what AWS documents, how the check decides.
    pub explanation: &'static str,
    /// The check.
    pub run: fn(&model::Chain) -> Verdict,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}
