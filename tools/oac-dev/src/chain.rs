//! One request through the chain, stage by stage, as CloudFront and Lambda do it.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::runtime_api::{FunctionProcess, InvokeError, RuntimeApi};
use anyhow::{Context, Result};
use aws_credential_types::Credentials;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use oac_sigv4::{FunctionUrlAuth, Grants, ReceivedRequest, SigningIdentity, sign_origin_request};
use serde_json::{Map, Value, json};

use crate::edge_worker::{EdgeWorkers, Stage, WorkerSpec};
use crate::function_url::{self, HttpResponse, UrlRequest};

/// CloudFront hands an origin-request function at most this much body.
pub const ORIGIN_BODY_LIMIT: usize = 1 << 20;
/// A Function URL refuses request payloads over 6 MB.
pub const FUNCTION_URL_PAYLOAD_LIMIT: usize = 6_291_456;
/// What oac-dev reads of a viewer body at most.
pub const VIEWER_BODY_LIMIT: usize = 64 << 20;

/// The emulated Function URL (32-character URL ID, as AWS makes them).
pub const FUNCTION_HOST: &str = "oacdevlocalfunctionurl0000000000.lambda-url.us-east-1.on.aws";
const REGION: &str = "us-east-1";
const DISTRIBUTION_DOMAIN: &str = "d0acdev0local.cloudfront.net";
const DISTRIBUTION_ID: &str = "EOACDEVLOCAL";
/// The local stand-in for CloudFront's OAC signing identity (not an AWS credential).
const CLOUDFRONT_AKID: &str = "AKIAOACDEVCLOUDFRONT";
const CLOUDFRONT_SECRET: &str = "oac-dev-local-cloudfront-signing-key";
const CLOUDFRONT_ARN: &str =
    "arn:aws:sts::000000000000:assumed-role/oac-dev-cloudfront/origin-access-control";

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

/// How to run the chain, including the misconfigurations it can reproduce.
#[derive(Debug, Clone)]
pub struct ChainConfig {
    /// Directory of the built edge artifacts (`target/edge`).
    pub edge_dir: PathBuf,
    /// Viewer-request filter.
    pub viewer_filter: ViewerFilter,
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
    /// Function timeout.
    pub function_timeout: Duration,
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
}

/// Header a test may use to present another viewer address (only with `trust_viewer_ip_header`).
pub const VIEWER_IP_HEADER: &str = "x-oac-dev-viewer-ip";

/// The running chain.
pub struct Chain {
    config: ChainConfig,
    workers: EdgeWorkers,
    runtime: RuntimeApi,
    _functions: Vec<FunctionProcess>,
    auth: FunctionUrlAuth,
    credentials: Credentials,
}

/// A request as it travels: method, path, query, headers (lowercase names).
#[derive(Debug, Clone)]
struct Hop {
    method: String,
    uri: String,
    querystring: String,
    headers: Vec<(String, String)>,
}

/// How a stage ended the request early.
struct Early {
    response: HttpResponse,
    x_cache: &'static str,
    log: String,
}

