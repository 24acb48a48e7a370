//! `oac-kit doctor --distribution`, the real binary with the real AWS SDK clients, against moto's
//! Lambda and CloudFront answers in AWS's documented shapes.
//!
//! moto 5.2.1 serves the Lambda side (the functions, their Function URLs, `ListFunctions`,
//! `GetFunctionUrlConfig`, `GetPolicy`, `GetFunction` of a published version), seeded with boto3
//! as a deployment would (`dev/py/seed_doctor_lambda.py`). Its CloudFront drops what the doctor
//! reads (the origin's `OriginAccessControlId`, both kinds of function associations) and has no
//! CloudFront Functions, so the CloudFront calls are answered by `dev/py/aws_answers.py` from
//! `fixtures/doctor/aws/*.xml` (the REST-XML of `GetDistribution`, `GetOriginAccessControl`,
//! `DescribeFunction`), with the real generated viewer filter as `GetFunction`'s code; every other
//! request goes on to moto. moto also writes `InvokedViaFunctionUrl` into a policy statement as a
//! bare key, not as Lambda's `Condition`, so the healthy chain's `GetPolicy` is answered in
//! Lambda's shape, and a test of its own reads moto's.
//!
//! The binary reaches them through `AWS_ENDPOINT_URL` with fixed fake credentials and no profile.

mod doctor_aws;

use std::collections::BTreeMap;
use std::process::Command;

use doctor_aws::{
    Answers, DISTRIBUTION_ID, Lambda, Seeded, cloudfront_error, fill, fixture,
    lambda_shaped_policy, seed, start_answers, xml,
};
use serde_json::{Value, json};
use test_support::cargo_bin::cargo_bin;
use test_support::moto::Moto;

/// CloudFront's managed policies by their published IDs.
const ALL_VIEWER_EXCEPT_HOST: &str = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
const ALL_VIEWER: &str = "216adef6-5c7f-47e4-b989-5492eafa07d3";
const KVS_ARN: &str =
    "arn:aws:cloudfront::123456789012:key-value-store/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";

/// What the CloudFront answers say.
struct CloudFront {
    signing_behavior: &'static str,
    origin_request_policy: &'static str,
    include_body: bool,
    kvs_associated: bool,
}

const HEALTHY_LAMBDA: Lambda = Lambda {
    auth_type: "AWS_IAM",
    grants: "url,invoke",
};

const HEALTHY_CLOUDFRONT: CloudFront = CloudFront {
    signing_behavior: "always",
    origin_request_policy: ALL_VIEWER_EXCEPT_HOST,
    include_body: true,
    kvs_associated: true,
};

/// The CloudFront answers for `cf` in front of `seeded`'s functions.
fn cloudfront_answers(cf: &CloudFront, seeded: &Seeded) -> BTreeMap<String, Value> {
    let host = seeded
        .function_url
        .trim_start_matches("https://")
        .trim_end_matches('/');
    let include_body = cf.include_body.to_string();
    let distribution = fill(
        &fixture("get-distribution.xml"),
        &[
            ("DISTRIBUTION_ID", DISTRIBUTION_ID),
            ("FUNCTION_URL_HOST", host),
            ("EDGE_VERSION_ARN", &seeded.edge_version_arn),
            ("INCLUDE_BODY", &include_body),
            ("ORIGIN_REQUEST_POLICY_ID", cf.origin_request_policy),
        ],
    );
    let oac = fill(
        &fixture("get-origin-access-control.xml"),
        &[("SIGNING_BEHAVIOR", cf.signing_behavior)],
    );
    let kvs_item = format!(
        "<KeyValueStoreAssociation><KeyValueStoreARN>{KVS_ARN}</KeyValueStoreARN></KeyValueStoreAssociation>"
    );
    let (quantity, items) = if cf.kvs_associated {
        ("1", kvs_item.as_str())
    } else {
        ("0", "")
    };
    let described = fill(
        &fixture("describe-function.xml"),
        &[("KVS_QUANTITY", quantity), ("KVS_ITEMS", items)],
    );
    // The real viewer filter, KVS mode, as `cargo xtask test` generated it.
    let code_path = test_support::edge_dir().join("ip-filter-kvs.cloudfront.js");
    let code = std::fs::read_to_string(&code_path)
        .unwrap_or_else(|e| panic!("{} ({e}): run `cargo xtask edge`", code_path.display()));
    BTreeMap::from([
        (
            format!("GET /2020-05-31/distribution/{DISTRIBUTION_ID}"),
            xml(distribution),
        ),
        (
            "GET /2020-05-31/origin-access-control/E2OACEXAMPLE01".into(),
            xml(oac),
        ),
        (
            "GET /2020-05-31/function/oac-kit-ip-filter/describe?Stage=LIVE".into(),
            xml(described),
        ),
        (
            "GET /2020-05-31/function/oac-kit-ip-filter?Stage=LIVE".into(),
            json!({"status": 200, "headers": {"Content-Type": "application/octet-stream", "ETag": "E3FUNCEXAMPLE"}, "body": code}),
        ),
    ])
}

