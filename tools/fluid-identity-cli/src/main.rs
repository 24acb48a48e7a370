//! `fluid-identity`: mint an `X-Fluid-Identity` header value, or verify one.
//!
//! ```text
//! fluid-identity sign --region eu-west-1 --audience orders-api [--expires 60]
//! fluid-identity verify --audience orders-api --allow 'arn:aws:iam::111122223333:role/*' < value
//! fluid-identity request --audience orders-api [-X POST] [-H 'K: V'] [--data @file] https://…/v1/…
//! ```
//!
//! `verify` prints the principal as JSON and exits 0, or prints an RFC 9457 problem and exits 1.
//! `request` prints the response body (exit codes in [`request`]).

mod request;

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::provider::ProvideCredentials;
use clap::{Parser, Subcommand};
use fluid_identity::{
    Allowlist, AllowlistPolicy, Audience, Authenticate, DEFAULT_MAX_RESPONSE_BYTES, Gate,
    HostAllowlist, HttpStsClient, Verifier, VerifierConfig, check_audience, presign,
};
use problem_details::Problem;

#[derive(Parser)]
#[command(
    name = "fluid-identity",
    version,
    about = "Sign or verify X-Fluid-Identity header values"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Presign STS GetCallerIdentity with credentials from the standard AWS chain and print the
    /// header value.
    Sign {
        /// Region whose STS endpoint the value targets (and the signing region).
        #[arg(long)]
        region: String,
        /// The service the value is for (signed as `x-fluid-audience`).
        #[arg(long)]
        audience: String,
        /// Validity in seconds (1..=900).
        #[arg(long, default_value_t = 60)]
        expires: u64,
    },
    /// Read a header value on stdin, verify it with STS and print the principal as JSON.
    Verify {
        /// This service's audience; only values signed for it verify.
        #[arg(long)]
        audience: String,
        /// Allowlist entry: an ARN pattern with `*` wildcards, optionally `ROLE=PATTERN` to put it
        /// in a named role (default role: `allowed`). Repeatable; at least one.
        #[arg(long = "allow", required = true)]
        allow: Vec<String>,
        /// Accept `arn:P:sts::A:federated-user/…` entries: their names are chosen by whoever calls
        /// `sts:GetFederationToken`.
        #[arg(long)]
        allow_federated_users: bool,
        /// Accept a wildcard account (`arn:P:iam::*:…`) and the bare `*`: every AWS account.
        #[arg(long)]
        allow_any_account: bool,
        /// Send the validated request to this base URL (e.g. `http://127.0.0.1:8080`) instead of
        /// the STS host, keeping the `Host` header. For tests against a local STS.
        #[arg(long)]
        sts_endpoint: Option<String>,
        /// Maximum accepted X-Amz-Expires, in seconds.
        #[arg(long, default_value_t = 900)]
        max_expiry: u64,
        /// Total timeout for the STS call, in milliseconds.
        #[arg(long, default_value_t = 2000)]
        timeout_ms: u64,
        /// Restrict STS hosts to these regions (repeatable; default: all known regions).
        #[arg(long = "region")]
        regions: Vec<String>,
    },
    /// Call an oac-kit API like curl: X-Fluid-Identity minted for the audience, the body's
    /// x-amz-content-sha256 set, the response body on stdout.
    Request(request::RequestArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        match cli.command {
            Command::Sign {
                region,
                audience,
                expires,
            } => sign(region, audience, expires).await,
            Command::Verify {
                audience,
                allow,
                allow_federated_users,
                allow_any_account,
                sts_endpoint,
                max_expiry,
                timeout_ms,
                regions,
            } => {
                let policy = AllowlistPolicy {
                    allow_federated_users,
                    allow_any_account,
                };
                verify(
                    audience,
                    allow,
                    policy,
                    sts_endpoint,
                    max_expiry,
                    timeout_ms,
                    regions,
                )
                .await
            }
            Command::Request(args) => request::request(args).await,
        }
    })
}