impl Chain {
    /// Starts the Node.js edge workers, the Runtime API and the function instances.
    pub async fn start(config: ChainConfig) -> Result<Arc<Self>> {
        let edge = &config.edge_dir;
        let need = |p: PathBuf| -> Result<PathBuf> {
            if p.exists() {
                Ok(p)
            } else {
                anyhow::bail!(
                    "{} is missing: build it with `cargo xtask edge` / `cargo xtask cloudfront-function`",
                    p.display()
                )
            }
        };
        let spec = WorkerSpec {
            node: config.node.clone(),
            viewer_cloudfront_function: match config.viewer_filter {
                ViewerFilter::CloudFrontFunction => {
                    Some(need(edge.join("ip-filter.cloudfront.js"))?)
                }
                _ => None,
            },
            viewer_bundle: match config.viewer_filter {
                ViewerFilter::LambdaEdge => Some(need(edge.join("ip-filter"))?),
                _ => None,
            },
            origin_bundle: if config.body_hash {
                Some(need(edge.join("body-hash"))?)
            } else {
                None
            },
        };
        let workers = EdgeWorkers::start(&spec, config.edge_workers).await?;
        let runtime = RuntimeApi::start().await?;
        let env: Vec<(&str, &str)> = config
            .function_env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut functions = Vec::new();
        for _ in 0..config.instances.max(1) {
            functions.push(
                FunctionProcess::spawn(&config.function, "api", &runtime, &env)
                    .with_context(|| format!("starting {}", config.function.display()))?,
            );
        }
        let auth = FunctionUrlAuth {
            host: FUNCTION_HOST.to_owned(),
            region: REGION.to_owned(),
            identities: vec![SigningIdentity {
                access_key_id: CLOUDFRONT_AKID.to_owned(),
                secret_access_key: CLOUDFRONT_SECRET.to_owned(),
                principal_arn: CLOUDFRONT_ARN.to_owned(),
                account_id: "000000000000".to_owned(),
            }],
            grants: config.grants,
            max_skew: Duration::from_secs(300),
        };
        Ok(Arc::new(Self {
            config,
            workers,
            runtime,
            _functions: functions,
            auth,
            credentials: Credentials::new(
                CLOUDFRONT_AKID,
                CLOUDFRONT_SECRET,
                None,
                None,
                "oac-dev",
            ),
        }))
    }

    /// Serves the chain on `listener` until the task is dropped.
    pub async fn serve(self: Arc<Self>, listener: tokio::net::TcpListener) -> Result<()> {
        let app = axum::Router::new().fallback(entry).with_state(self);
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await?;
        Ok(())
    }

    async fn handle(&self, peer: SocketAddr, request: Request<Body>) -> Response<Body> {
        let started = Instant::now();
        let request_id = cloudfront_request_id();
        let (parts, body) = request.into_parts();
        let mut headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let spoofed_ip = take_header(&mut headers, VIEWER_IP_HEADER);
        let viewer_ip = match (self.config.trust_viewer_ip_header, spoofed_ip) {
            (true, Some(ip)) => ip,
            _ => self.config.viewer_ip.unwrap_or(peer.ip()).to_string(),
        };
        let hop = Hop {
            method: parts.method.as_str().to_owned(),
            uri: parts.uri.path().to_owned(),
            querystring: parts.uri.query().unwrap_or("").to_owned(),
            headers,
        };
        let mut log = format!("{viewer_ip} {} {}", hop.method, path_and_query(&hop));
        let outcome = match axum::body::to_bytes(body, VIEWER_BODY_LIMIT).await {
            Ok(body) => self.run(hop, body, &viewer_ip, &request_id, &mut log).await,
            Err(_) => Err(Early {
                response: json_response(413, "{\"message\":\"Request body too large\"}"),
                x_cache: "Error from cloudfront",
                log: "viewer body over the local limit".into(),
            }),
        };
        let (response, x_cache) = match outcome {
            Ok(r) => (r, "Miss from cloudfront"),
            Err(early) => {
                log.push_str(" → ");
                log.push_str(&early.log);
                (early.response, early.x_cache)
            }
        };
        if self.config.log_requests {
            eprintln!(
                "{log} ⇒ {} ({:.1} ms)",
                response.status,
                started.elapsed().as_secs_f64() * 1e3
            );
        }
        to_axum(response, x_cache, &request_id)
    }

