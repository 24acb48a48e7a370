//! `OAC_ECHO_MODE=stream`: a streamed body made to order by the query —
//! `?chunks=N&size=B&delay_ms=D&encoding=gzip&fail_after=K&hold_until=PATH`:
//!
//! - `chunks` (default 3) chunks of `size` bytes (default 16), `delay_ms` apart (default 0); the
//!   body's byte at offset `n` is `PATTERN[n % PATTERN.len()]`, so a test can rebuild it;
//! - `encoding=gzip`: the body gzip-compressed as it goes (each chunk flushed), with
//!   `content-encoding: gzip`;
//! - `fail_after=K`: after K chunks the function dies (its process exits), which cuts the response
//!   mid-stream. `lambda_runtime` cannot report an error mid-stream in the trailers (it writes them
//!   into the body, issue 20's research §1), so a crash is the failure it can show;
//! - `hold_until=PATH`: after the first chunk, wait until PATH exists (at most 30 s) — a test
//!   creates it once that chunk reached the viewer, which proves it arrived before the function
//!   finished.

use std::convert::Infallible;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use axum::body::{Body as AxumBody, Bytes};
use flate2::Compression;
use flate2::write::GzEncoder;
use futures_util::stream::{self, Stream, StreamExt as _};
use lambda_http::{Error, Request, RequestExt, Response};

/// The repeating pattern of a streamed body.
pub const PATTERN: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\n";
/// The most a streamed body may be (past Lambda's 200 MB, to show the cap).
const MAX_TOTAL: u64 = 300 << 20;

/// What the query asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Order {
    chunks: u64,
    size: usize,
    delay: Duration,
    gzip: bool,
    fail_after: Option<u64>,
    hold_until: Option<PathBuf>,
}

/// The order the query gives, or why it is refused.
fn order(request: &Request) -> Result<Order, String> {
    let query = request.query_string_parameters();
    let number = |name: &str, default: u64| -> Result<u64, String> {
        query.first(name).map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| format!("{name}={v:?} is not a number"))
        })
    };
    let order = Order {
        chunks: number("chunks", 3)?,
        size: usize::try_from(number("size", 16)?).map_err(|e| e.to_string())?,
        delay: Duration::from_millis(number("delay_ms", 0)?),
        gzip: match query.first("encoding") {
            None | Some("identity") => false,
            Some("gzip") => true,
            Some(other) => return Err(format!("encoding={other:?}: only gzip")),
        },
        fail_after: query
            .first("fail_after")
            .map(|_| number("fail_after", 0))
            .transpose()?,
        hold_until: query.first("hold_until").map(PathBuf::from),
    };
    if order.chunks.saturating_mul(order.size as u64) > MAX_TOTAL {
        return Err(format!("chunks × size is over {MAX_TOTAL} bytes"));
    }
    Ok(order)
}

/// The streamed answer (a 400 problem for a query it cannot follow).
pub async fn answer(request: Request) -> Result<Response<AxumBody>, Error> {
    let order = match order(&request) {
        Ok(order) => order,
        Err(detail) => {
            let problem = serde_json::json!({
                "type": "about:blank", "title": "Bad Request", "status": 400, "detail": detail,
            });
            return Ok(Response::builder()
                .status(400)
                .header("content-type", "application/problem+json")
                .body(AxumBody::from(problem.to_string()))?);
        }
    };
    let mut response = Response::builder()
        .status(200)
        .header("content-type", "text/plain");
    if order.gzip {
        response = response.header("content-encoding", "gzip");
    }
    Ok(response.body(AxumBody::from_stream(body(order)))?)
}

/// Bytes `offset..offset + len` of the pattern.
fn pattern(offset: u64, len: usize) -> Vec<u8> {
    (0..len as u64)
        .map(|i| PATTERN[((offset + i) % PATTERN.len() as u64) as usize])
        .collect()
}

struct State {
    order: Order,
    next: u64,
    encoder: Option<GzEncoder<Vec<u8>>>,
}

fn body(order: Order) -> impl Stream<Item = Result<Bytes, Infallible>> + Send {
    let encoder = order
        .gzip
        .then(|| GzEncoder::new(Vec::new(), Compression::fast()));
    let state = State {
        order,
        next: 0,
        encoder,
    };
    stream::unfold(state, |mut state| async move {
        let chunk = next_chunk(&mut state).await?;
        Some((Ok(Bytes::from(chunk)), state))
    })
    .boxed()
}

async fn next_chunk(state: &mut State) -> Option<Vec<u8>> {
    let order = &state.order;
    let i = state.next;
    if i >= order.chunks {
        // Past the last chunk: gzip's trailer, once.
        return state.encoder.take().map(|e| e.finish().unwrap_or_default());
    }
    if order.fail_after == Some(i) {
        // Let the chunks already handed over reach the socket, then die mid-stream.
        tokio::time::sleep(Duration::from_millis(200)).await;
        eprintln!("oac-echo: failing after {i} chunks (fail_after)");
        std::process::exit(70);
    }
    if i == 1
        && let Some(path) = &order.hold_until
    {
        hold_until(path).await;
    }
    if i > 0 && !order.delay.is_zero() {
        tokio::time::sleep(order.delay).await;
    }
    let plain = pattern(i * order.size as u64, order.size);
    state.next += 1;
    match &mut state.encoder {
        None => Some(plain),
        Some(encoder) => {
            let _ = encoder.write_all(&plain);
            let _ = encoder.flush();
            Some(std::mem::take(encoder.get_mut()))
        }
    }
}

async fn hold_until(path: &std::path::Path) {
    for _ in 0..1500 {
        if path.exists() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order_of(query: &[(&str, &str)]) -> Result<Order, String> {
        let params: std::collections::HashMap<String, String> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        order(&Request::default().with_query_string_parameters(params))
    }

    #[test]
    fn an_empty_query_is_three_chunks_of_16_bytes() {
        let o = order_of(&[]).unwrap();
        assert_eq!(
            (o.chunks, o.size, o.gzip, o.fail_after),
            (3, 16, false, None)
        );
    }

    #[test]
    fn a_query_sets_every_part_of_the_order() {
        let o = order_of(&[
            ("chunks", "5"),
            ("size", "100"),
            ("delay_ms", "20"),
            ("encoding", "gzip"),
            ("fail_after", "2"),
        ])
        .unwrap();
        assert_eq!(
            (o.chunks, o.size, o.delay, o.gzip, o.fail_after),
            (5, 100, Duration::from_millis(20), true, Some(2))
        );
    }

    #[test]
    fn a_number_that_is_not_one_is_refused() {
        assert!(
            order_of(&[("chunks", "many")])
                .unwrap_err()
                .contains("chunks")
        );
    }

    #[test]
    fn an_encoding_other_than_gzip_is_refused() {
        assert!(
            order_of(&[("encoding", "br")])
                .unwrap_err()
                .contains("only gzip")
        );
    }

    #[test]
    fn a_body_over_300_mib_is_refused() {
        let e = order_of(&[("chunks", "301"), ("size", "1048576")]).unwrap_err();
        assert!(e.contains("over"), "{e}");
    }

    #[test]
    fn the_pattern_continues_across_chunks() {
        let whole = pattern(0, 200);
        assert_eq!([pattern(0, 70), pattern(70, 130)].concat(), whole);
        assert_eq!(whole[63], b'0');
    }
}
