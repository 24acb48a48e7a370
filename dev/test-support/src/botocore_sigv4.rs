//! botocore's `SigV4Auth` as an oracle for oac-dev's OAC signer and Function URL verifier:
//! `dev/py/botocore_sigv4.py`, one Python process for every case.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

/// What botocore sent for one case: the URL (its query encoded by botocore) and the headers.
#[derive(Debug, serde::Deserialize)]
pub struct BotocoreSigned {
    /// The URL botocore sends, its query encoded by botocore.
    pub url: String,
    /// The headers botocore sends, the SigV4 ones included.
    pub headers: Vec<(String, String)>,
}

/// Signs each case with botocore in one Python process; returns what it sent, in order.
pub fn botocore_sign(cases: &[Value]) -> Vec<BotocoreSigned> {
    let python = crate::python();
    let script = crate::py_script("botocore_sigv4.py");
    let mut child = Command::new(&python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run {python:?} ({e}); set OAC_KIT_PYTHON to a Python with botocore")
        });
    let mut stdin = child.stdin.take().unwrap();
    let input: String = cases.iter().map(|c| format!("{c}\n")).collect();
    // Written from another thread: the answers fill the stdout pipe while the cases are sent.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "botocore oracle failed (is botocore installed for {python}?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed: Vec<BotocoreSigned> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(signed.len(), cases.len(), "botocore answered every case");
    signed
}
