//! Usage errors: a bad flag value or a missing credential exits 2 with an RFC 9457 problem on
//! stderr and prints no value. No STS and no Python needed.

/// This crate's binary in a clean environment.
fn run(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> std::process::Output {
    test_support::cli::run_clean(env!("CARGO_BIN_EXE_fluid-identity"), args, stdin, env)
}

#[test]
fn sign_without_credentials_fails_with_a_problem() {
    let out = run(
        &["sign", "--region", "us-east-1", "--audience", "a"],
        "",
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let problem: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(problem["type"], "urn:oac-kit:problem:identity-usage");
}

/// Credentials the signer would use, so only the missing `--audience` can stop it.
const CREDENTIALS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
    (
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
];

#[test]
fn sign_without_an_audience_is_a_usage_error() {
    // No default audience: a value signed for a shared default would verify at every deployment.
    let out = run(&["sign", "--region", "us-east-1"], "", &CREDENTIALS);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no value is printed");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--audience"));
}

#[test]
fn verify_without_an_audience_is_a_usage_error() {
    let out = run(&["verify", "--allow", "*"], "", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--audience"));
}

/// A valid allowlist entry, so only the audience can stop `verify`.
const ALLOW: &str = "arn:aws:iam::111122223333:role/*";

/// The problem a run printed on stderr (its exit code must be 2, its stdout empty).
fn usage_problem(out: &std::process::Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "no value is printed");
    serde_json::from_slice(&out.stderr).expect("a problem JSON on stderr")
}

#[test]
fn sign_with_an_audience_over_128_characters_is_a_usage_error() {
    let long = "a".repeat(129);
    let out = run(
        &["sign", "--region", "us-east-1", "--audience", &long],
        "",
        &CREDENTIALS,
    );
    let problem = usage_problem(&out);
    assert_eq!(problem["type"], "urn:oac-kit:problem:identity-usage");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("longer than 128")
    );
}

#[test]
fn sign_checks_the_audience_before_asking_for_credentials() {
    // No credentials at all: the audience is what the problem names.
    let out = run(
        &["sign", "--region", "us-east-1", "--audience", "orders api"],
        "",
        &[],
    );
    let problem = usage_problem(&out);
    assert!(
        problem["detail"].as_str().unwrap().contains("audience"),
        "{problem}"
    );
}

#[test]
fn verify_with_an_empty_audience_is_a_usage_error() {
    let out = run(&["verify", "--audience", "", "--allow", ALLOW], "", &[]);
    let problem = usage_problem(&out);
    assert_eq!(problem["type"], "urn:oac-kit:problem:identity-usage");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("must not be empty")
    );
}

#[test]
fn verify_with_a_space_in_the_audience_is_a_usage_error() {
    let out = run(
        &["verify", "--audience", "orders api", "--allow", ALLOW],
        "",
        &[],
    );
    let problem = usage_problem(&out);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("visible ASCII"),
        "{problem}"
    );
}
