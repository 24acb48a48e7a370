//! `http-load --url http://127.0.0.1:8080/health --requests 100000 --connections 32`
//!
//! Sends exactly `--requests` requests over `--connections` keep-alive HTTP/1.1 connections to a
//! loopback address, then prints requests/s, latency percentiles and the count of non-2xx answers
//! and errors. Bounded by count and by `--timeout`; it stops by itself. Only loopback targets are
//! accepted: this is a benchmark tool, not a traffic generator.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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
    /// Append `-{n}` to the value of this header, so each request differs (e.g. Idempotency-Key).
    #[arg(long)]
    unique_header: Option<String>,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// Print one line of JSON instead of text.
    #[arg(long)]
    json: bool,
}

struct Target {
    address: SocketAddr,
    host: String,
    path: String,
}

fn parse_url(url: &str) -> Result<Target> {
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
    Ok(Target {
        address,
        host: authority.to_owned(),
        path: path.to_owned(),
    })
}

fn render(args: &Args, target: &Target, n: u64) -> Vec<u8> {
    let mut req = format!(
        "{} {} HTTP/1.1\r\nhost: {}\r\ncontent-length: {}\r\n",
        args.method,
        target.path,
        target.host,
        args.body.len()
    );
    for h in &args.headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    if let Some(name) = &args.unique_header {
        req.push_str(&format!("{name}: load-{n}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(&args.body);
    req.into_bytes()
}

/// Reads one response; returns its status. Handles content-length bodies (what our servers send).
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<u16> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..end]).context("response head is not UTF-8")?;
            let status: u16 = head
                .get(9..12)
                .and_then(|s| s.parse().ok())
                .context("bad status line")?;
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (n, v) = l.split_once(':')?;
                    n.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .context("response without content-length")?;
            let total = end + 4 + length;
            while buf.len() < total {
                read_more(stream, buf).await?;
            }
            buf.drain(..total);
            return Ok(status);
        }
        read_more(stream, buf).await?;
    }
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<()> {
    let mut chunk = [0u8; 16 * 1024];
    let n = stream.read(&mut chunk).await?;
    if n == 0 {
        bail!("connection closed");
    }
    buf.extend_from_slice(&chunk[..n]);
    Ok(())
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
    let args = Arc::new(args);
    let target = Arc::new(parse_url(&args.url)?);
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.connections.max(1) {
        let (args, target, next) = (args.clone(), target.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let (mut non_2xx, mut errors) = (0u64, 0u64);
            let mut stream: Option<TcpStream> = None;
            let mut buf = Vec::with_capacity(64 * 1024);
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= args.requests {
                    break;
                }
                let request = render(&args, &target, n);
                let t = Instant::now();
                let result: Result<u16> = async {
                    if stream.is_none() {
                        let s = TcpStream::connect(target.address).await?;
                        s.set_nodelay(true)?;
                        stream = Some(s);
                        buf.clear();
                    }
                    let s = stream.as_mut().expect("connected");
                    s.write_all(&request).await?;
                    read_response(s, &mut buf).await
                }
                .await;
                match result {
                    Ok(status) => {
                        latencies.push(t.elapsed());
                        if !(200..300).contains(&status) {
                            non_2xx += 1;
                        }
                    }
                    Err(_) => {
                        errors += 1;
                        stream = None;
                    }
                }
            }
            (latencies, non_2xx, errors)
        }));
    }
    let all = async {
        let mut latencies = Vec::new();
        let (mut non_2xx, mut errors) = (0, 0);
        for task in tasks {
            let (l, n, e) = task.await?;
            latencies.extend(l);
            non_2xx += n;
            errors += e;
        }
        anyhow::Ok((latencies, non_2xx, errors))
    };
    let (mut latencies, non_2xx, errors) =
        tokio::time::timeout(Duration::from_secs(args.timeout), all)
            .await
            .context("timed out")??;
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    let rps = latencies.len() as f64 / elapsed.as_secs_f64();
    if args.json {
        println!(
            "{{\"requests\":{},\"rps\":{rps:.0},\"p50_ms\":{:.3},\"p99_ms\":{:.3},\"max_ms\":{:.3},\"non_2xx\":{non_2xx},\"errors\":{errors}}}",
            latencies.len(),
            pct(0.50),
            pct(0.99),
            pct(1.0)
        );
    } else {
        println!(
            "{} {}: {} requests in {:.2} s over {} connections: {rps:.0} req/s, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms, non-2xx {non_2xx}, errors {errors}",
            args.method,
            args.url,
            latencies.len(),
            elapsed.as_secs_f64(),
            args.connections,
            pct(0.50),
            pct(0.99),
            pct(1.0)
        );
    }
    if errors > 0 {
        bail!("{errors} requests failed");
    }
    Ok(())
}
