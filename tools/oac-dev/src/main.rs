//! `oac-dev --listen 127.0.0.1:8080 --function target/release/api`: the chain on localhost.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use ip_filter_core::origin_secret::{DEFAULT_HEADER, check_header_name};
use oac_dev::config::{InvokeMode, OriginSecretConfig};
use oac_dev::model::Grants;
use oac_dev::secret_source::{self, SecretSourceError};
use oac_dev::stop_signal::StopSignals;
use oac_dev::viewer_mtls::{self, ViewerMtlsConfig};
use oac_dev::viewer_tls::cloudflare_side::CloudflareSide;
use oac_dev::viewer_tls::pem::{self, Identity};
use oac_dev::{Chain, ChainConfig, VIEWER_IP_HEADER, ViewerFilter};

// The chain allocates per request (events, headers, JSON); mimalloc is markedly cheaper here.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Cloudflare → CloudFront (OAC) → Lambda Function URL, on localhost, with the real artifacts.
#[derive(Parser)]
#[command(name = "oac-dev", version)]
struct Args {
    /// Address to listen on, like a CloudFront distribution.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The function behind the Function URL (a lambda_http binary, e.g. target/release/api).
    #[arg(long)]
    function: PathBuf,
    /// Environment for the function, KEY=VALUE (repeatable).
    #[arg(long = "function-env", value_name = "KEY=VALUE", value_parser = key_value)]
    function_env: Vec<(String, String)>,
    /// Function instances (Lambda's concurrency).
    #[arg(long, default_value_t = 4)]
    instances: usize,
    /// Function timeout in seconds (for a streamed answer it bounds the whole stream).
    #[arg(long, default_value_t = 30)]
    function_timeout: u64,
    /// The Function URL's InvokeMode: `buffered` (BUFFERED, the whole answer) or
    /// `response-stream` (RESPONSE_STREAM: the answer passed on as the function streams it).
    #[arg(long, value_enum, default_value_t = InvokeModeArg::Buffered)]
    invoke_mode: InvokeModeArg,
    /// With `--invoke-mode response-stream`: don't pace a stream at Lambda's 2 MB/s after its
    /// first 6 MB.
    #[arg(long)]
    no_stream_bandwidth_cap: bool,
    /// The built edge artifacts (`cargo xtask edge` and `cargo xtask cloudfront-function`).
    #[arg(long, default_value = "target/edge")]
    edge_dir: PathBuf,
    /// The viewer-request Cloudflare filter.
    #[arg(long, value_enum, default_value_t = FilterArg::CloudfrontFunction)]
    viewer_filter: FilterArg,
    /// Present every viewer as this address (e.g. a Cloudflare edge address) instead of the
    /// socket's. Without it, a local curl is a non-Cloudflare viewer and gets the filter's 403.
    #[arg(long)]
    viewer_ip: Option<IpAddr>,
    /// Honour the `x-oac-dev-viewer-ip` request header (for tests that present many viewers).
    #[arg(long)]
    trust_viewer_ip_header: bool,
    /// Also require an origin secret in the viewer's request: read from PATH, one a line (at most
    /// 2: rotation); runs the KVS-mode viewer filter (the CloudFront Function, or with
    /// `--viewer-filter lambda-edge` the bundle against a KVS stand-in) with the compiled ranges
    /// and the secrets' hashes. Never logged. Or give them in the environment variable
    /// OAC_DEV_ORIGIN_SECRET (comma- or newline-separated); never on the command line.
    #[arg(long, value_name = "PATH")]
    origin_secret_file: Option<PathBuf>,
    /// No longer taken: a command line is readable by every user of the machine (`ps`).
    #[arg(long = "origin-secret", value_name = "VALUE", hide = true)]
    origin_secret_on_command_line: Vec<String>,
    /// The KeyValueStore: the KVS stand-in's state file, re-read when it changes (missing or
    /// unreadable: every read fails). Runs the KVS-mode viewer filter.
    #[arg(long, value_name = "PATH")]
    kvs_file: Option<PathBuf>,
    /// The header the origin secret comes in (baked into the KVS-mode function: build it with
    /// the same `--origin-secret-header`).
    #[arg(long, value_name = "NAME", default_value = DEFAULT_HEADER)]
    origin_secret_header: String,
    /// Misconfiguration: no body-hash function at origin-request.
    #[arg(long)]
    no_body_hash: bool,
    /// Misconfiguration: body-hash associated without IncludeBody.
    #[arg(long)]
    no_include_body: bool,
    /// Misconfiguration: the origin request policy forwards the viewer's Host.
    #[arg(long)]
    forward_host: bool,
    /// Misconfiguration: the resource policy lacks lambda:InvokeFunction (URLs since Oct 2025).
    #[arg(long)]
    missing_invoke_function_permission: bool,
    /// Node.js binary for the edge functions.
    #[arg(long, default_value = "node")]
    node: PathBuf,
    /// Node.js edge workers.
    #[arg(long, default_value_t = 2)]
    edge_workers: usize,
    /// Don't print a line per request.
    #[arg(long)]
    quiet: bool,
    /// Viewer mTLS (CloudFront's `ViewerMtlsConfig`, mode required): `--listen` serves HTTPS and
    /// requires a client certificate from this PEM CA bundle (the TrustStore), then runs the
    /// Connection Function (`viewer-mtls.connection.js` in --edge-dir) on its serial.
    #[arg(long, value_name = "PATH")]
    viewer_mtls_trust_store: Option<PathBuf>,
    /// The Connection Function's KeyValueStore: the KVS stand-in's state file (keys
    /// `serial:<hex>`), re-read when it changes (missing or unreadable: every connection is
    /// refused).
    #[arg(long, value_name = "PATH")]
    viewer_mtls_kvs_file: Option<PathBuf>,
    /// CloudFront's IgnoreCertificateExpiry: an expired but otherwise valid client certificate
    /// reaches the Connection Function.
    #[arg(long)]
    viewer_mtls_ignore_certificate_expiry: bool,
    /// The HTTPS listener's certificate chain (PEM); without it one is generated at start for
    /// localhost and 127.0.0.1 and written to --tls-cert-out.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The key of --tls-cert (PEM).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Where the generated server certificate is written (for `curl --cacert`).
    #[arg(
        long,
        value_name = "PATH",
        default_value = "target/oac-dev/viewer-tls-cert.pem"
    )]
    tls_cert_out: PathBuf,
    /// A local Cloudflare side (Authenticated Origin Pulls): a plain-HTTP listener forwarding
    /// every request to the mTLS listener presenting --cloudflare-client-cert.
    #[arg(long, value_name = "ADDR", requires_all = ["cloudflare_client_cert", "cloudflare_client_key"])]
    cloudflare_listen: Option<SocketAddr>,
    /// The zone's client certificate (PEM) the Cloudflare side presents.
    #[arg(long, value_name = "PEM", requires = "cloudflare_listen")]
    cloudflare_client_cert: Option<PathBuf>,
    /// Its key (PEM).
    #[arg(long, value_name = "PEM", requires = "cloudflare_listen")]
    cloudflare_client_key: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum InvokeModeArg {
    Buffered,
    ResponseStream,
}

