//! The `oac-kit` binary as a user runs it: what reaches stdout and stderr, and the exit code. Only
//! what needs no source (usage errors, `--explain`); the sources' flows are tested in the binary's
//! unit tests and, against real stand-ins, in `tests/e2e`.

use std::process::{Command, Output};

fn oac_kit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oac-kit"))
        .args(args)
        .output()
        .expect("oac-kit runs")
}

#[test]
fn explain_prints_the_long_form_and_exits_0() {
    let out = oac_kit(&["doctor", "--explain", "grant-invoke-function"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("grant-invoke-function: "), "{stdout}");
    assert!(stdout.contains("InvokedViaFunctionUrl"), "{stdout}");
}

#[test]
fn explain_json_is_one_json_document() {
    let out = oac_kit(&["doctor", "--explain", "body-hash", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], "body-hash");
}

#[test]
fn an_unknown_check_exits_2_listing_the_ids_on_stderr() {
    let out = oac_kit(&["doctor", "--explain", "nope", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("no check `nope`"), "{stderr}");
    assert!(stderr.contains("grant-invoke-function-url"), "{stderr}");
}

#[test]
fn usage_errors_exit_2_with_nothing_on_stdout() {
    for args in [
        &["doctor"][..],
        &["doctor", "--json"],
        &["doctor", "--template", "t.json", "--distribution", "E1"],
        &[
            "doctor",
            "--template",
            "t.json",
            "--function",
            "api",
            "--json",
        ],
        &["doctor", "--probe", "not a url", "--json"],
        &["frobnicate"],
    ] {
        let out = oac_kit(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}
