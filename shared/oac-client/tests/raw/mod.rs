//! A loopback HTTP/1.1 server the test writes the answer of, byte by byte: the head at once, the
//! body when the test feeds it. The test decides when the server is done, so "the client saw
//! the first chunk before the server finished" is an ordering fact, not a timing.
#![allow(dead_code)] // each test file uses a different subset

use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{Mutex, mpsc};

/// What the server writes after the head.
pub enum Feed {
    /// These bytes, as they are.
    Bytes(Vec<u8>),
    /// Close the connection (a body cut short, unless it was complete).
    Close,
}

/// The server: answers every connection with `head`, then what the test feeds.
pub struct RawServer {
    url: String,
    feed: mpsc::UnboundedSender<Feed>,
    connections: Arc<std::sync::atomic::AtomicUsize>,
}

impl RawServer {
    /// Listens on a free loopback port; `head` is the status line and headers (no blank line).
    pub async fn start(head: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (feed, fed) = mpsc::unbounded_channel();
        let fed = Arc::new(Mutex::new(fed));
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let head = format!("{head}\r\n\r\n");
        let counted = connections.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                // The request head (the tests send no body).
                while let Ok(Some(line)) = lines.next_line().await {
                    if line.is_empty() {
                        break;
                    }
                }
                write.write_all(head.as_bytes()).await.unwrap();
                let mut fed = fed.lock().await;
                while let Some(Feed::Bytes(bytes)) = fed.recv().await {
                    if write.write_all(&bytes).await.is_err() {
                        break;
                    }
                }
            }
        });
        Self {
            url,
            feed,
            connections,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Writes `bytes` to the client now.
    pub fn send(&self, bytes: impl Into<Vec<u8>>) {
        let _ = self.feed.send(Feed::Bytes(bytes.into()));
    }

    /// Writes one chunk of a `transfer-encoding: chunked` body.
    pub fn send_chunk(&self, data: &[u8]) {
        let mut framed = format!("{:x}\r\n", data.len()).into_bytes();
        framed.extend_from_slice(data);
        framed.extend_from_slice(b"\r\n");
        self.send(framed);
    }

    /// Ends a chunked body (the last, empty chunk).
    pub fn end_chunks(&self) {
        self.send(b"0\r\n\r\n".to_vec());
    }

    /// Closes the connection.
    pub fn close(&self) {
        let _ = self.feed.send(Feed::Close);
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The head of a chunked `200`.
pub const CHUNKED: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked";

/// The head of a `200` announcing `length` bytes.
pub fn with_length(length: u64) -> String {
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {length}")
}