#[derive(Clone, Copy, ValueEnum)]
enum FilterArg {
    CloudfrontFunction,
    LambdaEdge,
    None,
}

fn key_value(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("{s:?} is not KEY=VALUE"))
}

/// The origin secret layer the flags and the environment ask for, checked (a secret is never
/// echoed).
fn origin_secret(args: &Args) -> Result<Option<OriginSecretConfig>> {
    if !args.origin_secret_on_command_line.is_empty() {
        return Err(SecretSourceError::OnCommandLine.into());
    }
    let env_value = std::env::var_os(secret_source::ENV_VAR);
    let Some(store) = secret_source::choose(
        args.origin_secret_file.as_deref(),
        env_value.as_deref(),
        args.kvs_file.as_deref(),
    )?
    else {
        return Ok(None);
    };
    check_header_name(&args.origin_secret_header)
        .map_err(|e| anyhow::anyhow!("--origin-secret-header: {e}"))?;
    Ok(Some(OriginSecretConfig {
        header: args.origin_secret_header.clone(),
        store,
    }))
}

/// The viewer mTLS flags, checked: `None` without `--viewer-mtls-trust-store`, when every other
/// mTLS flag is refused (it would mean nothing).
fn viewer_mtls_flags(args: &Args) -> Result<Option<(PathBuf, PathBuf)>> {
    let Some(trust_store) = &args.viewer_mtls_trust_store else {
        let given = [
            (
                "--viewer-mtls-kvs-file",
                args.viewer_mtls_kvs_file.is_some(),
            ),
            (
                "--viewer-mtls-ignore-certificate-expiry",
                args.viewer_mtls_ignore_certificate_expiry,
            ),
            ("--tls-cert", args.tls_cert.is_some()),
            ("--cloudflare-listen", args.cloudflare_listen.is_some()),
        ];
        if let Some((flag, _)) = given.iter().find(|(_, given)| *given) {
            bail!(
                "{flag} needs viewer mTLS: give --viewer-mtls-trust-store PATH (the CA bundle of the client certificates)"
            );
        }
        return Ok(None);
    };
    let Some(kvs_file) = &args.viewer_mtls_kvs_file else {
        bail!(
            "--viewer-mtls-trust-store needs --viewer-mtls-kvs-file PATH (the Connection Function's KeyValueStore, the KVS stand-in's state file)"
        );
    };
    Ok(Some((trust_store.clone(), kvs_file.clone())))
}

