//! `request` writes the body as it arrives and stops at `--max-bytes`: a chunk reaches stdout
//! while the server is still sending (the server goes on only once the test has read it), an
//! answer past the cap exits 3 with a problem after what came before it, a `content-length`
//! above it exits 3 before reading, a body of exactly the cap passes, a stream cut short exits 3.

mod common;

use std::io::Read;

use common::{problem, request, request_command};
use test_support::paced_listener::{CHUNKED, PacedListener, with_length};

/// The problem of a run that got no whole answer (exit 3).
fn no_whole_answer(out: &std::process::Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    problem(out)
}

#[test]
fn each_chunk_reaches_stdout_while_the_server_is_still_sending() {
    let server = PacedListener::start(CHUNKED);
    server.send_chunk(b"data: first\n\n");
    let url = format!("{}/v1/audit-events/stream", server.url());
    let mut child = request_command(&[&url]).spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 13];
    stdout.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"data: first\n\n");
    // Only now does the server send the rest: the first chunk came out while it was running.
    server.send_chunk(b"data: second\n\n");
    server.end_chunks();
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    assert_eq!(rest, b"data: second\n\n");
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn an_answer_past_max_bytes_exits_3_after_writing_what_came_before() {
    let server = PacedListener::start(CHUNKED);
    for chunk in [b"0123456789", b"abcdefghij", b"ABCDEFGHIJ"] {
        server.send_chunk(chunk);
    }
    server.end_chunks();
    let url = format!("{}/v1/audit-events/export", server.url());
    let out = request(&["--max-bytes", "25", &url], &[]);
    let problem = no_whole_answer(&out);
    assert_eq!(problem["type"], "urn:oac-kit:problem:response-too-large");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("--max-bytes 25"), "{detail}");
    assert!(detail.contains("bytes had arrived"), "{detail}");
    // Everything up to the chunk that passed the cap, and nothing past the cap.
    let body = b"0123456789abcdefghijABCDEFGHIJ";
    assert!(body.starts_with(&out.stdout), "{:?}", out.stdout);
    assert!((20..=25).contains(&out.stdout.len()), "{:?}", out.stdout);
}

#[test]
fn a_content_length_above_max_bytes_exits_3_before_reading() {
    // 100 bytes announced, none sent: only a refusal before reading returns.
    let server = PacedListener::start(&with_length(100));
    let url = format!("{}/v1/blob", server.url());
    let out = request(&["--max-bytes", "50", &url], &[]);
    let problem = no_whole_answer(&out);
    assert_eq!(problem["type"], "urn:oac-kit:problem:response-too-large");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("content-length"),
        "{problem}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_body_of_exactly_max_bytes_is_written_whole() {
    let server = PacedListener::start(&with_length(30));
    server.send(vec![b'x'; 30]);
    let url = format!("{}/v1/blob", server.url());
    let out = request(&["--max-bytes", "30", &url], &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, vec![b'x'; 30]);
}

#[test]
fn a_stream_cut_short_exits_3_after_writing_what_came() {
    let server = PacedListener::start(CHUNKED);
    server.send_chunk(b"{\"id\":1}\n");
    server.close();
    let url = format!("{}/v1/audit-events/export", server.url());
    let out = request(&[&url], &[]);
    let problem = no_whole_answer(&out);
    assert_eq!(problem["type"], "urn:oac-kit:problem:request-failed");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("cut short after 9 bytes"),
        "{problem}"
    );
    assert_eq!(out.stdout, b"{\"id\":1}\n");
}

#[test]
fn max_bytes_that_is_not_a_number_is_a_usage_error() {
    let out = request(
        &["--max-bytes", "lots", "http://127.0.0.1:9/v1/whoami"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-bytes"));
}
