use super::*;
use crate::checks::good;

fn report_of(chain: &Chain) -> Report {
    Report {
        chains: vec![ChainReport::of(chain)],
        probe: Vec::new(),
    }
}

fn broken() -> Chain {
    let mut chain = good::chain();
    good::grants(&mut chain).remove(1);
    chain
}

fn diagnosis(ok: bool) -> Diagnosis {
    Diagnosis {
        summary: "POST /echo → 403".into(),
        ok,
        cause: "Lambda refused the signature".into(),
        checks: vec!["body-hash"],
    }
}

#[test]
fn run_gives_every_check_in_order() {
    let results = run(&good::chain());
    let ids: Vec<&str> = results.iter().map(|(c, _)| c.id).collect();
    let all: Vec<&str> = checks::all().iter().map(|c| c.id).collect();
    assert_eq!(ids, all);
}

#[test]
fn the_good_chain_is_ok_and_a_broken_one_is_not() {
    assert!(report_of(&good::chain()).ok());
    assert!(!report_of(&broken()).ok());
}

#[test]
fn an_unhealthy_probe_answer_is_not_ok() {
    let mut report = report_of(&good::chain());
    report.probe.push(diagnosis(true));
    assert!(report.ok());
    report.probe.push(diagnosis(false));
    assert!(!report.ok());
    let probe_only = Report {
        chains: vec![],
        probe: vec![diagnosis(false)],
    };
    assert!(!probe_only.ok());
}

#[test]
fn text_has_one_line_per_check_and_a_fix_under_each_failure() {
    let out = text(&report_of(&broken()));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "AWS::CloudFront::Distribution ApiDistribution2AD4699A (template cdk.out/Test.template.json)"
    );
    let check_lines: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("PASS  ") || l.starts_with("FAIL  ") || l.starts_with("N/A  "))
        .collect();
    assert_eq!(check_lines.len(), checks::all().len());
    let i = lines
        .iter()
        .position(|l| l.starts_with("FAIL  grant-invoke-function  "))
        .unwrap();
    assert!(
        lines[i].contains("no `lambda:InvokeFunction`"),
        "{}",
        lines[i]
    );
    assert!(
        lines[i + 1].starts_with("      fix: Add a second permission"),
        "{}",
        lines[i + 1]
    );
    assert_eq!(
        lines[i + 2],
        "      resources: AWS::Lambda::Url ApiFunctionUrl736CA4E4"
    );
    assert_eq!(out.matches("      fix:").count(), 1);
    assert!(out.contains("N/A  streaming-accept-encoding  "));
    assert!(out.contains("PASS  oac-origin-type  "));
}

#[test]
fn text_lists_probe_answers_with_their_checks() {
    let report = Report {
        chains: vec![],
        probe: vec![diagnosis(true), diagnosis(false)],
    };
    let out = text(&report);
    assert_eq!(
        out,
        "probe\nPASS  POST /echo → 403  Lambda refused the signature\nFAIL  POST /echo → 403  Lambda refused the signature\n      checks: body-hash\n"
    );
}

#[test]
fn json_has_the_contract_shape() {
    let mut report = report_of(&broken());
    report.probe.push(diagnosis(false));
    let v = json(&report);
    assert_eq!(v["ok"], false);
    let chain = &v["chains"][0];
    assert_eq!(
        chain["source"],
        serde_json::json!({"kind": "template", "path": "cdk.out/Test.template.json"})
    );
    assert_eq!(
        chain["distribution"],
        "AWS::CloudFront::Distribution ApiDistribution2AD4699A"
    );
    let checks = chain["checks"].as_array().unwrap();
    assert_eq!(checks.len(), checks::all().len());
    let failed: Vec<&Value> = checks.iter().filter(|c| c["status"] == "fail").collect();
    assert_eq!(failed.len(), 1);
    let c = failed[0];
    assert_eq!(c["id"], "grant-invoke-function");
    assert_eq!(
        c["resources"],
        serde_json::json!(["AWS::Lambda::Url ApiFunctionUrl736CA4E4"])
    );
    for key in ["reason", "symptom", "fix"] {
        assert!(c[key].as_str().is_some_and(|s| !s.is_empty()), "{key}");
    }
    let statuses: Vec<&str> = checks
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"not-applicable") && statuses.contains(&"pass"));
    assert_eq!(
        v["probe"],
        serde_json::json!([{"summary": "POST /echo → 403", "ok": false, "cause": "Lambda refused the signature", "checks": ["body-hash"]}])
    );
}

#[test]
fn json_of_a_good_chain_is_ok() {
    let v = json(&report_of(&good::chain()));
    assert_eq!(v["ok"], true);
    assert_eq!(v["probe"], serde_json::json!([]));
}
