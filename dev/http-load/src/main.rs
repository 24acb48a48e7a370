//! `http-load --url http://127.0.0.1:8080/health --requests 100000 --connections 32`
//!
//! Sends exactly `--requests` requests over `--connections` keep-alive HTTP/1.1 connections to a
//! loopback address, then prints requests/s, latency percentiles and the count of non-2xx
//! answers and errors. Bounded by count and by `--timeout`; it stops by itself.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;

#[derive(Parser)]
#[command(name = "http-load")]
struct Args {
    /// `http://127.0.0.1:PORT/path?query` (loopback only).
    #[arg(long)]
    url: String,
    /// Total requests.
    #[arg(long, default_value_t = 10_000)]
    requests: u64,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 16)]
    connections: u64,
    /// Method.
    #[arg(long, default_value = "GET")]
    method: String,
    /// Extra header `Name: value` (repeatable).
    #[arg(long = "header")]
    headers: Vec<String>,
    /// Request body (sent with content-length).
    #[arg(long, default_value = "")]
    body: String,
    /// Send this header with `load-{n}` as its value, so each request differs (e.g. Idempotency-Key).
    #[arg(long)]
    unique_header: Option<String>,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// Print one line of JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// `(address, host header, path)` of a loopback `http://` URL.
fn parse_url(url: &str) -> Result<(SocketAddr, String, String)> {
    let rest = url.strip_prefix("http://").context("only http:// URLs")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let address: SocketAddr = authority
        .parse()
        .with_context(|| format!("{authority:?} must be IP:PORT"))?;
    if !address.ip().is_loopback() {
        bail!("{address} is not a loopback address: http-load only targets this machine");
    }
    Ok((address, authority.to_owned(), path.to_owned()))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    match load(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("http-load: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn load(args: Args) -> Result<()> {
    let (address, host, path) = parse_url(&args.url)?;
    let head = {
        let mut head = format!(
            "{} {path} HTTP/1.1\r\nhost: {host}\r\ncontent-length: {}\r\n",
            args.method,
            args.body.len()
        );
        for h in &args.headers {
            head.push_str(h);
            head.push_str("\r\n");
        }
        head
    };
    let (unique, body) = (args.unique_header.clone(), args.body.clone());
    let request: http_load::RequestFn = Arc::new(move |n| {
        let mut req = head.clone();
        if let Some(name) = &unique {
            req.push_str(&format!("{name}: load-{n}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(&body);
        req.into_bytes()
    });
    let run = tokio::time::timeout(
        Duration::from_secs(args.timeout),
        http_load::run(address, args.connections, args.requests, request),
    )
    .await
    .context("timed out")?;
    let (p50, p99, max) = (
        run.percentile_ms(0.5),
        run.percentile_ms(0.99),
        run.percentile_ms(1.0),
    );
    if args.json {
        println!(
            "{{\"requests\":{},\"rps\":{:.0},\"p50_ms\":{p50:.3},\"p99_ms\":{p99:.3},\"max_ms\":{max:.3},\"non_2xx\":{},\"errors\":{}}}",
            run.latencies.len(),
            run.rps(),
            run.non_2xx(),
            run.errors
        );
    } else {
        println!(
            "{} {}: {} requests in {:.2} s over {} connections: {:.0} req/s, p50 {p50:.3} ms, p99 {p99:.3} ms, max {max:.3} ms, non-2xx {}, errors {}",
            args.method,
            args.url,
            run.latencies.len(),
            run.elapsed.as_secs_f64(),
            args.connections,
            run.rps(),
            run.non_2xx(),
            run.errors
        );
    }
    if run.errors > 0 {
        bail!("{} requests failed", run.errors);
    }
    Ok(())
}
