//! `fluid-identity request`: a curl-like call of an oac-kit API through `oac-client` — the
//! identity minted for `--audience`, the body's `x-amz-content-sha256`, retries when safe.
//!
//! The response body goes to stdout as received; `-i` prints the status line and headers to
//! stderr, `-v` also the request line. Exit codes: 0 below 400, 4 for 4xx, 5 for 5xx (the body
//! still on stdout), 3 when no answer came (a problem JSON on stderr), 2 for usage errors —
//! among them a plain `http://` URL to anything but loopback (`localhost`, `127.0.0.0/8`,
//! `[::1]`), refused before the identity is minted. The proxy variables of the environment
//! (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`) are ignored unless `--use-env-proxy`.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::Args;
use oac_client::{Error, OacClient, OacResponse};

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
    /// The URL (`https://host/path?query`; `http://` only to localhost, 127.0.0.0/8 or [::1]).
    url: String,
}

/// Runs `request`.
pub async fn request(args: RequestArgs) -> ExitCode {
    match run(args).await {
        Ok(code) => code,
        Err(Failure::Usage(detail)) => crate::fail_usage(&detail),
        Err(Failure::NoAnswer(detail)) => {
            let problem = problem_details::Problem::new("request-failed", "No answer", 502)
                .with_detail(detail);
            let _ = writeln!(std::io::stderr(), "{}", problem.to_json());
            ExitCode::from(3)
        }
    }
}

enum Failure {
    Usage(String),
    NoAnswer(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::Transport(_) => Failure::NoAnswer(e.to_string()),
            other => Failure::Usage(other.to_string()),
        }
    }
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
    let mut builder = OacClient::builder(base, &args.audience);
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
    let response = request.send_raw().await?;
    if args.include || args.verbose {
        print_head(&response);
    }
    let _ = std::io::stdout().write_all(&response.body);
    Ok(exit_code(response.status))
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

fn print_head(response: &OacResponse) {
    let mut err = std::io::stderr().lock();
    let reason = http::StatusCode::from_u16(response.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let _ = writeln!(err, "< HTTP {} {reason}", response.status);
    for (name, value) in &response.headers {
        let _ = writeln!(
            err,
            "< {name}: {}",
            String::from_utf8_lossy(value.as_bytes())
        );
    }
}
