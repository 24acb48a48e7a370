//! The local STS stand-in (`dev/py/sts_standin.py`): GetCallerIdentity on loopback, checking
//! presigned URLs with botocore against [`crate::standin_credentials`]. The one launcher
//! ([`command`]): the tests' [`StandIn`] and `cargo xtask dev` / `schemathesis` (which run it as
//! a supervised tokio child) start it the same way and read its port with
//! [`crate::python_script::port_of`].

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::process::{Child, Command};

use crate::python_script::{read_port_line, spawn};

/// The stand-in's script under `dev/py`.
pub const SCRIPT: &str = "sts_standin.py";

/// The command that starts the stand-in under the interpreter `python` with `args` (the
/// script's options, e.g. `--mode strict-client`; none: `normal`), all three streams piped; its
/// first stdout line is `PORT <n>`.
pub fn command(python: impl AsRef<OsStr>, args: &[&str]) -> Command {
    crate::python_script::command(python, SCRIPT, args)
}

/// A running `sts_standin.py`; killed on drop.
pub struct StandIn {
    child: Child,
    /// The loopback port it listens on.
    pub port: u16,
}

impl StandIn {
    /// Starts the stand-in in `mode` (`normal`, `strict-client`, `xml`, `redirect`, … — the
    /// script's `--mode` choices).
    pub fn start(mode: &str) -> Self {
        let mut child = spawn(SCRIPT, &["--mode", mode]);
        let port = read_port_line(&mut child, "starting sts_standin.py");
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
