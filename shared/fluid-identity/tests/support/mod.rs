//! Test support shared by the integration tests of `fluid-identity` and `fluid-identity-cli`:
//! the Python interpreter (env `OAC_KIT_PYTHON`, else `python3`), the botocore presign oracle and
//! the local STS stand-in. Missing Python or botocore makes tests FAIL with a clear message.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

/// Known stand-in credentials (mirrors `CREDENTIALS` in `sts_standin.py`).
pub const USER_AKID: &str = "AKIASTANDINUSER00001";
pub const USER_SECRET: &str = "standin-user-secret";
pub const USER_ARN: &str = "arn:aws:iam::111122223333:user/eng/alice";
pub const ROLE_AKID: &str = "ASIASTANDINROLE00001";
pub const ROLE_SECRET: &str = "standin-role-secret";
pub const ROLE_TOKEN: &str = "standin/session+token==";
pub const ROLE_CANONICAL_ARN: &str = "arn:aws:iam::111122223333:role/deployer";
pub const SSO_AKID: &str = "ASIASTANDINSSO000001";
pub const SSO_SECRET: &str = "standin-sso-secret";
pub const SSO_TOKEN: &str = "standin-sso-token";

pub fn support_dir() -> String {
    // Both crates using this module sit two levels below the workspace root.
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/fluid-identity/tests/support"
    )
    .to_owned()
}

/// An X-Fluid-Identity value presigned at `time` with the credentials `(akid, secret, token)`
/// (usually the stand-in's), valid `expires`.
pub fn presign_as(
    (akid, secret, token): (&str, &str, Option<&str>),
    region: &str,
    audience: &str,
    expires: std::time::Duration,
    time: std::time::SystemTime,
) -> String {
    let credentials = aws_credential_types::Credentials::new(
        akid,
        secret,
        token.map(str::to_owned),
        None,
        "test",
    );
    fluid_identity::presign(&credentials, region, audience, expires, time).expect("presign")
}

/// The interpreter: `OAC_KIT_PYTHON`, else `python3`.
pub fn python() -> String {
    std::env::var("OAC_KIT_PYTHON")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "python3".to_owned())
}

fn spawn_python(script: &str, args: &[&str]) -> Child {
    spawn_python_with(&python(), script, args)
}

/// Like `spawn_python`, with an explicit interpreter (tests of the failure message use it).
pub fn spawn_python_with(py: &str, script: &str, args: &[&str]) -> Child {
    Command::new(py)
        .arg(format!("{}/{script}", support_dir()))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run the Python interpreter {py:?} ({e}). Set OAC_KIT_PYTHON to a Python 3 \
                 with botocore installed (pip install -r tests/requirements.txt)."
            )
        })
}

fn explain_failure(child: &mut Child, what: &str) -> ! {
    let _ = child.kill();
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    panic!(
        "{what} failed with interpreter {:?}: {err}\nInstall the test prerequisites: \
         {:?} -m pip install -r tests/requirements.txt (or set OAC_KIT_PYTHON).",
        python(),
        python()
    )
}

/// botocore's presigned URL for each case (JSON objects as in `botocore_presign.py`).
pub fn botocore_presign(cases: &[serde_json::Value]) -> Vec<String> {
    let mut child = spawn_python("botocore_presign.py", &[]);
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for c in cases {
            writeln!(stdin, "{c}").expect("write case");
        }
    }
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read");
    let status = child.wait().expect("wait");
    if !status.success() {
        explain_failure(&mut child, "botocore_presign.py");
    }
    let urls: Vec<String> = out.lines().map(str::to_owned).collect();
    assert_eq!(urls.len(), cases.len(), "one URL per case from botocore");
    urls
}

/// A running `sts_standin.py`; killed on drop.
pub struct StandIn {
    child: Child,
    pub port: u16,
}

impl StandIn {
    pub fn start(mode: &str) -> Self {
        let mut child = spawn_python("sts_standin.py", &["--mode", mode]);
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        stdout.read_line(&mut line).expect("read port line");
        let Some(port) = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
        else {
            explain_failure(&mut child, "starting sts_standin.py");
        };
        Self { child, port }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// How many identity requests the stand-in has served.
    pub fn count(&self) -> u64 {
        let mut stream =
            std::net::TcpStream::connect(("127.0.0.1", self.port)).expect("connect stand-in");
        write!(
            stream,
            "GET /__count HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
            .rsplit("\r\n\r\n")
            .next()
            .and_then(|b| b.trim().parse().ok())
            .expect("count body")
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