/// The path of `GetPolicy` for `function_arn` (the SDK percent-encodes the ARN's colons).
fn get_policy_key(function_arn: &str) -> String {
    format!(
        "GET /2015-03-31/functions/{}/policy",
        function_arn.replace(':', "%3A")
    )
}

/// `oac-kit doctor --distribution ID --json [extra]` against `endpoint`: exit code, report (or
/// `Null` when stdout is not JSON) and stderr.
fn doctor(endpoint: &str, extra: &[&str]) -> (Option<i32>, Value, String) {
    let output = Command::new(cargo_bin("oac-kit", "oac-kit"))
        .args(["doctor", "--json", "--distribution", DISTRIBUTION_ID])
        .args(extra)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "AKIDMOTOTEST")
        .env("AWS_SECRET_ACCESS_KEY", "moto-secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .expect("running oac-kit");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        output.status.code(),
        report,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Each check's (status, reason) in the report's one chain.
fn checks(report: &Value) -> BTreeMap<String, (String, String)> {
    let chains = report["chains"].as_array().expect("chains");
    assert_eq!(chains.len(), 1, "{report:#}");
    chains[0]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
            (s("id"), (s("status"), s("reason")))
        })
        .collect()
}

fn with(status: &str, checks: &BTreeMap<String, (String, String)>) -> Vec<String> {
    checks
        .iter()
        .filter(|(_, (s, _))| s == status)
        .map(|(id, _)| id.clone())
        .collect()
}

/// Everything one test needs running: moto seeded, the answers in front of it.
struct Setup {
    _moto: Moto,
    _dir: tempfile::TempDir,
    answers: Answers,
}

fn setup(
    lambda: &Lambda,
    cf: &CloudFront,
    change: impl FnOnce(&Seeded, &mut BTreeMap<String, Value>),
) -> Setup {
    let moto = Moto::start();
    let seeded = seed(&moto, lambda);
    let mut answers = cloudfront_answers(cf, &seeded);
    change(&seeded, &mut answers);
    let dir = tempfile::tempdir().unwrap();
    let running = start_answers(&answers, &moto.endpoint, dir.path());
    Setup {
        _moto: moto,
        _dir: dir,
        answers: running,
    }
}

#[test]
fn a_healthy_deployed_chain_passes_every_check_and_the_doctor_only_reads() {
    let s = setup(&HEALTHY_LAMBDA, &HEALTHY_CLOUDFRONT, |seeded, answers| {
        answers.insert(
            get_policy_key(&seeded.function_arn),
            lambda_shaped_policy(&seeded.function_arn),
        );
    });
    let (code, report, stderr) = doctor(&s.answers.endpoint, &[]);
    assert_eq!(code, Some(0), "{report:#}\n{stderr}");
    assert_eq!(report["ok"], true, "{report:#}");
    let checks = checks(&report);
    assert_eq!(checks.len(), oac_doctor::checks::all().len());
    assert!(with("fail", &checks).is_empty(), "{report:#}");
    assert_eq!(
        with("not-applicable", &checks),
        [
            "origin-secret-header",
            "streaming-accept-encoding",
            "viewer-mtls",
            "viewer-tls"
        ],
        "{report:#}"
    );
    let requests = s.answers.requests();
    assert!(
        requests.iter().all(|(method, _, _)| method == "GET"),
        "the doctor changed something: {requests:?}"
    );
    // The function was found from the URL's host: ListFunctions, then its URL configuration,
    // both answered by moto; the Lambda@Edge version's GetFunction too.
    let upstream = |needle: &str| {
        requests
            .iter()
            .any(|(_, path, by)| path.contains(needle) && by == "upstream")
    };
    let list_functions = |path: &str| {
        let route = path.split('?').next().unwrap_or_default();
        route.trim_end_matches('/') == "/2015-03-31/functions"
    };
    assert!(
        requests
            .iter()
            .any(|(_, path, by)| list_functions(path) && by == "upstream"),
        "no ListFunctions: {requests:?}"
    );
    assert!(upstream("/functions/api/url"), "{requests:?}");
    assert!(upstream("body-hash"), "{requests:?}");
    assert!(
        requests.iter().all(|(_, _, by)| by != "none"),
        "{requests:?}"
    );
}

