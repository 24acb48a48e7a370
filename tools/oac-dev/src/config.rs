//! How the chain is set up: the distribution's behaviour, the function, and the
//! misconfigurations it can reproduce.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::model::{Grants, KvsSource};

/// The emulated Function URL (32-character URL ID, as AWS makes them).
pub const FUNCTION_HOST: &str = "oacdevlocalfunctionurl0000000000.lambda-url.us-east-1.on.aws";
/// The Function URL's region (OAC signs for it).
pub const REGION: &str = "us-east-1";
/// Header a test may use to present another viewer address (only with `trust_viewer_ip_header`).
pub const VIEWER_IP_HEADER: &str = "x-oac-dev-viewer-ip";

/// The viewer-request filter to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewerFilter {
    /// The generated CloudFront Function (`ip-filter.cloudfront.js`), the default.
    CloudFrontFunction,
    /// The ip-filter Lambda@Edge bundle.
    LambdaEdge,
    /// No viewer filter.
    Off,
}

/// The origin secret layer of the viewer filter: the KVS-mode CloudFront Function
/// (`ip-filter-kvs.cloudfront.js`) or the ip-filter Lambda@Edge bundle in KVS mode, and the
/// KeyValueStore it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginSecretConfig {
    /// The header our Cloudflare zone adds; must be the one baked into the function.
    pub header: String,
    /// The store's items.
    pub store: KvsSource,
}

/// The Function URL's `InvokeMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvokeMode {
    /// `BUFFERED` (the default): the function's whole answer, at most 6 MB.
    #[default]
    Buffered,
    /// `RESPONSE_STREAM`: the answer passed on as the function streams it.
    ResponseStream {
        /// Lambda's 2 MB/s after the first 6 MB (off: unpaced, for tests).
        bandwidth_cap: bool,
    },
}

/// How to run the chain, including the misconfigurations it can reproduce.
#[derive(Debug, Clone)]
pub struct ChainConfig {
    /// Directory of the built edge artifacts (`target/edge`).
    pub edge_dir: PathBuf,
    /// Viewer-request filter.
    pub viewer_filter: ViewerFilter,
    /// Also require the origin secret (the KVS-mode CloudFront Function or Lambda@Edge bundle).
    pub origin_secret: Option<OriginSecretConfig>,
    /// Associate the body-hash bundle at origin-request (off: "no body-hash function").
    pub body_hash: bool,
    /// IncludeBody on the origin-request association (off: "IncludeBody off").
    pub include_body: bool,
    /// Forward the viewer's Host (the misconfiguration `AllViewerExceptHostHeader` prevents).
    pub forward_host: bool,
    /// What the function's resource policy grants CloudFront.
    pub grants: Grants,
    /// The function binary (a `lambda_runtime`/`lambda_http` program).
    pub function: PathBuf,
    /// Extra environment for the function.
    pub function_env: Vec<(String, String)>,
    /// Function instances (Lambda's concurrency).
    pub instances: usize,
    /// Function timeout (for a streamed answer it bounds the whole stream).
    pub function_timeout: Duration,
    /// The Function URL's invoke mode.
    pub invoke_mode: InvokeMode,
    /// Node.js binary.
    pub node: PathBuf,
    /// Node.js edge workers.
    pub edge_workers: usize,
    /// Present every viewer as this address (instead of the socket's).
    pub viewer_ip: Option<IpAddr>,
    /// Honour `x-oac-dev-viewer-ip` (tests present several viewer addresses).
    pub trust_viewer_ip_header: bool,
    /// Print one line per request.
    pub log_requests: bool,
    /// Load the viewer mTLS Connection Function (`viewer-mtls.connection.js`, its sidecar
    /// checked) into the edge workers.
    pub connection_function: bool,
}