    async fn run(
        &self,
        hop: Hop,
        body: Bytes,
        viewer_ip: &str,
        request_id: &str,
        log: &mut String,
    ) -> Result<HttpResponse, Early> {
        // 1. viewer-request: the Cloudflare-only filter.
        let hop = match self.config.viewer_filter {
            ViewerFilter::Off => hop,
            ViewerFilter::CloudFrontFunction => {
                let event = cf_function_event(&hop, viewer_ip, request_id);
                let result = self.edge(Stage::Viewer, event).await?;
                if result.get("statusCode").is_some() {
                    return Err(Early {
                        response: cf_function_response(&result),
                        x_cache: "FunctionGeneratedResponse from cloudfront",
                        log: "viewer filter (CloudFront Function) answered".into(),
                    });
                }
                log.push_str(" → viewer filter pass");
                hop
            }
            ViewerFilter::LambdaEdge => {
                let event = edge_event("viewer-request", &hop, viewer_ip, request_id, None, false);
                let result = self.edge(Stage::Viewer, event).await?;
                if result.get("status").is_some() {
                    return Err(Early {
                        response: edge_response(&result),
                        x_cache: "LambdaGeneratedResponse from cloudfront",
                        log: "viewer filter (Lambda@Edge) answered".into(),
                    });
                }
                log.push_str(" → viewer filter pass");
                apply_edge_request(hop, &result)
            }
        };

        // 2. The origin request policy: AllViewerExceptHostHeader (unless misconfigured).
        let mut origin = hop;
        let viewer_host = take_header(&mut origin.headers, "host");
        let host = match (&viewer_host, self.config.forward_host) {
            (Some(h), true) => h.clone(),
            _ => FUNCTION_HOST.to_owned(),
        };
        origin.headers.retain(|(n, _)| !is_hop_by_hop(n));
        origin.headers.insert(0, ("host".into(), host));
        let xff = match take_header(&mut origin.headers, "x-forwarded-for") {
            Some(prior) => format!("{prior}, {viewer_ip}"),
            None => viewer_ip.to_owned(),
        };
        origin.headers.push(("x-forwarded-for".into(), xff));
        origin.headers.push((
            "via".into(),
            "2.0 0acdev0local.cloudfront.net (CloudFront)".into(),
        ));
        origin
            .headers
            .push(("x-amz-cf-id".into(), request_id.to_owned()));
        if !body.is_empty() {
            origin.headers.retain(|(n, _)| n != "content-length");
            origin
                .headers
                .push(("content-length".into(), body.len().to_string()));
        }

        // 3. origin-request: body-hash, with the body as CloudFront hands it over.
        if self.config.body_hash {
            let body_member = self.config.include_body.then(|| {
                let cut = body.len().min(ORIGIN_BODY_LIMIT);
                json!({
                    "inputTruncated": body.len() > ORIGIN_BODY_LIMIT,
                    "action": "read-only",
                    "encoding": "base64",
                    "data": STANDARD.encode(&body[..cut]),
                })
            });
            let event = edge_event(
                "origin-request",
                &origin,
                viewer_ip,
                request_id,
                body_member,
                true,
            );
            let result = self.edge(Stage::Origin, event).await?;
            if result.get("status").is_some() {
                return Err(Early {
                    response: edge_response(&result),
                    x_cache: "LambdaGeneratedResponse from cloudfront",
                    log: format!(
                        "body-hash answered {}",
                        result["status"].as_str().unwrap_or("?")
                    ),
                });
            }
            origin = apply_edge_request(origin, &result);
            let hash = header(&origin.headers, oac_sigv4::CONTENT_SHA256).unwrap_or_default();
            log.push_str(&format!(
                " → body-hash {}…",
                hash.get(..12).unwrap_or(&hash)
            ));
        }

        // 4. OAC, signing `always`.
        let url = format!("https://{FUNCTION_HOST}{}", path_and_query(&origin));
        let mut signed = origin.headers.clone();
        sign_origin_request(
            &origin.method,
            &url,
            &mut signed,
            &self.credentials,
            REGION,
            SystemTime::now(),
        )
        .map_err(|e| Early {
            response: json_response(502, "{\"message\":\"Bad Gateway\"}"),
            x_cache: "Error from cloudfront",
            log: e.to_string(),
        })?;
        log.push_str(" → OAC signed");

        // 5. The Function URL (AuthType AWS_IAM).
        if body.len() > FUNCTION_URL_PAYLOAD_LIMIT {
            return Err(Early {
                response: json_response(
                    413,
                    "{\"Message\":\"Request must be smaller than 6291456 bytes for the InvokeFunction operation\"}",
                ),
                x_cache: "Error from cloudfront",
                log: "Function URL payload limit".into(),
            });
        }
        let received = ReceivedRequest {
            method: &origin.method,
            raw_path: &origin.uri,
            raw_query: &origin.querystring,
            headers: &signed,
            body: &body,
        };
        let caller = match self.auth.check(&received, SystemTime::now()) {
            Ok(caller) => caller,
            Err(denial) => {
                let mut response = json_response(denial.status(), &denial.body());
                response
                    .headers
                    .push(("x-amzn-errortype".into(), denial.error_type().into()));
                return Err(Early {
                    response,
                    x_cache: "Error from cloudfront",
                    log: format!("Function URL 403: {}", denial.diagnosis()),
                });
            }
        };
        log.push_str(" → Function URL IAM ok");

        // 6. The function, through the Lambda Runtime API.
        let event = function_url::event(
            &UrlRequest {
                request: &received,
                host: FUNCTION_HOST,
                source_ip: "127.0.0.1",
                caller: &caller,
                request_id,
            },
            SystemTime::now(),
        );
        let payload = serde_json::to_vec(&event).expect("event serializes");
        match self
            .runtime
            .invoke(payload, self.config.function_timeout)
            .await
        {
            Ok(answer) => Ok(function_url::response(&answer)),
            Err(e) => {
                let status = if matches!(e, InvokeError::Timeout(_)) {
                    504
                } else {
                    502
                };
                Err(Early {
                    response: json_response(status, "{\"Message\":\"Internal Server Error\"}"),
                    x_cache: "Error from cloudfront",
                    log: format!("function failed: {e}"),
                })
            }
        }
    }

