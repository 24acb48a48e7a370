//! cfn-lint (pinned in `tests/requirements.txt`, installed into `target/py`) over the template of every
//! stack of every origin shape of the CDK construct (`infra/cdk/scripts/synth-shapes.ts`: the main
//! stacks, the us-east-1 Lambda@Edge and observability support stacks). Errors fail the step, and so
//! do warnings unless `infra/cdk/.cfnlintrc.yaml` ignores them with a reason.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};

use crate::run::{root, run};
use crate::{paths, toolchain};

/// The regions every template is checked against: the app's default region and us-east-1 (CloudFront,
/// Lambda@Edge and the observability stack).
const REGIONS: &[&str] = &["us-east-1", "eu-west-1"];

/// cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 informational; anything else (1) is a
/// failure of cfn-lint itself.
const ERRORS: i32 = 2;
const WARNINGS: i32 = 4;
const INFORMATIONAL: i32 = 8;

/// Synthesizes every shape and lints each template.
pub fn run_over_shapes(python: &Path, node: &Path) -> Result<()> {
    let cdk = toolchain::cdk_dir();
    let out = shapes_dir();
    if out.exists() {
        fs::remove_dir_all(&out)?;
    }
    run(Command::new(node)
        .args(["--import", "tsx", "scripts/synth-shapes.ts"])
        .arg(&out)
        .current_dir(&cdk))?;
    let templates = templates_in(&out)?;
    lint_templates(python, &templates)?;
    eprintln!("cfn-lint: {} templates clean", templates.len());
    Ok(())
}

/// Where every shape's cloud assembly is synthesized.
pub fn shapes_dir() -> PathBuf {
    paths::target_dir().join("cfn-lint/shapes")
}

/// Every `*.template.json` in each shape's cloud assembly (`<dir>/<shape>/`), sorted; fails if a shape
/// has none (its synth wrote nothing: nothing would be linted).
pub fn templates_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut all = Vec::new();
    let mut shapes = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    shapes.retain(|p| p.is_dir());
    shapes.sort();
    ensure!(
        !shapes.is_empty(),
        "no shapes were synthesized into {}",
        dir.display()
    );
    for shape in shapes {
        let mut found: Vec<PathBuf> = fs::read_dir(&shape)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|p| p.to_string_lossy().ends_with(".template.json"))
            .collect();
        ensure!(!found.is_empty(), "no template in {}", shape.display());
        found.sort();
        all.extend(found);
    }
    Ok(all)
}

/// Runs cfn-lint with the project's configuration over `templates`; its findings are the error.
pub fn lint_templates(python: &Path, templates: &[PathBuf]) -> Result<()> {
    ensure!(!templates.is_empty(), "no templates to lint");
    let cfn_lint = toolchain::venv_tool(python, "cfn-lint")?;
    let out = Command::new(&cfn_lint)
        .arg("--config-file")
        .arg(root().join("infra/cdk/.cfnlintrc.yaml"))
        .arg("--regions")
        .args(REGIONS)
        .args(["--format", "parseable", "--"])
        .args(templates)
        .current_dir(root())
        .output()
        .with_context(|| format!("cannot start {}", cfn_lint.display()))?;
    let findings = String::from_utf8_lossy(&out.stdout);
    let code = out.status.code().unwrap_or(-1);
    verdict(code).map_err(|why| {
        anyhow::anyhow!(
            "cfn-lint: {why}:\n{findings}{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Whether cfn-lint's exit code passes: informational findings do, errors, warnings and a failure of
/// cfn-lint itself do not.
fn verdict(code: i32) -> Result<()> {
    if code == 0 || code == INFORMATIONAL {
        return Ok(());
    }
    if code < 0 || code & !(ERRORS | WARNINGS | INFORMATIONAL) != 0 {
        bail!("cfn-lint failed to run (exit code {code})");
    }
    if code & ERRORS != 0 {
        bail!("errors in the templates");
    }
    bail!(
        "warnings in the templates (fix them, or ignore the check in infra/cdk/.cfnlintrc.yaml with its reason)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        root().join("xtask/fixtures/cfn-lint").join(name)
    }

    /// The test venv's Python (`cargo xtask test` sets `OAC_KIT_PYTHON`), else `target/py`.
    fn python() -> PathBuf {
        std::env::var_os("OAC_KIT_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|| toolchain::venv_dir().join("bin/python"))
    }

    #[test]
    fn exit_code_with_errors_fails() {
        assert!(verdict(ERRORS).is_err());
        assert!(verdict(ERRORS | WARNINGS | INFORMATIONAL).is_err());
    }

    #[test]
    fn exit_code_with_warnings_fails() {
        let e = verdict(WARNINGS).unwrap_err();
        assert!(e.to_string().contains(".cfnlintrc.yaml"), "{e}");
    }

    #[test]
    fn exit_code_of_a_cfn_lint_crash_fails() {
        assert!(verdict(1).is_err());
        assert!(verdict(-1).is_err());
    }

    #[test]
    fn clean_or_informational_exit_code_passes() {
        verdict(0).unwrap();
        verdict(INFORMATIONAL).unwrap();
    }

    #[test]
    fn template_with_a_misspelt_property_fails_the_step() {
        let e =
            lint_templates(&python(), &[fixture("misspelt-property.template.json")]).unwrap_err();
        let message = format!("{e:#}");
        assert!(message.contains("errors in the templates"), "{message}");
        assert!(message.contains(":E3002:"), "{message}");
    }

    #[test]
    fn valid_template_passes_the_step() {
        lint_templates(&python(), &[fixture("valid.template.json")]).unwrap();
    }

    #[test]
    fn templates_of_every_shape_are_collected_in_order() {
        let dir = paths::test_scratch("cfn-lint-two-shapes");
        let _ = fs::remove_dir_all(&dir);
        for file in [
            "lambda/Test.template.json",
            "lambda/edge-lambda-stack-1.template.json",
            "bucket/Test.template.json",
            "bucket/Test.assets.json",
        ] {
            fs::create_dir_all(dir.join(file).parent().unwrap()).unwrap();
            fs::write(dir.join(file), "{}").unwrap();
        }
        let found: Vec<String> = templates_in(&dir)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        assert_eq!(
            found,
            [
                "bucket/Test.template.json",
                "lambda/Test.template.json",
                "lambda/edge-lambda-stack-1.template.json"
            ]
        );
    }

    #[test]
    fn shape_without_a_template_is_refused() {
        let dir = paths::test_scratch("cfn-lint-empty-shape");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("lambda")).unwrap();
        let e = templates_in(&dir).unwrap_err();
        assert!(e.to_string().contains("no template in"), "{e}");
    }
}
