//! `oac-kit doctor`: read the chain(s) from the sources given, run every check, explain the probe's
//! answers, and say what to print and how to exit. The sources sit behind [`Sources`] so that all of
//! this is tested without AWS or a network; [`Live`] is the real one.

use std::path::Path;

use oac_doctor::model::Chain;
use oac_doctor::probe::{self, ProbeAnswer};
use oac_doctor::report::{self, ChainReport, Report};
use oac_doctor::{Check, checks};

use crate::cli::DoctorArgs;
use oac_kit::probe_http;

/// Exit code: every check passed or did not apply, every probe answer was healthy.
pub const EXIT_OK: u8 = 0;
/// Exit code: a check failed or a probe answer was unhealthy.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: usage or read error (the message on stderr).
pub const EXIT_ERROR: u8 = 2;

/// Where chains and probe answers come from.
pub trait Sources {
    /// `chain_from_template::read`.
    fn template(&self, path: &Path) -> Result<Vec<Chain>, String>;
    /// `chain_from_aws::read` with the caller's credentials.
    async fn distribution(&self, id: &str, function: Option<&str>) -> Result<Chain, String>;
    /// `probe_http::run`.
    async fn probe(&self, base: &url::Url) -> Result<Vec<ProbeAnswer>, String>;
}

/// The real sources: the template reader, AWS (credentials loaded only when a distribution is
/// read), the network.
pub struct Live;

impl Sources for Live {
    fn template(&self, path: &Path) -> Result<Vec<Chain>, String> {
        chain_from_template::read(path).map_err(|e| e.to_string())
    }

    async fn distribution(&self, id: &str, function: Option<&str>) -> Result<Chain, String> {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .load()
            .await;
        let options = chain_from_aws::Options {
            function: function.map(str::to_owned),
        };
        chain_from_aws::read(&config, id, &options)
            .await
            .map_err(|e| e.to_string())
    }

    async fn probe(&self, base: &url::Url) -> Result<Vec<ProbeAnswer>, String> {
        probe_http::run(base).await.map_err(|e| format!("{e:#}"))
    }
}

/// What to print and how to exit.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Goes to stdout (with `--json`: only ever one JSON document).
    pub stdout: String,
    /// Goes to stderr.
    pub stderr: String,
    /// The process's exit code.
    pub code: u8,
}

impl Outcome {
    fn error(message: String) -> Self {
        Self {
            stdout: String::new(),
            stderr: format!("oac-kit doctor: {message}\n"),
            code: EXIT_ERROR,
        }
    }
}

/// Runs `oac-kit doctor` with `args` over `sources`.
pub async fn run(args: &DoctorArgs, sources: &impl Sources) -> Outcome {
    if let Some(id) = &args.explain {
        return explain(id, args.json);
    }
    let mut report = Report::default();
    if let Some(path) = &args.template {
        match sources.template(path) {
            Ok(chains) if chains.is_empty() => {
                return Outcome::error(format!(
                    "{}: no CloudFront distribution in it",
                    path.display()
                ));
            }
            Ok(chains) => report.chains.extend(chains.iter().map(ChainReport::of)),
            Err(e) => return Outcome::error(e),
        }
    }
    if let Some(id) = &args.distribution {
        match sources.distribution(id, args.function.as_deref()).await {
            Ok(chain) => report.chains.push(ChainReport::of(&chain)),
            Err(e) => return Outcome::error(e),
        }
    }
    if let Some(base) = &args.probe {
        match sources.probe(base).await {
            Ok(answers) => report.probe = answers.iter().map(probe::explain).collect(),
            Err(e) => return Outcome::error(e),
        }
    }
    Outcome {
        stdout: if args.json {
            format!("{}\n", report::json(&report))
        } else {
            report::text(&report)
        },
        stderr: String::new(),
        code: exit_code(&report),
    }
}

/// 0 when the report is ok, else 1.
pub fn exit_code(report: &Report) -> u8 {
    if report.ok() { EXIT_OK } else { EXIT_FAILED }
}

/// `--explain ID`: the check's long form, or exit 2 listing the IDs.
pub fn explain(id: &str, json: bool) -> Outcome {
    let Some(check) = checks::find(id) else {
        let ids: Vec<&str> = checks::all().iter().map(|c| c.id).collect();
        return Outcome::error(format!(
            "no check `{id}`; the checks are: {}",
            ids.join(", ")
        ));
    };
    let stdout = if json {
        format!("{}\n", explanation_json(check))
    } else {
        explanation_text(check)
    };
    Outcome {
        stdout,
        stderr: String::new(),
        code: EXIT_OK,
    }
}

fn explanation_text(c: &Check) -> String {
    format!(
        "{id}: {title}\n\nSymptom: {symptom}\n\nFix: {fix}\n\n{explanation}\n",
        id = c.id,
        title = c.title,
        symptom = c.symptom,
        fix = c.fix,
        explanation = c.explanation
    )
}

fn explanation_json(c: &Check) -> serde_json::Value {
    serde_json::json!({
        "id": c.id,
        "title": c.title,
        "symptom": c.symptom,
        "fix": c.fix,
        "explanation": c.explanation,
    })
}

#[cfg(test)]
#[path = "doctor_tests.rs"]
mod tests;