    async fn edge(&self, stage: Stage, event: Value) -> Result<Value, Early> {
        self.workers.call(stage, event).await.map_err(|e| Early {
            // An edge function that throws: CloudFront answers 503.
            response: json_response(503, "{\"message\":\"The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions.\"}"),
            x_cache: "LambdaExecutionError from cloudfront",
            log: format!("edge function threw: {}", e.lines().next().unwrap_or_default()),
        })
    }
}

async fn entry(
    State(chain): State<Arc<Chain>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request<Body>,
) -> Response<Body> {
    chain.handle(peer, request).await
}

fn path_and_query(hop: &Hop) -> String {
    if hop.querystring.is_empty() {
        hop.uri.clone()
    } else {
        format!("{}?{}", hop.uri, hop.querystring)
    }
}

fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

fn take_header(headers: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let found = header(headers, name);
    headers.retain(|(n, _)| n != name);
    found
}

fn is_hop_by_hop(name: &str) -> bool {
    matches!(
        name,
        "connection"
            | "keep-alive"
            | "proxy-connection"
            | "te"
            | "trailer"
            | "upgrade"
            | "transfer-encoding"
    )
}

fn cloudfront_request_id() -> String {
    let id = uuid::Uuid::new_v4();
    let raw = [id.as_bytes().as_slice(), id.as_bytes().as_slice()].concat();
    STANDARD.encode(&raw[..30]).replace(['+', '/'], "_")
}

/// A Lambda@Edge event (`Records[0].cf`) for `hop`.
fn edge_event(
    event_type: &str,
    hop: &Hop,
    viewer_ip: &str,
    request_id: &str,
    body: Option<Value>,
    with_origin: bool,
) -> Value {
    let mut headers = Map::new();
    for (name, value) in &hop.headers {
        let entry = json!({"key": name, "value": value});
        match headers.get_mut(name) {
            Some(Value::Array(list)) => list.push(entry),
            _ => {
                headers.insert(name.clone(), Value::Array(vec![entry]));
            }
        }
    }
    let mut request = json!({
        "clientIp": viewer_ip,
        "headers": headers,
        "method": hop.method,
        "querystring": hop.querystring,
        "uri": hop.uri,
    });
    if let Some(body) = body {
        request["body"] = body;
    }
    if with_origin {
        request["origin"] = json!({"custom": {
            "customHeaders": {}, "domainName": FUNCTION_HOST, "keepaliveTimeout": 5, "path": "",
            "port": 443, "protocol": "https", "readTimeout": 30, "sslProtocols": ["TLSv1.2"],
        }});
    }
    json!({"Records": [{"cf": {
        "config": {
            "distributionDomainName": DISTRIBUTION_DOMAIN,
            "distributionId": DISTRIBUTION_ID,
            "eventType": event_type,
            "requestId": request_id,
        },
        "request": request,
    }}]})
}

