//! Every check over a chain, and the report the CLI prints: one line per check as text, or JSON
//! for CI. Pure: the CLI writes the strings.
//!
//! ```
//! use oac_doctor::report::{Report, text};
//! let report = Report::default();
//! assert!(report.ok());
//! assert_eq!(text(&report), "");
//! ```

use serde_json::{Value, json};

use crate::model::{Chain, Source};
use crate::probe::Diagnosis;
use crate::{Check, Status, Verdict, checks};

/// Every check's verdict on `chain`, in [`checks::all`]'s order.
pub fn run(chain: &Chain) -> Vec<(&'static Check, Verdict)> {
    checks::all().iter().map(|c| (c, (c.run)(chain))).collect()
}

/// One chain's verdicts.
#[derive(Debug)]
pub struct ChainReport {
    /// Where the chain was read from.
    pub source: Source,
    /// The distribution, as [`crate::model::Distribution::resource`] names it.
    pub distribution: String,
    /// Every check's verdict.
    pub results: Vec<(&'static Check, Verdict)>,
}

impl ChainReport {
    /// Runs every check over `chain`.
    pub fn of(chain: &Chain) -> Self {
        Self {
            source: chain.source.clone(),
            distribution: chain.distribution.resource.clone(),
            results: run(chain),
        }
    }
}

/// What one `oac-kit doctor` run found: the chains' verdicts and the probe's diagnoses.
#[derive(Debug, Default)]
pub struct Report {
    /// One entry per chain read.
    pub chains: Vec<ChainReport>,
    /// One entry per probe answer (empty without `--probe`).
    pub probe: Vec<Diagnosis>,
}

impl Report {
    /// Whether nothing failed: every check passed or did not apply, and every probe answer was
    /// healthy. The CLI exits 0 when this holds, 1 otherwise.
    pub fn ok(&self) -> bool {
        let checks = self.chains.iter().flat_map(|c| &c.results);
        checks.clone().all(|(_, v)| v.status != Status::Fail) && self.probe.iter().all(|d| d.ok)
    }
}

fn label(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::NotApplicable => "N/A",
    }
}

fn source_text(source: &Source) -> String {
    match source {
        Source::Template { path } => format!("template {path}"),
        Source::Distribution { id } => format!("distribution {id}"),
    }
}

/// The text report: per chain a heading line, then `PASS|FAIL|N/A  <id>  <reason>` per check (a
/// failure followed by an indented `fix:` line and its resources); then one line per probe answer.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    for chain in &report.chains {
        out.push_str(&format!(
            "{} ({})\n",
            chain.distribution,
            source_text(&chain.source)
        ));
        for (check, v) in &chain.results {
            out.push_str(&format!(
                "{}  {}  {}\n",
                label(v.status),
                check.id,
                v.reason
            ));
            if v.status == Status::Fail {
                out.push_str(&format!("      fix: {}\n", check.fix));
                if !v.resources.is_empty() {
                    out.push_str(&format!("      resources: {}\n", v.resources.join(", ")));
                }
            }
        }
    }
    if !report.probe.is_empty() {
        out.push_str("probe\n");
    }
    for d in &report.probe {
        let status = if d.ok { "PASS" } else { "FAIL" };
        out.push_str(&format!("{status}  {}  {}\n", d.summary, d.cause));
        if !d.ok && !d.checks.is_empty() {
            out.push_str(&format!("      checks: {}\n", d.checks.join(", ")));
        }
    }
    out
}

/// The JSON report: `{"ok", "chains": [{"source", "distribution", "checks": [{"id", "status",
/// "reason", "resources", "symptom", "fix"}]}], "probe": [{"summary", "ok", "cause", "checks"}]}`.
pub fn json(report: &Report) -> Value {
    let chains: Vec<Value> = report
        .chains
        .iter()
        .map(|c| {
            let checks: Vec<Value> = c
                .results
                .iter()
                .map(|(check, v)| {
                    json!({
                        "id": check.id,
                        "status": v.status,
                        "reason": v.reason,
                        "resources": v.resources,
                        "symptom": check.symptom,
                        "fix": check.fix,
                    })
                })
                .collect();
            json!({ "source": c.source, "distribution": c.distribution, "checks": checks })
        })
        .collect();
    let probe: Vec<Value> = report
        .probe
        .iter()
        .map(|d| json!({ "summary": d.summary, "ok": d.ok, "cause": d.cause, "checks": d.checks }))
        .collect();
    json!({ "ok": report.ok(), "chains": chains, "probe": probe })
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
