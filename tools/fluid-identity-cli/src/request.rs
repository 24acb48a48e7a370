//! `fluid-identity request`: a curl-like call of an oac-kit API through `oac-client` — the
//! identity minted for `--audience`, the body's `x-amz-content-sha256`, retries when safe.
//!
//! The response body goes to stdout chunk by chunk as it arrives, flushed each time (server-sent
//! events show as they come), up to `--max-bytes` (64 MiB unless set); `-i` prints the status
//! line and headers to stderr, `-v` also the request line. Exit codes: 0 below 400, 4 for 4xx, 5
//! for 5xx (the body still on stdout), 3 when no whole answer came — none, one cut short, or one
//! past `--max-bytes` (what came before is on stdout, a problem JSON on stderr) — 2 for usage
//! errors —
//! among them a plain `http://` URL to anything but loopback (`localhost`, `127.0.0.0/8`,
//! `[::1]`), refused before the identity is minted. The proxy variables of the environment
//! (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`) are ignored unless `--use-env-proxy`.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::Args;
use http::HeaderMap;
use oac_client::{Error, OacClient, OacStream};

/// The arguments of `request`.
#[derive(Args)]
pub struct RequestArgs {
    /// The audience of the API (its deployment's `Audience` output).
    #[arg(long)]
    audience: String,
    /// The STS region to sign for (default: the standard chain's region, e.g. `AWS_REGION`).
    #[arg(long)]
    region: Option<String>,
    /// The method (default GET, or POST with `--data`).
    #[arg(short = 'X', long = "request")]
    method: Option<String>,
    /// A request header, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header")]
    headers: Vec<String>,
    /// The body: a string, `@file`, or `@-` for stdin.
    #[arg(short = 'd', long = "data")]
    data: Option<String>,
    /// Print the status line and response headers to stderr.
    #[arg(short = 'i', long = "include")]
    include: bool,
    /// Like `-i`, and the request line too.
    #[arg(short = 'v', long)]
    verbose: bool,
    /// Send through the proxy `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` name (minus `NO_PROXY`);
    /// without it those variables are ignored.
    #[arg(long)]
    use_env_proxy: bool,
    /// The most body bytes to accept; past it the answer is cut off (exit 3, a problem on stderr).
    #[arg(long, value_name = "N", default_value_t = oac_client::DEFAULT_MAX_RESPONSE_BYTES)]
    max_bytes: u64,
    /// The URL (`https://host/path?query`; `http://` only to localhost, 127.0.0.0/8 or [::1]).
    url: String,
}

/// Runs `request`.
pub async fn request(args: RequestArgs) -> ExitCode {
    match run(args).await {
        Ok(code) => code,
        Err(Failure::Usage(detail)) => crate::fail_usage(&detail),
        Err(Failure::NoAnswer(detail)) => fail_answer("request-failed", "No answer", detail),
        Err(Failure::TooLarge(detail)) => {
            fail_answer("response-too-large", "Response too large", detail)
        }
    }
}

/// Exit 3 with a problem on stderr: no whole answer came.
fn fail_answer(slug: &str, title: &str, detail: String) -> ExitCode {
    let problem = problem_details::Problem::new(slug, title, 502).with_detail(detail);
    let _ = writeln!(std::io::stderr(), "{}", problem.to_json());
    ExitCode::from(3)
}

enum Failure {
    Usage(String),
    NoAnswer(String),
    TooLarge(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::Transport(_) => Failure::NoAnswer(e.to_string()),
            Error::ResponseTooLarge { limit, read } => Failure::TooLarge(too_large(limit, read)),
            other => Failure::Usage(other.to_string()),
        }
    }
}

/// The detail of an answer refused by `--max-bytes`.
fn too_large(limit: u64, read: u64) -> String {
    let what = match read {
        0 => "its content-length is".to_owned(),
        _ => format!("{read} bytes had arrived, which is"),
    };
    format!(
        "the answer was cut off: {what} more than --max-bytes {limit} (what came before the cap is on \
         stdout); raise --max-bytes or ask for less"
    )
}

async fn run(args: RequestArgs) -> Result<ExitCode, Failure> {
    let url = url::Url::parse(&args.url).map_err(|e| Failure::Usage(format!("URL: {e}")))?;
    let base = url.origin().ascii_serialization();
    let path = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let body = args.data.as_deref().map(read_data).transpose()?;
    let method = match (&args.method, &body) {
        (Some(m), _) => m
            .parse::<http::Method>()
            .map_err(|_| Failure::Usage(format!("method {m:?}")))?,
        (None, Some(_)) => http::Method::POST,
        (None, None) => http::Method::GET,
    };
    let mut builder = OacClient::builder(base, &args.audience).max_response_bytes(args.max_bytes);
    if let Some(region) = &args.region {
        builder = builder.region(region);
    }
    if args.use_env_proxy {
        builder = builder.use_env_proxy();
    }
    let client = builder.build().await?;
    let mut request = client.request(method.clone(), &path);
    for header in &args.headers {
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| Failure::Usage(format!("header {header:?} is not `Name: value`")))?;
        request = request.header(name.trim(), value.trim());
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    if args.verbose {
        let _ = writeln!(std::io::stderr(), "> {method} {url}");
    }
    let response = request.send_streaming_raw().await?;
    if args.include || args.verbose {
        print_head(response.status, &response.headers);
    }
    let status = response.status;
    copy_to_stdout(response).await?;
    Ok(exit_code(status))
}

/// Writes each chunk to stdout as it arrives, flushed (a shell sees server-sent events as they
/// come). Stops quietly when stdout is closed (`| head`).
async fn copy_to_stdout(mut response: OacStream) -> Result<(), Failure> {
    let mut stdout = std::io::stdout();
    loop {
        let chunk = match response.next_chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(()),
            Err(Error::Transport(e)) => {
                return Err(Failure::NoAnswer(format!(
                    "the answer was cut short after {} bytes: {e}",
                    response.bytes_read()
                )));
            }
            Err(e) => return Err(e.into()),
        };
        if stdout
            .write_all(&chunk)
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return Ok(());
        }
    }
}

/// 0 below 400, 4 for 4xx, 5 for 5xx.
fn exit_code(status: u16) -> ExitCode {
    match status {
        0..=399 => ExitCode::SUCCESS,
        400..=499 => ExitCode::from(4),
        _ => ExitCode::from(5),
    }
}

fn read_data(data: &str) -> Result<Vec<u8>, Failure> {
    match data.strip_prefix('@') {
        Some("-") => {
            let mut body = Vec::new();
            std::io::stdin()
                .read_to_end(&mut body)
                .map_err(|e| Failure::Usage(format!("stdin: {e}")))?;
            Ok(body)
        }
        Some(path) => std::fs::read(path).map_err(|e| Failure::Usage(format!("{path}: {e}"))),
        None => Ok(data.as_bytes().to_vec()),
    }
}

fn print_head(status: u16, headers: &HeaderMap) {
    let mut err = std::io::stderr().lock();
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let _ = writeln!(err, "< HTTP {status} {reason}");
    for (name, value) in headers {
        let _ = writeln!(
            err,
            "< {name}: {}",
            String::from_utf8_lossy(value.as_bytes())
        );
    }
}
