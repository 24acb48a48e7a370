//! Running a command-line binary (the `fluid-identity` CLI) in a clean environment: no ambient
//! AWS profile, no IMDS. Shared by the CLI's own tests and the end-to-end ones.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs the binary `bin` with `args`, `stdin` and only the variables in `env` (no ambient AWS profile,
/// no IMDS).
pub fn run_clean(
    bin: impl AsRef<std::ffi::OsStr>,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
) -> Output {
    let mut child = clean_command(bin, args, env)
        .spawn()
        .expect("run the binary");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The command [`run_clean`] runs, all three streams piped, for a test that reads its output as
/// it comes (`spawn` it).
pub fn clean_command(
    bin: impl AsRef<std::ffi::OsStr>,
    args: &[&str],
    env: &[(&str, &str)],
) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Only what the test sets: no ambient profile, no IMDS.
        .env_clear()
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("HOME", "/nonexistent");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}
