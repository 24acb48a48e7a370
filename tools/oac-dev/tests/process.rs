//! The `oac-dev` binary as a process: where its origin secrets come from (a file or the
//! environment, never its command line), what it refuses before starting, and that SIGTERM
//! stops it with every child it started (Node.js edge workers, function instances) gone.
//! Needs `target/edge/ip-filter-kvs.cloudfront.js` (`cargo xtask cloudfront-function`; or
//! `$OAC_KIT_EDGE_DIR`) and Node.js.

use std::path::PathBuf;
use std::process::Command;

use oac_dev::secret_source::ENV_VAR;
use test_support::process::{OacDev, Process};

const A: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
const B: &str = "n3Xc8bV1mQ6wE9rT2yU5iO7pA4sD0fGh";
const C: &str = "p0Lk9jH8gF7dS6aQ5wE4rT3yU2iO1pZx";
/// Two of each kind of child.
const WORKERS: usize = 2;
const INSTANCES: usize = 2;

fn edge_dir() -> PathBuf {
    test_support::edge_dir()
}

/// `oac-dev` on a loopback port in front of `oac-echo`, every viewer a Cloudflare address, with
/// no origin secret source of its own (the caller adds one) and no inherited one.
fn oac_dev() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_oac-dev"));
    command
        .args([
            "--listen",
            "127.0.0.1:0",
            "--viewer-ip",
            "173.245.48.1",
            "--quiet",
        ])
        .args(["--no-body-hash", "--edge-workers", &WORKERS.to_string()])
        .args(["--instances", &INSTANCES.to_string()])
        .arg("--function")
        .arg(env!("CARGO_BIN_EXE_oac-echo"))
        .arg("--edge-dir")
        .arg(edge_dir())
        .arg("--node")
        .arg(std::env::var("OAC_KIT_NODE").unwrap_or_else(|_| "node".into()))
        .env_remove(ENV_VAR);
    command
}

fn secret_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("origin-secret");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn with_secret(secret: &str) -> Vec<String> {
    vec![format!("x-origin-secret: {secret}")]
}

/// Sends SIGTERM; oac-dev must exit by itself (status 0, not killed by the signal) and leave
/// none of `children` behind, not even as a zombie.
fn stop_and_check_children(chain: OacDev, children: &[Process]) {
    let status = chain.stop();
    assert!(status.success(), "oac-dev on SIGTERM: {status}");
    let left: Vec<_> = children.iter().filter(|c| c.exists()).collect();
    assert!(
        left.is_empty(),
        "children left after oac-dev stopped: {left:?}"
    );
}

/// The edge workers and the function instances oac-dev started.
fn children_of(chain: &OacDev) -> Vec<Process> {
    let children = chain.process().children();
    let mut names: Vec<String> = children.iter().map(Process::executable_name).collect();
    names.sort();
    let mut expected: Vec<String> = std::iter::repeat_n("node".to_owned(), WORKERS)
        .chain(std::iter::repeat_n("oac-echo".to_owned(), INSTANCES))
        .collect();
    expected.sort();
    assert_eq!(names, expected, "oac-dev's children");
    children
}

#[test]
fn a_secret_file_with_one_secret_admits_it_and_sigterm_leaves_no_child() {
    let (_dir, path) = secret_file(&format!("{A}\n"));
    let chain = OacDev::start({
        let mut c = oac_dev();
        c.arg("--origin-secret-file").arg(&path);
        c
    });
    let command_line = chain.process().command_line();
    assert!(
        !command_line.contains(A),
        "the secret is on the command line: {command_line}"
    );
    assert_eq!(chain.status_of("/health", &with_secret(A)), 200);
    assert_eq!(chain.status_of("/health", &with_secret(B)), 403);
    assert_eq!(chain.status_of("/health", &[]), 403);
    let children = children_of(&chain);
    stop_and_check_children(chain, &children);
}

#[test]
fn two_secrets_in_the_environment_admit_both_and_reach_no_child() {
    let chain = OacDev::start({
        let mut c = oac_dev();
        c.env(ENV_VAR, format!("{A},{B}"));
        c
    });
    assert_eq!(chain.status_of("/health", &with_secret(A)), 200);
    assert_eq!(chain.status_of("/health", &with_secret(B)), 200);
    assert_eq!(chain.status_of("/health", &with_secret(C)), 403);
    let children = children_of(&chain);
    for child in &children {
        let leaked: Vec<_> = child
            .environment()
            .into_iter()
            .filter(|v| v.contains(A))
            .collect();
        assert!(
            leaked.is_empty(),
            "{} has the secret in its environment",
            child.executable_name()
        );
    }
    stop_and_check_children(chain, &children);
}

#[test]
fn a_file_with_two_secrets_admits_both() {
    let (_dir, path) = secret_file(&format!("{A}\n{B}\n"));
    let chain = OacDev::start({
        let mut c = oac_dev();
        c.arg("--origin-secret-file").arg(&path);
        c
    });
    assert_eq!(chain.status_of("/health", &with_secret(A)), 200);
    assert_eq!(chain.status_of("/health", &with_secret(B)), 200);
    let children = children_of(&chain);
    stop_and_check_children(chain, &children);
}

/// Runs `command` to its end (it must refuse to start); its stderr.
fn refused(mut command: Command) -> String {
    let output = command.output().expect("running oac-dev");
    assert!(!output.status.success(), "oac-dev started: {output:?}");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn a_bad_secret_file_stops_oac_dev_before_it_starts_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (String::new(), "holds no origin secret"),
        (
            format!("{A}\n{B}\n{C}\n"),
            "give 1 or 2 distinct origin secrets",
        ),
        ("tooshort-secret\n".to_owned(), "must be 32–128 characters"),
    ];
    for (i, (text, reason)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("secret-{i}"));
        std::fs::write(&path, text).unwrap();
        let mut command = oac_dev();
        command.arg("--origin-secret-file").arg(&path);
        let stderr = refused(command);
        assert!(
            stderr.contains(&format!("--origin-secret-file {}", path.display())),
            "{stderr}"
        );
        assert!(stderr.contains(reason), "{text:?}: {stderr}");
        assert!(
            !stderr.contains("tooshort"),
            "the secret is echoed: {stderr}"
        );
    }
    let mut command = oac_dev();
    command
        .arg("--origin-secret-file")
        .arg(dir.path().join("missing"));
    assert!(refused(command).contains("cannot read it"));
}

#[test]
fn a_secret_on_the_command_line_is_refused_with_where_to_put_it() {
    let mut command = oac_dev();
    command.args(["--origin-secret", A]);
    let stderr = refused(command);
    assert!(
        stderr.contains("--origin-secret-file PATH") && stderr.contains(ENV_VAR),
        "{stderr}"
    );
    assert!(!stderr.contains(A), "the secret is echoed: {stderr}");
}

#[test]
fn two_secret_sources_are_refused() {
    let (_dir, path) = secret_file(&format!("{A}\n"));
    let mut command = oac_dev();
    command
        .arg("--origin-secret-file")
        .arg(&path)
        .env(ENV_VAR, B);
    let stderr = refused(command);
    assert!(
        stderr.contains("give the origin secrets one way"),
        "{stderr}"
    );
}
