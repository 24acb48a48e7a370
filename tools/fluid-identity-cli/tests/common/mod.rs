//! `fluid-identity request` as the tests run it: fake credentials and a region, enough to mint an
//! identity with no AWS call, and nothing else from the environment.
#![allow(dead_code)] // each test file uses a different subset

use std::process::{Command, Output};

/// Fake credentials and a region.
const CREDENTIALS: [(&str, &str); 3] = [
    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
    (
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    ("AWS_REGION", "us-west-2"),
];

/// `request --audience orders-api <args…>` with the credentials and `env`, run to its end.
pub fn request(args: &[&str], env: &[(&str, &str)]) -> Output {
    let (all, env) = arguments(args, env);
    test_support::cli::run_clean(env!("CARGO_BIN_EXE_fluid-identity"), &all, "", &env)
}

/// The same command, to `spawn` and read as it runs.
pub fn request_command(args: &[&str]) -> Command {
    let (all, env) = arguments(args, &[]);
    test_support::cli::clean_command(env!("CARGO_BIN_EXE_fluid-identity"), &all, &env)
}

fn arguments<'a>(
    args: &[&'a str],
    env: &[(&'a str, &'a str)],
) -> (Vec<&'a str>, Vec<(&'a str, &'a str)>) {
    let mut all = vec!["request", "--audience", "orders-api"];
    all.extend_from_slice(args);
    let env = CREDENTIALS.iter().chain(env).copied().collect();
    (all, env)
}

/// The problem JSON a run printed on stderr.
pub fn problem(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stderr).expect("a problem JSON on stderr")
}
