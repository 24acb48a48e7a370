//! `oac-kit doctor --template <shape> --json` over every synthesized shape of the CDK construct
//! (`target/cfn-lint/shapes/*`, written by the cfn-lint step): no check may fail (a bucket-only
//! shape's Function URL checks do not apply). Then the corpus test that breaks each shape in each
//! check's way (`fixtures/doctor/mutations.json`) and wants exactly that check to fail, which
//! needs the shapes and so runs here (`--ignored`, with `OAC_KIT_SHAPES_DIR`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};
use serde_json::Value;

use crate::cfn_lint::shapes_dir;
use crate::paths;
use crate::run::{cargo, run};

/// Runs the doctor over every shape, then the mutation test over them. The `oac-kit` binary is
/// the one `cargo xtask test` built with the end-to-end binaries: building it again alone (or
/// the test with `-p`) would resolve features for one package and recompile half the tree.
pub fn run_over_shapes() -> Result<()> {
    let doctor = paths::profile_dir("debug").join("oac-kit");
    ensure!(
        doctor.is_file(),
        "{} is missing: `cargo xtask test` builds it before this step",
        doctor.display()
    );
    let shapes = shapes(&shapes_dir())?;
    let mut failures = Vec::new();
    for shape in &shapes {
        let out = Command::new(&doctor)
            .args(["doctor", "--json", "--template"])
            .arg(shape)
            .output()
            .with_context(|| format!("cannot start {}", doctor.display()))?;
        let name = shape.file_name().unwrap_or_default().to_string_lossy();
        failures.extend(judge(
            &name,
            out.status.code(),
            &String::from_utf8_lossy(&out.stdout),
            &String::from_utf8_lossy(&out.stderr),
        ));
    }
    if !failures.is_empty() {
        bail!(
            "oac-kit doctor: synthesized shapes fail:\n{}",
            failures.join("\n")
        );
    }
    eprintln!("oac-kit doctor: {} shapes pass", shapes.len());
    // `--workspace`, as the test run before it: the same features, so nothing is rebuilt (only
    // chain-from-template has a `shapes` test).
    run(cargo()
        .args(["test", "--workspace", "--test", "shapes", "--", "--ignored"])
        .env("OAC_KIT_SHAPES_DIR", shapes_dir()))
}

/// Every shape's cloud assembly directory, sorted; none is an error (nothing would be checked).
fn shapes(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut shapes = fs::read_dir(dir)
        .with_context(|| {
            format!(
                "reading {} (the cfn-lint step synthesizes it)",
                dir.display()
            )
        })?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    shapes.retain(|p| p.join("manifest.json").is_file());
    shapes.sort();
    ensure!(
        !shapes.is_empty(),
        "no synthesized shapes in {}",
        dir.display()
    );
    Ok(shapes)
}

/// What is wrong with one run of `oac-kit doctor --json` over shape `shape`: one line per failing
/// check (`<shape>: FAIL <id> <distribution>: <reason>`), or why the run itself is not a pass
/// (an exit code other than 0, output that is not the report, a report that is not ok). Empty: it
/// passed.
pub fn judge(shape: &str, code: Option<i32>, stdout: &str, stderr: &str) -> Vec<String> {
    let report: Value = match serde_json::from_str(stdout) {
        Ok(v) => v,
        Err(e) => {
            return vec![format!(
                "{shape}: exit {code:?}, no JSON report ({e}): {}",
                stderr.trim()
            )];
        }
    };
    let mut lines = Vec::new();
    let chains = report.get("chains").and_then(Value::as_array);
    for chain in chains.into_iter().flatten() {
        let distribution = chain
            .get("distribution")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let checks = chain.get("checks").and_then(Value::as_array);
        for check in checks.into_iter().flatten() {
            if check.get("status").and_then(Value::as_str) == Some("fail") {
                let field = |n: &str| check.get(n).and_then(Value::as_str).unwrap_or("");
                lines.push(format!(
                    "{shape}: FAIL {} {distribution}: {}",
                    field("id"),
                    field("reason")
                ));
            }
        }
    }
    if chains.is_none_or(Vec::is_empty) {
        lines.push(format!("{shape}: the report has no chain"));
    }
    let ok = report.get("ok").and_then(Value::as_bool);
    if lines.is_empty() && (ok != Some(true) || code != Some(0)) {
        lines.push(format!(
            "{shape}: exit {code:?}, ok {ok:?}, yet no check failed: {}",
            stderr.trim()
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(ok: bool, statuses: &[(&str, &str)]) -> String {
        let checks: Vec<Value> = statuses
            .iter()
            .map(|(id, status)| json!({"id": id, "status": status, "reason": format!("{id} because"), "resources": []}))
            .collect();
        json!({"ok": ok, "chains": [{"source": "t", "distribution": "AWS::CloudFront::Distribution D", "checks": checks}], "probe": []})
            .to_string()
    }

    #[test]
    fn passes_and_not_applicable_pass() {
        let out = report(
            true,
            &[("viewer-tls", "pass"), ("body-hash", "not-applicable")],
        );
        assert!(judge("lambda", Some(0), &out, "").is_empty());
    }

    #[test]
    fn each_failing_check_is_a_line() {
        let out = report(
            false,
            &[
                ("viewer-tls", "pass"),
                ("body-hash", "fail"),
                ("host-not-forwarded", "fail"),
            ],
        );
        assert_eq!(
            judge("lambda", Some(1), &out, ""),
            [
                "lambda: FAIL body-hash AWS::CloudFront::Distribution D: body-hash because",
                "lambda: FAIL host-not-forwarded AWS::CloudFront::Distribution D: host-not-forwarded because",
            ]
        );
    }

    #[test]
    fn a_run_that_is_no_report_fails() {
        let lines = judge("bucket", Some(2), "", "t: not a CloudFormation template");
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].contains("no JSON report") && lines[0].contains("not a CloudFormation"),
            "{lines:?}"
        );
    }

    #[test]
    fn an_inconsistent_or_empty_report_fails() {
        let passing = report(true, &[("viewer-tls", "pass")]);
        assert_eq!(
            judge("s", Some(1), &passing, "").len(),
            1,
            "exit 1 with nothing failing"
        );
        let not_ok = report(false, &[("viewer-tls", "pass")]);
        assert_eq!(
            judge("s", Some(0), &not_ok, "").len(),
            1,
            "ok false with nothing failing"
        );
        let empty = json!({"ok": true, "chains": []}).to_string();
        assert_eq!(
            judge("s", Some(0), &empty, ""),
            ["s: the report has no chain"]
        );
    }
}
