//! The `fluid-identity` binary end to end against the local STS stand-in (which checks
//! signatures with botocore, independently of our code). The binary comes from
//! `test_support::cargo_bin` (`OAC_KIT_FLUID_IDENTITY_BIN`, else built).
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use test_support::standin_credentials;
use test_support::sts_standin::StandIn;

/// The CLI (`OAC_KIT_FLUID_IDENTITY_BIN`) in a clean environment.
fn run(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> std::process::Output {
    test_support::cli::run_clean(
        test_support::cargo_bin::cargo_bin("fluid-identity-cli", "fluid-identity"),
        args,
        stdin,
        env,
    )
}

fn verify(standin: &StandIn, value: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let base = standin.base_url();
    let mut args = vec!["verify", "--sts-endpoint", base.as_str()];
    args.extend_from_slice(extra);
    let out = run(&args, value, &[]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {stdout:?} stderr: {:?}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), json)
}

fn role_value(audience: &str) -> String {
    let creds = Credentials::new(
        standin_credentials::role().access_key_id.as_str(),
        standin_credentials::role().secret_access_key.as_str(),
        standin_credentials::role().session_token.clone(),
        None,
        "test",
    );
    fluid_identity::presign(
        &creds,
        "eu-west-1",
        audience,
        Duration::from_secs(60),
        SystemTime::now(),
    )
    .unwrap()
}

#[test]
fn sign_with_the_credential_chain_then_verify_round_trips() {
    let out = run(
        &["sign", "--region", "us-east-1", "--audience", "orders-api"],
        "",
        &[
            (
                "AWS_ACCESS_KEY_ID",
                standin_credentials::user().access_key_id.as_str(),
            ),
            (
                "AWS_SECRET_ACCESS_KEY",
                standin_credentials::user().secret_access_key.as_str(),
            ),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value = String::from_utf8(out.stdout).unwrap();
    assert!(value.starts_with(
        "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"
    ));
    assert!(value.contains("X-Amz-Expires=60&"));

    let standin = StandIn::start("normal");
    let (code, json) = verify(
        &standin,
        &value,
        &[
            "--audience",
            "orders-api",
            "--allow",
            "arn:aws:iam::111122223333:user/*",
        ],
    );
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        json["identity"]["principal"]["arn"],
        standin_credentials::user().principal_arn.as_str()
    );
    assert_eq!(json["identity"]["principal"]["type"], "user");
    assert_eq!(json["roles"], serde_json::json!(["allowed"]));
}

#[test]
fn verify_prints_the_normalized_role_and_its_named_roles() {
    let standin = StandIn::start("normal");
    let (code, json) = verify(
        &standin,
        &role_value("orders-api"),
        &[
            "--audience",
            "orders-api",
            "--allow",
            "readers=arn:aws:iam::111122223333:role/*",
            "--allow",
            "writers=arn:aws:iam::111122223333:role/deploy/deployer",
            "--allow",
            "admins=arn:aws:iam::999988887777:root",
        ],
    );
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        json["identity"]["principal"]["arn"],
        standin_credentials::role().principal_arn.as_str()
    );
    assert_eq!(
        json["identity"]["caller"]["arn"],
        "arn:aws:sts::111122223333:assumed-role/deployer/ci-run"
    );
    assert_eq!(json["roles"], serde_json::json!(["readers", "writers"]));
}

