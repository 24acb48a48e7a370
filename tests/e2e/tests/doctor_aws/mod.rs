//! The AWS side `oac-kit doctor --distribution` reads in the end-to-end tests: moto's Lambda
//! seeded with boto3 (`dev/py/seed_doctor_lambda.py`), and `dev/py/aws_answers.py` answering
//! the calls moto cannot from canned answers (CloudFront's REST-XML from `fixtures/doctor/aws`,
//! Lambda's own `GetPolicy`), forwarding the rest to moto.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use serde_json::{Value, json};
use test_support::moto::Moto;
use test_support::python_script::{command, read_port_line};

/// The distribution the tests read.
pub const DISTRIBUTION_ID: &str = "EDFDVBD6EXAMPLE";
/// Its ARN, as the grants name it.
pub const DISTRIBUTION_ARN: &str = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE";

/// What the seeded Lambda side is.
pub struct Lambda {
    pub auth_type: &'static str,
    /// `url` and/or `invoke`: the grants `add-permission` makes.
    pub grants: &'static str,
}

/// What the seed script made.
pub struct Seeded {
    pub function_url: String,
    pub function_arn: String,
    pub edge_version_arn: String,
}

/// A running `aws_answers.py`.
pub struct Answers {
    child: Child,
    pub endpoint: String,
    log: PathBuf,
}

impl Drop for Answers {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Answers {
    /// Every request it saw: (method, path, `canned` | `upstream` | `none`).
    pub fn requests(&self) -> Vec<(String, String, String)> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).expect("a JSON log line");
                let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
                (s("method"), s("path"), s("by"))
            })
            .collect()
    }
}

pub fn seed(moto: &Moto, lambda: &Lambda) -> Seeded {
    let output = command(
        test_support::python(),
        "seed_doctor_lambda.py",
        &[
            &moto.endpoint,
            DISTRIBUTION_ARN,
            lambda.auth_type,
            lambda.grants,
        ],
    )
    .stdin(Stdio::null())
    .output()
    .expect("running seed_doctor_lambda.py");
    assert!(
        output.status.success(),
        "seed_doctor_lambda.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let v: Value = serde_json::from_slice(&output.stdout).expect("the seed's JSON line");
    let s = |k: &str| v[k].as_str().expect(k).to_owned();
    Seeded {
        function_url: s("function_url"),
        function_arn: s("function_arn"),
        edge_version_arn: s("edge_version_arn"),
    }
}

pub fn fixture(name: &str) -> String {
    let path = test_support::repo_root()
        .join("fixtures/doctor/aws")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in values {
        text = text.replace(&format!("{{{{{name}}}}}"), value);
    }
    assert!(!text.contains("{{"), "a placeholder is left: {text}");
    text
}

pub fn xml(body: String) -> Value {
    json!({"status": 200, "headers": {"Content-Type": "text/xml", "ETag": "E2QWRUHEXAMPLE"}, "body": body})
}

/// CloudFront's error answer.
pub fn cloudfront_error(status: u16, code: &str, message: &str) -> Value {
    json!({
        "status": status,
        "headers": {"Content-Type": "text/xml"},
        "body": format!(
            "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>e2e</RequestId></ErrorResponse>"
        ),
    })
}

/// The function's policy as Lambda's `GetPolicy` returns it for the two `add-permission` calls
/// of the seed (conditions under `Condition`).
pub fn lambda_shaped_policy(function_arn: &str) -> Value {
    let statement = |sid: &str, action: &str, condition: Value| {
        json!({"Sid": sid, "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
               "Action": action, "Resource": function_arn, "Condition": condition})
    };
    let policy = json!({"Version": "2012-10-17", "Id": "default", "Statement": [
        statement("cloudfront-invoke-function-url", "lambda:InvokeFunctionUrl",
                  json!({"ArnLike": {"AWS:SourceArn": DISTRIBUTION_ARN}})),
        statement("cloudfront-invoke-function", "lambda:InvokeFunction",
                  json!({"ArnLike": {"AWS:SourceArn": DISTRIBUTION_ARN},
                         "Bool": {"lambda:InvokedViaFunctionUrl": "true"}})),
    ]});
    json!({"status": 200, "headers": {"Content-Type": "application/json"},
           "body": json!({"Policy": policy.to_string(), "RevisionId": "e2e"}).to_string()})
}

pub fn start_answers(answers: &BTreeMap<String, Value>, upstream: &str, dir: &Path) -> Answers {
    let file = dir.join("answers.json");
    std::fs::write(&file, serde_json::to_vec(answers).unwrap()).unwrap();
    let log = dir.join("requests.jsonl");
    let mut child = command(
        test_support::python(),
        "aws_answers.py",
        &[file.to_str().unwrap(), log.to_str().unwrap(), upstream],
    )
    .stderr(Stdio::inherit())
    .spawn()
    .expect("running aws_answers.py");
    let port = read_port_line(&mut child, "starting aws_answers.py");
    Answers {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
        log,
    }
}
