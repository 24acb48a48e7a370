//! The local STS stand-in (`dev/py/sts_standin.py`): GetCallerIdentity on loopback, checking
//! presigned URLs with botocore against [`crate::standin_credentials`].

use std::io::{Read, Write};
use std::process::Child;

use crate::python_script::{read_port_line, spawn};

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
        let mut child = spawn("sts_standin.py", &["--mode", mode]);
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