#[test]
fn replay_to_another_audience_is_refused_by_sts() {
    // Signed for orders-api, presented to billing-api: the verifier sends its own audience, so
    // the stand-in's (botocore's) signature check fails.
    let standin = StandIn::start("normal");
    let (code, problem) = verify(
        &standin,
        &role_value("orders-api"),
        &[
            "--audience",
            "billing-api",
            "--allow",
            "arn:aws:iam::111122223333:role/*",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(problem["status"], 401);
    assert_eq!(
        problem["detail"],
        "sts-rejected: STS rejected the identity (403 SignatureDoesNotMatch)"
    );
}

#[test]
fn a_tampered_signature_is_refused_by_sts() {
    let standin = StandIn::start("normal");
    let value = role_value("orders-api");
    let i = value.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    let flipped = if &value[i..i + 1] == "0" { "1" } else { "0" };
    let tampered = format!("{}{flipped}{}", &value[..i], &value[i + 1..]);
    let (code, problem) = verify(
        &standin,
        &tampered,
        &[
            "--audience",
            "orders-api",
            "--allow",
            "arn:aws:iam::111122223333:role/*",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("SignatureDoesNotMatch"),
        "{problem}"
    );
}

#[test]
fn not_allowed_is_a_403_problem() {
    let standin = StandIn::start("normal");
    let (code, problem) = verify(
        &standin,
        &role_value("orders-api"),
        &[
            "--audience",
            "orders-api",
            "--allow",
            "arn:aws:iam::111122223333:role/other",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(problem["status"], 403);
    assert_eq!(problem["type"], "urn:oac-kit:problem:identity-forbidden");
}

#[test]
fn invalid_values_never_reach_sts() {
    let standin = StandIn::start("normal");
    let ssrf =
        role_value("orders-api").replacen("sts.eu-west-1.amazonaws.com", "sts.s3.amazonaws.com", 1);
    let (code, problem) = verify(
        &standin,
        &ssrf,
        &[
            "--audience",
            "orders-api",
            "--allow",
            "arn:aws:iam::111122223333:role/*",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        problem["detail"],
        "host-not-allowed: the URL host is not an allowed STS endpoint"
    );
    assert_eq!(standin.count(), 0);
}

#[test]
fn max_expiry_and_region_flags_tighten_validation() {
    let standin = StandIn::start("normal");
    let value = role_value("orders-api");
    let (_, problem) = verify(
        &standin,
        &value,
        &[
            "--audience",
            "orders-api",
            "--allow",
            "arn:aws:iam::111122223333:role/*",
            "--max-expiry",
            "30",
        ],
    );
    assert_eq!(
        problem["detail"],
        "expiry-too-long: the URL expiry exceeds the allowed maximum"
    );
    let (_, problem) = verify(
        &standin,
        &value,
        &[
            "--audience",
            "orders-api",
            "--allow",
            "arn:aws:iam::111122223333:role/*",
            "--region",
            "us-east-1",
        ],
    );
    assert_eq!(
        problem["detail"],
        "host-not-allowed: the URL host is not an allowed STS endpoint"
    );
    assert_eq!(standin.count(), 0);
}

#[test]
fn the_problem_never_echoes_the_value() {
    let standin = StandIn::start("normal");
    let value = role_value("orders-api");
    let base = standin.base_url();
    let out = run(
        &[
            "verify",
            "--sts-endpoint",
            &base,
            "--audience",
            "billing-api",
            "--allow",
            "arn:aws:iam::111122223333:role/*",
        ],
        &value,
        &[],
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let sig = &value[value.find("X-Amz-Signature=").unwrap() + 16..];
    assert!(!all.contains(sig));
    assert!(!all.contains("standin%2Fsession") && !all.contains("standin/session"));
}

/// `verify` with `args` and no value: for allowlist entries refused before anything is read.
fn refused_allowlist(args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["verify", "--audience", "orders-api"];
    all.extend_from_slice(args);
    let out = run(&all, "", &[]);
    let problem: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "stderr is not a problem ({e}): {:?}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(problem["type"], "urn:oac-kit:problem:identity-usage");
    (
        out.status.code(),
        problem["detail"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn a_loose_sso_entry_exits_2_naming_the_entry_and_the_rule() {
    let entry = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*";
    let (code, detail) = refused_allowlist(&["--allow", entry]);
    assert_eq!(code, Some(2));
    assert!(
        detail.contains(&format!(
            "allowlist entry {entry:?} breaks rule sso-role-prefix"
        )),
        "{detail}"
    );
}

#[test]
fn a_federated_user_entry_exits_2_without_the_opt_in_flag() {
    let (code, detail) =
        refused_allowlist(&["--allow", "arn:aws:sts::111122223333:federated-user/ci"]);
    assert_eq!(code, Some(2));
    assert!(detail.contains("federated-user-not-allowed"), "{detail}");
}

#[test]
fn a_wildcard_account_entry_exits_2_without_the_opt_in_flag() {
    let (code, detail) = refused_allowlist(&["--allow", "arn:aws:iam::*:role/deployer"]);
    assert_eq!(code, Some(2));
    assert!(detail.contains("any-account-not-allowed"), "{detail}");
}

#[test]
fn with_the_opt_in_flag_a_wildcard_account_entry_admits_the_role() {
    let standin = StandIn::start("normal");
    let (code, json) = verify(
        &standin,
        &role_value("orders-api"),
        &[
            "--audience",
            "orders-api",
            "--allow",
            "arn:aws:iam::*:role/deployer",
            "--allow-any-account",
        ],
    );
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        json["identity"]["principal"]["arn"],
        standin_credentials::role().principal_arn.as_str()
    );
}

#[test]
fn with_the_opt_in_flag_a_federated_user_entry_is_accepted() {
    let standin = StandIn::start("normal");
    let (code, problem) = verify(
        &standin,
        &role_value("orders-api"),
        &[
            "--audience",
            "orders-api",
            "--allow",
            "arn:aws:sts::111122223333:federated-user/ci",
            "--allow-federated-users",
        ],
    );
    // Accepted: the role is verified and then simply not in the list (403, exit 1, not 2).
    assert_eq!(code, 1);
    assert_eq!(problem["type"], "urn:oac-kit:problem:identity-forbidden");
}
