//! A bounded HTTP/1.1 load generator for loopback benchmarks: exactly `total` requests over
//! `connections` keep-alive connections, then requests/s, latency percentiles and status counts.
//! Used by the `http-load` CLI (the chain's load run) and by the api's `cargo bench`.
//!
//! ```no_run
//! # async fn demo() {
//! use std::sync::Arc;
//! let run = http_load::run(
//!     "127.0.0.1:8080".parse().unwrap(),
//!     16,
//!     10_000,
//!     Arc::new(|_| b"GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n".to_vec()),
//! )
//! .await;
//! println!("{:.0} req/s, p99 {:.2} ms", run.rps(), run.percentile_ms(0.99));
//! # }
//! ```

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Builds the raw bytes of request number `n` (so requests can differ, e.g. idempotency keys).
pub type RequestFn = Arc<dyn Fn(u64) -> Vec<u8> + Send + Sync>;

/// The outcome of one run.
#[derive(Debug, Clone)]
pub struct Run {
    /// Wall time of the whole run.
    pub elapsed: Duration,
    /// Latency of every answered request, sorted.
    pub latencies: Vec<Duration>,
    /// How many answers had each status.
    pub statuses: BTreeMap<u16, u64>,
    /// Requests that got no answer (connection errors, unparsable responses).
    pub errors: u64,
}

impl Run {
    /// Answered requests per second.
    pub fn rps(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// Latency at quantile `q` (0.5 = median, 1.0 = max), in milliseconds.
    pub fn percentile_ms(&self, q: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 * q).ceil() as usize).clamp(1, self.latencies.len());
        self.latencies[i - 1].as_secs_f64() * 1e3
    }

    /// Answers whose status is not 2xx.
    pub fn non_2xx(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(s, _)| !(200..300).contains(*s))
            .map(|(_, n)| n)
            .sum()
    }
}

/// Sends `total` requests from `request` over `connections` keep-alive connections to
/// `address`, which must be a loopback address (this is a benchmark tool, not a traffic
/// generator): anything else returns a run with every request counted as an error.
pub async fn run(address: SocketAddr, connections: u64, total: u64, request: RequestFn) -> Run {
    let started = Instant::now();
    if !address.ip().is_loopback() {
        return Run {
            elapsed: started.elapsed(),
            latencies: Vec::new(),
            statuses: BTreeMap::new(),
            errors: total,
        };
    }
    let next = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..connections.max(1))
        .map(|_| {
            let (next, request) = (next.clone(), request.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
                let mut errors = 0u64;
                let mut stream: Option<TcpStream> = None;
                let mut buf = Vec::with_capacity(64 * 1024);
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        break;
                    }
                    let bytes = request(n);
                    let t = Instant::now();
                    match exchange(&mut stream, address, &bytes, &mut buf).await {
                        Ok(status) => {
                            latencies.push(t.elapsed());
                            *statuses.entry(status).or_default() += 1;
                        }
                        Err(_) => {
                            errors += 1;
                            stream = None;
                        }
                    }
                }
                (latencies, statuses, errors)
            })
        })
        .collect();
    let mut all = Run {
        elapsed: Duration::ZERO,
        latencies: Vec::with_capacity(total as usize),
        statuses: BTreeMap::new(),
        errors: 0,
    };
    for task in tasks {
        let Ok((latencies, statuses, errors)) = task.await else {
            all.errors += 1;
            continue;
        };
        all.latencies.extend(latencies);
        for (s, n) in statuses {
            *all.statuses.entry(s).or_default() += n;
        }
        all.errors += errors;
    }
    all.elapsed = started.elapsed();
    all.latencies.sort_unstable();
    all
}

async fn exchange(
    stream: &mut Option<TcpStream>,
    address: SocketAddr,
    request: &[u8],
    buf: &mut Vec<u8>,
) -> std::io::Result<u16> {
    if stream.is_none() {
        let s = TcpStream::connect(address).await?;
        s.set_nodelay(true)?;
        *stream = Some(s);
        buf.clear();
    }
    let s = stream.as_mut().expect("connected above");
    s.write_all(request).await?;
    read_response(s, buf).await
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned())
}

/// Reads one response with a `content-length` body (what the servers measured here send).
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<u16> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..end]).map_err(|_| invalid("response head"))?;
            let status: u16 = head
                .get(9..12)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| invalid("status line"))?;
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (n, v) = l.split_once(':')?;
                    n.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .ok_or_else(|| invalid("response without content-length"))?;
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

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<()> {
    let mut chunk = [0u8; 16 * 1024];
    let n = stream.read(&mut chunk).await?;
    if n == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    buf.extend_from_slice(&chunk[..n]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_statuses_and_refuses_non_loopback_targets() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let mut served = 0u32;
                    while let Ok(n) = s.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        served += 1;
                        let status = if served.is_multiple_of(2) {
                            "404 Not Found"
                        } else {
                            "200 OK"
                        };
                        let reply = format!("HTTP/1.1 {status}\r\ncontent-length: 2\r\n\r\nok");
                        if s.write_all(reply.as_bytes()).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        let request: RequestFn = Arc::new(|_| b"GET / HTTP/1.1\r\nhost: x\r\n\r\n".to_vec());
        let run = run(address, 1, 10, request.clone()).await;
        assert_eq!(run.latencies.len(), 10);
        assert_eq!(run.statuses.get(&200), Some(&5));
        assert_eq!(run.non_2xx(), 5);
        assert_eq!(run.errors, 0);

        let elsewhere = super::run("192.0.2.1:80".parse().unwrap(), 1, 3, request).await;
        assert_eq!((elsewhere.errors, elsewhere.latencies.len()), (3, 0));
    }
}
