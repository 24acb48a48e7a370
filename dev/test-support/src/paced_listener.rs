//! A loopback HTTP/1.1 listener whose answer the test writes, at the test's pace: the head at
//! once, the body when the test feeds it (raw bytes, chunks of a `transfer-encoding: chunked`
//! body, or a close that cuts it short). The test decides when the server is done, so "the client
//! had the first chunk before the server finished" is an ordering fact, not a timing. Shared by
//! the tests of `oac-client`, `fluid-identity request` and the Python/Node.js snippets.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

/// What the listener writes after the head.
enum Feed {
    Bytes(Vec<u8>),
    Close,
}

/// The listener: answers each connection (one at a time) with its head, then what the test
/// feeds; stops feeding when dropped.
pub struct PacedListener {
    address: SocketAddr,
    feed: Sender<Feed>,
    connections: Arc<AtomicUsize>,
}

impl PacedListener {
    /// Listens on a free `127.0.0.1` port; `head` is the status line and the headers, without
    /// the blank line that ends them (e.g. [`CHUNKED`], [`with_length`]).
    pub fn start(head: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let address = listener.local_addr().unwrap();
        let (feed, fed) = channel();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        let head = format!("{head}\r\n\r\n");
        let fed = Mutex::new(fed);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                counted.fetch_add(1, Ordering::SeqCst);
                let Ok(stream) = stream else { continue };
                if !answer(stream, &head, &fed.lock().unwrap()) {
                    return;
                }
            }
        });
        Self {
            address,
            feed,
            connections,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Writes `bytes` as they are.
    pub fn send(&self, bytes: impl Into<Vec<u8>>) {
        let _ = self.feed.send(Feed::Bytes(bytes.into()));
    }

    /// Writes one chunk of a chunked body.
    pub fn send_chunk(&self, data: &[u8]) {
        let mut framed = format!("{:x}\r\n", data.len()).into_bytes();
        framed.extend_from_slice(data);
        framed.extend_from_slice(b"\r\n");
        self.send(framed);
    }

    /// Ends a chunked body (its last, empty chunk).
    pub fn end_chunks(&self) {
        self.send(b"0\r\n\r\n".to_vec());
    }

    /// Closes the connection (a body cut short unless it was complete).
    pub fn close(&self) {
        let _ = self.feed.send(Feed::Close);
    }

    /// Connections accepted so far (counted before the request is read).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// The head of a chunked `200`.
pub const CHUNKED: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked";

/// The head of a `200` announcing `length` bytes.
pub fn with_length(length: u64) -> String {
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {length}")
}

/// Reads the request head (the tests send no body), writes `head`, then the feed until a close.
/// False once the test has dropped the listener.
fn answer(stream: std::net::TcpStream, head: &str, fed: &Receiver<Feed>) -> bool {
    let Ok(mut writer) = stream.try_clone() else {
        return true;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim_end().is_empty() {
            break;
        }
    }
    if writer.write_all(head.as_bytes()).is_err() {
        return true;
    }
    loop {
        match fed.recv() {
            Ok(Feed::Bytes(bytes)) => {
                if writer
                    .write_all(&bytes)
                    .and_then(|()| writer.flush())
                    .is_err()
                {
                    return true;
                }
            }
            Ok(Feed::Close) => return true,
            Err(_) => return false,
        }
    }
}