#[test]
fn moto_s_own_policy_statement_is_read_and_its_bare_invoked_via_function_url_fails_closed() {
    // moto keeps `InvokedViaFunctionUrl: true` beside the statement's Condition: not a condition
    // IAM would evaluate, so the doctor must not count it as one.
    let s = setup(&HEALTHY_LAMBDA, &HEALTHY_CLOUDFRONT, |_, _| {});
    let (code, report, stderr) = doctor(&s.answers.endpoint, &["--function", "api"]);
    assert_eq!(code, Some(1), "{report:#}\n{stderr}");
    let checks = checks(&report);
    assert_eq!(
        with("fail", &checks),
        ["grant-invoke-function"],
        "{report:#}"
    );
    assert!(
        checks["grant-invoke-function"]
            .1
            .contains("lambda:InvokedViaFunctionUrl"),
        "{report:#}"
    );
    assert_eq!(checks["grant-invoke-function-url"].0, "pass", "{report:#}");
}

#[test]
fn a_broken_deployed_chain_fails_exactly_the_checks_that_find_each_fault() {
    let lambda = Lambda {
        auth_type: "NONE",
        grants: "",
    };
    let cf = CloudFront {
        signing_behavior: "no-override",
        origin_request_policy: ALL_VIEWER,
        include_body: false,
        kvs_associated: false,
    };
    let s = setup(&lambda, &cf, |_, _| {});
    let (code, report, stderr) = doctor(&s.answers.endpoint, &[]);
    assert_eq!(code, Some(1), "{report:#}\n{stderr}");
    assert_eq!(report["ok"], false);
    assert_eq!(
        with("fail", &checks(&report)),
        [
            "body-hash",
            "function-url-auth",
            "grant-invoke-function",
            "grant-invoke-function-url",
            "host-not-forwarded",
            "kvs-association",
            "oac-signing",
        ],
        "{report:#}"
    );
}

#[test]
fn what_cannot_be_read_fails_the_checks_that_need_it_naming_the_call() {
    let s = setup(&HEALTHY_LAMBDA, &HEALTHY_CLOUDFRONT, |seeded, answers| {
        answers.insert(
            "GET /2020-05-31/origin-access-control/E2OACEXAMPLE01".into(),
            cloudfront_error(
                403,
                "AccessDenied",
                "User is not authorized to perform: cloudfront:GetOriginAccessControl",
            ),
        );
        answers.insert(
            get_policy_key(&seeded.function_arn),
            json!({"status": 403, "headers": {"Content-Type": "application/json", "x-amzn-ErrorType": "AccessDeniedException"},
                   "body": "{\"Message\":\"User is not authorized to perform: lambda:GetPolicy\"}"}),
        );
    });
    let (code, report, stderr) = doctor(&s.answers.endpoint, &[]);
    assert_eq!(code, Some(1), "{report:#}\n{stderr}");
    let checks = checks(&report);
    for (id, call) in [
        ("oac-origin-type", "GetOriginAccessControl"),
        ("oac-signing", "GetOriginAccessControl"),
        ("grant-invoke-function-url", "GetPolicy"),
        ("grant-invoke-function", "GetPolicy"),
    ] {
        assert_eq!(checks[id].0, "fail", "{id}: {report:#}");
        assert!(
            checks[id].1.contains(call),
            "{id} should name {call}: {report:#}"
        );
    }
    assert_eq!(with("fail", &checks).len(), 4, "{report:#}");
}

#[test]
fn a_distribution_that_cannot_be_read_is_a_read_error_not_a_report() {
    let s = setup(&HEALTHY_LAMBDA, &HEALTHY_CLOUDFRONT, |_, answers| {
        answers.insert(
            format!("GET /2020-05-31/distribution/{DISTRIBUTION_ID}"),
            cloudfront_error(
                404,
                "NoSuchDistribution",
                "The specified distribution does not exist.",
            ),
        );
    });
    let (code, report, stderr) = doctor(&s.answers.endpoint, &[]);
    assert_eq!(code, Some(2), "{report:#}\n{stderr}");
    assert_eq!(report, Value::Null, "nothing on stdout");
    assert!(stderr.contains("GetDistribution"), "{stderr}");
    assert!(stderr.contains("NoSuchDistribution"), "{stderr}");
}
