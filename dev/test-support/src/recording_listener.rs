//! A loopback HTTP/1.1 listener that records every connection and request line and answers each
//! request `200` with `{}`: the target or the proxy a client test points at, to prove whether a
//! request reached it (a refused URL must leave it untouched; an ignored proxy too). As a proxy it
//! answers a `CONNECT` (undici tunnels even `http://` targets) as established and then serves
//! the tunnelled requests itself.
//!
//! Connections are counted when accepted, before anything is read, so a client that connected
//! and then failed still shows; and a client that got an answer has been counted before it
//! could read it, so no waiting is needed after the client returns.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    request_lines: Mutex<Vec<String>>,
    stop: AtomicBool,
}

/// The listener; stops accepting when dropped.
pub struct RecordingListener {
    address: SocketAddr,
    seen: Arc<Seen>,
}

impl RecordingListener {
    /// Listens on `127.0.0.1` on a free port, on a thread of its own.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let address = listener.local_addr().unwrap();
        let seen = Arc::new(Seen::default());
        let shared = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if shared.stop.load(Ordering::SeqCst) {
                    break;
                }
                shared.connections.fetch_add(1, Ordering::SeqCst);
                let Ok(stream) = stream else { continue };
                let shared = shared.clone();
                std::thread::spawn(move || answer(stream, &shared));
            }
        });
        Self { address, seen }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.seen.connections.load(Ordering::SeqCst)
    }

    /// The request lines received so far (`GET /v1/whoami HTTP/1.1`; a proxy sees the absolute
    /// form, `GET http://host/v1/whoami HTTP/1.1`, or `CONNECT host:port HTTP/1.1` first).
    pub fn request_lines(&self) -> Vec<String> {
        self.seen.request_lines.lock().unwrap().clone()
    }
}

/// Every proxy variable a client might read, both spellings, naming `proxy`; and
/// `NODE_USE_ENV_PROXY=1`, which makes Node.js's own `fetch` (from 22.21 and 24) use them.
pub fn proxy_env(proxy: &str) -> Vec<(&'static str, &str)> {
    let mut env: Vec<(&'static str, &str)> = [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .into_iter()
    .map(|name| (name, proxy))
    .collect();
    env.push(("NODE_USE_ENV_PROXY", "1"));
    env
}

impl Drop for RecordingListener {
    fn drop(&mut self) {
        self.seen.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread so it sees the flag (this one connection is not counted).
        let _ = TcpStream::connect(self.address);
    }
}

/// Reads requests on `stream` (line, headers, a `content-length` body) and answers each.
fn answer(stream: TcpStream, seen: &Seen) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        seen.request_lines
            .lock()
            .unwrap()
            .push(line.trim_end().to_owned());
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let response = if line.starts_with("CONNECT ") {
            "HTTP/1.1 200 Connection established\r\n\r\n"
        } else {
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
        };
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}