async fn sign(region: String, audience: String, expires: u64) -> ExitCode {
    // Checked before the credential chain is asked, so a typo fails fast and offline.
    if let Err(e) = check_audience(&audience) {
        return fail_usage(&e.to_string());
    }
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.clone()))
        .load()
        .await;
    let Some(provider) = config.credentials_provider() else {
        return fail_usage("no AWS credentials provider is configured");
    };
    let credentials = match provider.provide_credentials().await {
        Ok(c) => c,
        Err(e) => return fail_usage(&format!("could not load AWS credentials: {e}")),
    };
    match presign(
        &credentials,
        &region,
        &audience,
        Duration::from_secs(expires),
        SystemTime::now(),
    ) {
        Ok(value) => {
            println!("{value}");
            ExitCode::SUCCESS
        }
        Err(e) => fail_usage(&e.to_string()),
    }
}

async fn verify(
    audience: String,
    allow: Vec<String>,
    policy: AllowlistPolicy,
    sts_endpoint: Option<String>,
    max_expiry: u64,
    timeout_ms: u64,
    regions: Vec<String>,
) -> ExitCode {
    let audience = match Audience::new(audience) {
        Ok(audience) => audience,
        Err(e) => return fail_usage(&e.to_string()),
    };
    let mut allowlist = Allowlist::with_policy(policy);
    for entry in &allow {
        let (role, pattern) = match entry.split_once('=') {
            Some((role, pattern)) if !role.contains(':') => (role, pattern),
            _ => ("allowed", entry.as_str()),
        };
        if let Err(e) = allowlist.add(role, pattern) {
            return fail_usage(&e.to_string());
        }
    }
    let mut config = VerifierConfig::new(audience);
    config.policy.max_expiry = Duration::from_secs(max_expiry);
    if !regions.is_empty() {
        let regions: Vec<&str> = regions.iter().map(String::as_str).collect();
        match HostAllowlist::for_regions(&regions) {
            Ok(hosts) => config.policy.hosts = hosts,
            Err(e) => return fail_usage(&e.to_string()),
        }
    }
    let client = match HttpStsClient::new(
        Duration::from_millis(timeout_ms),
        DEFAULT_MAX_RESPONSE_BYTES,
    ) {
        Ok(c) => c,
        Err(e) => return fail_usage(&format!("HTTP client: {e}")),
    };
    let client = match sts_endpoint {
        Some(base) => client.with_endpoint(&base),
        None => client,
    };
    let gate = Gate::new(Verifier::new(config, client), allowlist);

    // The value is a bearer credential: read it, never echo it.
    let mut input = String::new();
    let read = std::io::stdin().take(64 * 1024).read_to_string(&mut input);
    if read.is_err() {
        return print_problem(&fluid_identity::Rejection::InvalidCharacter.to_problem());
    }
    let value = input
        .strip_suffix("\r\n")
        .or_else(|| input.strip_suffix('\n'))
        .unwrap_or(&input);

    match gate.authenticate(value).await {
        Ok(authorized) => {
            let json = serde_json::to_string_pretty(&authorized).expect("serializable");
            let _ = writeln!(std::io::stdout(), "{json}");
            ExitCode::SUCCESS
        }
        Err(rejection) => print_problem(&rejection.to_problem()),
    }
}

fn print_problem(problem: &Problem) -> ExitCode {
    let _ = writeln!(std::io::stdout(), "{}", problem.to_json());
    ExitCode::from(1)
}

/// A usage or environment problem (bad flag value, no credentials): a problem JSON on stderr, exit 2.
fn fail_usage(detail: &str) -> ExitCode {
    let problem = Problem::new("identity-usage", "Invalid invocation", 400).with_detail(detail);
    let _ = writeln!(std::io::stderr(), "{}", problem.to_json());
    ExitCode::from(2)
}