/// Takes the headers, uri and query string of a request a Lambda@Edge function returned.
fn apply_edge_request(mut hop: Hop, result: &Value) -> Hop {
    if let Some(uri) = result["uri"].as_str() {
        hop.uri = uri.to_owned();
    }
    if let Some(q) = result["querystring"].as_str() {
        hop.querystring = q.to_owned();
    }
    if result["headers"].is_object() {
        hop.headers = edge_headers(&result["headers"]);
    }
    hop
}

/// A Lambda@Edge header map (`name → [{key, value}]`) as `(name, value)` pairs, in order.
fn edge_headers(map: &Value) -> Vec<(String, String)> {
    map.as_object()
        .into_iter()
        .flatten()
        .flat_map(|(name, entries)| {
            entries
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(move |e| Some((name.clone(), e["value"].as_str()?.to_owned())))
        })
        .collect()
}

/// A generated Lambda@Edge response as HTTP.
fn edge_response(result: &Value) -> HttpResponse {
    let status = result["status"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(502);
    let headers = edge_headers(&result["headers"]);
    let body = match (result["body"].as_str(), result["bodyEncoding"].as_str()) {
        (Some(b), Some("base64")) => STANDARD.decode(b).unwrap_or_default(),
        (Some(b), _) => b.as_bytes().to_vec(),
        (None, _) => Vec::new(),
    };
    HttpResponse {
        status,
        headers,
        body,
    }
}

/// A CloudFront Functions viewer-request event (`event.viewer.ip`).
fn cf_function_event(hop: &Hop, viewer_ip: &str, request_id: &str) -> Value {
    let mut headers = Map::new();
    for (name, value) in &hop.headers {
        match headers.get_mut(name) {
            Some(existing) => {
                let multi = existing
                    .as_object_mut()
                    .expect("header object")
                    .entry("multiValue")
                    .or_insert_with(|| json!([]));
                if multi.as_array().is_some_and(Vec::is_empty) {
                    let first = existing["value"].clone();
                    existing["multiValue"] = json!([{"value": first}]);
                }
                existing["multiValue"]
                    .as_array_mut()
                    .expect("array")
                    .push(json!({"value": value}));
            }
            None => {
                headers.insert(name.clone(), json!({"value": value}));
            }
        }
    }
    let mut query = Map::new();
    for part in hop.querystring.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        query
            .entry(k.to_owned())
            .or_insert_with(|| json!({"value": v}));
    }
    json!({
        "version": "1.0",
        "context": {
            "distributionDomainName": DISTRIBUTION_DOMAIN,
            "distributionId": DISTRIBUTION_ID,
            "eventType": "viewer-request",
            "requestId": request_id,
        },
        "viewer": {"ip": viewer_ip},
        "request": {
            "method": hop.method,
            "uri": hop.uri,
            "querystring": query,
            "headers": headers,
            "cookies": {},
        },
    })
}

/// A CloudFront Function's generated response as HTTP.
fn cf_function_response(result: &Value) -> HttpResponse {
    let status = result["statusCode"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(502);
    let headers = result["headers"]
        .as_object()
        .map(|h| {
            h.iter()
                .filter_map(|(n, v)| Some((n.clone(), v["value"].as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let body = match &result["body"] {
        Value::String(s) => s.as_bytes().to_vec(),
        Value::Object(b) => match (
            b.get("data").and_then(Value::as_str),
            b.get("encoding").and_then(Value::as_str),
        ) {
            (Some(d), Some("base64")) => STANDARD.decode(d).unwrap_or_default(),
            (Some(d), _) => d.as_bytes().to_vec(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn json_response(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.as_bytes().to_vec(),
    }
}

fn to_axum(r: HttpResponse, x_cache: &str, request_id: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(r.body));
    *response.status_mut() = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let headers = response.headers_mut();
    for (name, value) in r.headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            if n == "content-length" || n == "transfer-encoding" || n == "connection" {
                continue;
            }
            headers.append(n, v);
        }
    }
    for (name, value) in [
        ("x-cache", x_cache),
        ("via", "1.1 0acdev0local.cloudfront.net (CloudFront)"),
        ("x-amz-cf-pop", "LOCAL"),
        ("x-amz-cf-id", request_id),
    ] {
        if let Ok(v) = HeaderValue::try_from(value) {
            headers.insert(name, v);
        }
    }
    response
}
