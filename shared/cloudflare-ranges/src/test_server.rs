//! A one-request HTTP server on 127.0.0.1 for tests of the fetches: no internet needed.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

/// Accepts one connection, reads the request head, then lets `respond` write the answer.
/// Returns the base URL (`http://127.0.0.1:port`) and a handle yielding the request line.
pub fn serve(
    respond: impl FnOnce(&mut TcpStream) + Send + 'static,
) -> (String, thread::JoinHandle<String>) {
    let (base, listener) = listen();
    let handle = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let request_line = read_request_line(&mut stream);
        respond(&mut stream);
        request_line
    });
    (base, handle)
}

/// Serves one answer with `status`, the extra `headers` (`name: value` lines) and `body`
/// (with its content-length).
pub fn serve_answer(
    status: u16,
    headers: &str,
    body: String,
) -> (String, thread::JoinHandle<String>) {
    let headers = headers.to_owned();
    serve(move |stream| {
        // The client may hang up early (a refused answer); that is not the server's failure.
        let _ = write!(
            stream,
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
    })
}

/// A listener on 127.0.0.1 (any port) and its base URL.
pub fn listen() -> (String, TcpListener) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    (base, listener)
}

fn read_request_line(stream: &mut TcpStream) -> String {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request).into_owned();
    text.lines().next().unwrap_or_default().to_owned()
}