/// The HTTPS listener's identity: given, or generated and written to `--tls-cert-out`.
fn server_identity(args: &Args) -> Result<(Identity, Option<PathBuf>)> {
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        return Ok((pem::identity(cert, key)?, None));
    }
    let (identity, certificate_pem) = pem::generated_server_identity()?;
    let out = &args.tls_cert_out;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(out, certificate_pem)
        .with_context(|| format!("writing the server certificate to {}", out.display()))?;
    Ok((identity, Some(out.clone())))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match serve(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oac-dev: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> Result<()> {
    if args.no_stream_bandwidth_cap && matches!(args.invoke_mode, InvokeModeArg::Buffered) {
        bail!("--no-stream-bandwidth-cap needs --invoke-mode response-stream");
    }
    if args.no_include_body && args.no_body_hash {
        bail!("--no-include-body needs the body-hash function (drop --no-body-hash)");
    }
    let origin_secret = origin_secret(&args)?;
    let viewer_mtls = match viewer_mtls_flags(&args)? {
        Some(files) => Some((files, server_identity(&args)?)),
        None => None,
    };
    let mut stop = StopSignals::install().context("catching the stop signals")?;
    let config = ChainConfig {
        origin_secret,
        edge_dir: args.edge_dir,
        viewer_filter: match args.viewer_filter {
            FilterArg::CloudfrontFunction => ViewerFilter::CloudFrontFunction,
            FilterArg::LambdaEdge => ViewerFilter::LambdaEdge,
            FilterArg::None => ViewerFilter::Off,
        },
        body_hash: !args.no_body_hash,
        include_body: !args.no_include_body,
        forward_host: args.forward_host,
        grants: Grants {
            invoke_function_url: true,
            invoke_function: !args.missing_invoke_function_permission,
        },
        function: args.function,
        function_env: args.function_env,
        instances: args.instances,
        function_timeout: Duration::from_secs(args.function_timeout),
        invoke_mode: match args.invoke_mode {
            InvokeModeArg::Buffered => InvokeMode::Buffered,
            InvokeModeArg::ResponseStream => InvokeMode::ResponseStream {
                bandwidth_cap: !args.no_stream_bandwidth_cap,
            },
        },
        node: args.node,
        edge_workers: args.edge_workers,
        viewer_ip: args.viewer_ip,
        trust_viewer_ip_header: args.trust_viewer_ip_header,
        log_requests: !args.quiet,
        connection_function: viewer_mtls.is_some(),
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr()?;
    let viewer = match (config.viewer_ip, config.trust_viewer_ip_header) {
        (Some(ip), _) => format!("every viewer is presented as {ip}"),
        (None, true) => format!("viewer address from the socket, or the {VIEWER_IP_HEADER} header"),
        (None, false) => "viewer address from the socket".to_owned(),
    };
    let (secret, send_secret) = match &config.origin_secret {
        Some(s) => (
            format!("; origin secret required in {}", s.header),
            format!("-H '{}: <the secret>' ", s.header),
        ),
        None => (String::new(), String::new()),
    };
    let chain = Chain::start(config).await?;
    let serving: Pin<Box<dyn Future<Output = Result<()>> + Send>> = match viewer_mtls {
        None => {
            eprintln!(
                "oac-dev: CloudFront → OAC → Function URL listening on http://{address} ({viewer}{secret})"
            );
            eprintln!("  try: curl -i {send_secret}http://{address}/health");
            Box::pin(chain.clone().serve(listener))
        }
        Some(((trust_store, kvs_file), (server, written))) => {
            let server_certificate = server.chain[0].clone();
            let config = ViewerMtlsConfig {
                trust_store,
                kvs_file,
                ignore_certificate_expiry: args.viewer_mtls_ignore_certificate_expiry,
                server,
                log_connections: !args.quiet,
            };
            let tls = Arc::new(viewer_mtls::start(&chain, config).await?);
            let expiry = if args.viewer_mtls_ignore_certificate_expiry {
                ", IgnoreCertificateExpiry"
            } else {
                ""
            };
            eprintln!(
                "oac-dev: CloudFront (viewer mTLS required{expiry}) → OAC → Function URL listening on https://{address} ({viewer}{secret})"
            );
            let cacert = match &written {
                Some(path) => format!("--cacert {} ", path.display()),
                None => String::new(),
            };
            eprintln!(
                "  try: curl -i {cacert}--cert ZONE-CERT.pem --key ZONE-KEY.pem {send_secret}https://{address}/health"
            );
            if let (Some(listen), Some(cert), Some(key)) = (
                args.cloudflare_listen,
                &args.cloudflare_client_cert,
                &args.cloudflare_client_key,
            ) {
                let client = pem::identity(cert, key).context("--cloudflare-client-cert/-key")?;
                let side = CloudflareSide::new(address, server_certificate, client)?;
                let cloudflare = tokio::net::TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("cannot listen on {listen}"))?;
                let at = cloudflare.local_addr()?;
                eprintln!(
                    "oac-dev: local Cloudflare side (Authenticated Origin Pulls, presenting {}) listening on http://{at}",
                    cert.display()
                );
                eprintln!("  try: curl -i {send_secret}http://{at}/health");
                tokio::spawn(side.serve(cloudflare));
            }
            Box::pin(tls.serve(listener, chain.clone().router()))
        }
    };
    let served = tokio::select! {
        served = serving => served,
        signal = stop.recv() => {
            eprintln!("oac-dev: {signal}: stopping the function instances and the edge workers");
            Ok(())
        }
    };
    chain.stop().await;
    served
}
