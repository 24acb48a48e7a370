//! One request through the chain, one short function per stage, in CloudFront's order:
//! viewer-request → origin request policy → origin-request → OAC sign → Function URL auth →
//! payload 2.0 event → Runtime API → response mapping.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use crate::function_url::sigv4::Caller;
use anyhow::{Context, Result};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{Request, Response};
use cloudfront_event::Request as CfRequest;
use cloudfront_event::reserved_headers::Trigger;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::artifacts;
use crate::cloudfront::edge_result::{self, EdgeResult};
use crate::cloudfront::function_event::{self, FunctionResult};
use crate::cloudfront::header_rules::{self, FunctionKind};
use crate::cloudfront::kvs::KvsView;
use crate::cloudfront::kvs_edge::EdgeKvs;
use crate::cloudfront::oac_sign::OacSigner;
use crate::cloudfront::secret_verdict::SecretVerdict;
use crate::cloudfront::viewer_stream::{self, StreamReport};
use crate::cloudfront::{self, edge_event, origin_policy, origin_request, viewer, viewer_limits};
use crate::config::{ChainConfig, FUNCTION_HOST, ViewerFilter};
use crate::edge_worker::{EdgeWorkers, Stage};
use crate::function_url::streaming;
use crate::function_url::{self, FunctionUrl, Invocation};
use crate::http::stream::OriginResponse;
use crate::http::{HttpRequest, path_and_query};
use crate::kvs_feed::{self, Readers};
use crate::runtime_api::{FunctionProcess, InvokeError, RuntimeApi};
use crate::stage::Early;

/// What oac-dev reads of a viewer body at most.
pub const VIEWER_BODY_LIMIT: usize = 64 << 20;

/// The running chain.
pub struct Chain {
    config: ChainConfig,
    workers: Arc<EdgeWorkers>,
    /// What the KVS-mode filter's KeyValueStore holds (with an origin secret).
    kvs: Option<Arc<KvsView>>,
    /// The Lambda@Edge filter's KVS-mode bundle and the stand-in it fetches from.
    _edge_kvs: Option<Arc<EdgeKvs>>,
    runtime: RuntimeApi,
    functions: tokio::sync::Mutex<Vec<FunctionProcess>>,
    signer: OacSigner,
    function_url: FunctionUrl,
}

impl Chain {
    /// Starts the Node.js edge workers, the Runtime API and the function instances.
    pub async fn start(config: ChainConfig) -> Result<Arc<Self>> {
        let edge_kvs = match (&config.origin_secret, config.viewer_filter) {
            // Never run "secret configured" without a secret check.
            (Some(_), ViewerFilter::Off) => {
                anyhow::bail!("the origin secret needs a viewer filter")
            }
            (Some(secret), ViewerFilter::LambdaEdge) => {
                let built = artifacts::need(&config.edge_dir.join("ip-filter"))?;
                Some(Arc::new(EdgeKvs::start(&built, &secret.header).await?))
            }
            _ => None,
        };
        let spec = artifacts::worker_spec(&config, edge_kvs.as_deref())?;
        let workers = Arc::new(EdgeWorkers::start(&spec, config.edge_workers).await?);
        let kvs = match &config.origin_secret {
            Some(secret) => {
                let readers = Readers {
                    workers: workers.clone(),
                    edge: edge_kvs.clone(),
                };
                Some(kvs_feed::start(&secret.store, readers).await?)
            }
            None => None,
        };
        let runtime = RuntimeApi::start().await?;
        let env: Vec<(&str, &str)> = config
            .function_env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let functions = (0..config.instances.max(1))
            .map(|_| {
                FunctionProcess::spawn(&config.function, "api", &runtime, &env)
                    .with_context(|| format!("starting {}", config.function.display()))
            })
            .collect::<Result<_>>()?;
        Ok(Arc::new(Self {
            function_url: FunctionUrl::new(config.grants),
            config,
            workers,
            kvs,
            _edge_kvs: edge_kvs,
            runtime,
            functions: tokio::sync::Mutex::new(functions),
            signer: OacSigner::default(),
        }))
    }

    /// Serves the chain on `listener` until the task is dropped.
    pub async fn serve(self: Arc<Self>, listener: tokio::net::TcpListener) -> Result<()> {
        let app = self.router();
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await?;
        Ok(())
    }

    /// The chain as a service (each request needs its `ConnectInfo<SocketAddr>`).
    pub fn router(self: Arc<Self>) -> axum::Router {
        axum::Router::new().fallback(entry).with_state(self)
    }

    /// The edge workers (the viewer mTLS Connection Function runs there too).
    pub fn workers(&self) -> Arc<EdgeWorkers> {
        self.workers.clone()
    }

    /// Kills the function instances and the edge workers and waits for each to exit, so none
    /// outlives the chain (oac-dev calls it on SIGINT, SIGTERM and SIGHUP). Requests after it fail.
    pub async fn stop(&self) {
        for function in self.functions.lock().await.iter_mut() {
            function.stop().await;
        }
        self.workers.stop().await;
    }

    async fn handle(&self, peer: SocketAddr, request: Request<Body>) -> Response<Body> {
        let started = Instant::now();
        let request_id = cloudfront::request_id();
        let (parts, body) = request.into_parts();
        let request = viewer::request(&parts, peer, &self.config);
        let mut log = format!(
            "{} {} {}",
            request.client_ip,
            request.method,
            path_and_query(&request.uri, &request.querystring)
        );
        let outcome = match viewer_limits::check(&parts) {
            Ok(()) => match viewer_limits::read_body(body, VIEWER_BODY_LIMIT).await {
                Ok(body) => self.run(request, body, &request_id, &mut log).await,
                Err(early) => Err(early),
            },
            Err(early) => Err(early),
        };
        let (response, x_cache, close) = match outcome {
            Ok(r) => (r, "Miss from cloudfront", false),
            Err(early) => {
                log.push_str(" → ");
                log.push_str(&early.log);
                (
                    OriginResponse::Buffered(early.response),
                    early.x_cache,
                    early.close_connection,
                )
            }
        };
        let log_requests = self.config.log_requests;
        let mut response = match response {
            OriginResponse::Buffered(response) => {
                if log_requests {
                    eprintln!(
                        "{log} ⇒ {} ({:.1} ms)",
                        response.status,
                        started.elapsed().as_secs_f64() * 1e3
                    );
                }
                viewer::response(response, x_cache, &request_id)
            }
            OriginResponse::Streamed(response) => {
                let status = response.status;
                let report = viewer_stream::Report {
                    started,
                    sink: Box::new(move |report: StreamReport| {
                        if log_requests {
                            eprintln!("{log} ⇒ {status} {}", report.line());
                        }
                    }),
                };
                viewer::streamed(response, x_cache, &request_id, report)
            }
        };
        if close {
            response.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
        }
        response
    }

    /// The pipeline: each stage either hands the request on or answers the viewer itself.
    async fn run(
        &self,
        request: CfRequest,
        body: Bytes,
        request_id: &str,
        log: &mut String,
    ) -> Result<OriginResponse, Early> {
        let request = self.viewer_request(request, request_id, log).await?;
        let request =
            origin_policy::apply(request, self.config.forward_host, request_id, body.len());
        let request = self.origin_request(request, &body, request_id, log).await?;
        let signed = self.signer.sign(&request, SystemTime::now())?;
        log.push_str(" → OAC signed");
        let caller = self
            .function_url
            .authorize(&signed, &body, SystemTime::now())?;
        log.push_str(" → Function URL IAM ok");
        self.invoke(&signed, &body, &caller, request_id, log).await
    }

    /// viewer-request: the Cloudflare-only filter, as a CloudFront Function or Lambda@Edge.
    async fn viewer_request(
        &self,
        request: CfRequest,
        request_id: &str,
        log: &mut String,
    ) -> Result<CfRequest, Early> {
        let kind = match self.config.viewer_filter {
            ViewerFilter::Off => return Ok(request),
            ViewerFilter::CloudFrontFunction => FunctionKind::CloudFrontFunction,
            ViewerFilter::LambdaEdge => FunctionKind::LambdaEdge,
        };
        let (request, withheld) = header_rules::exposed(request);
        let forwarded = match kind {
            FunctionKind::CloudFrontFunction => {
                let event = function_event::event(&request, request_id);
                match self.edge(Stage::Viewer, &event).await? {
                    FunctionResult::Respond(response) => {
                        return Err(Early::new(
                            response.into_http(),
                            "FunctionGeneratedResponse from cloudfront",
                            self.filter_refusal(&request),
                        ));
                    }
                    FunctionResult::Forward(returned) => {
                        function_event::forwarded(request.clone(), returned)
                    }
                }
            }
            FunctionKind::LambdaEdge => {
                let event = edge_event("viewer-request", request.clone(), request_id);
                match self.edge(Stage::Viewer, &event).await? {
                    EdgeResult::Respond(response) => {
                        return Err(Early::new(
                            edge_result::generated_response(response),
                            "LambdaGeneratedResponse from cloudfront",
                            self.filter_refusal(&request),
                        ));
                    }
                    EdgeResult::Forward(returned) => {
                        edge_result::forward(request.clone(), *returned)
                    }
                }
            }
        };
        let forwarded = header_rules::accept(
            Trigger::ViewerRequest,
            kind,
            &request.headers,
            forwarded,
            withheld,
        )?;
        log.push_str(&viewer::filter_pass(&forwarded));
        Ok(forwarded)
    }

    /// Why the viewer filter refused `request`, for the log (never the secret's value).
    fn filter_refusal(&self, request: &CfRequest) -> &'static str {
        match (&self.config.origin_secret, &self.kvs) {
            (Some(secret), Some(kvs)) => {
                SecretVerdict::of(request, &secret.header, kvs.secrets().as_ref()).refusal()
            }
            _ => "viewer filter answered",
        }
    }

    /// origin-request: body-hash, with the body as CloudFront hands it over.
    async fn origin_request(
        &self,
        request: CfRequest,
        body: &[u8],
        request_id: &str,
        log: &mut String,
    ) -> Result<CfRequest, Early> {
        if !self.config.body_hash {
            return Ok(request);
        }
        let (request, withheld) = header_rules::exposed(request);
        let event =
            origin_request::event(request.clone(), body, self.config.include_body, request_id);
        let forwarded = match self.edge(Stage::Origin, &event).await? {
            EdgeResult::Respond(response) => {
                let log = format!("body-hash answered {}", response.status);
                return Err(Early::new(
                    edge_result::generated_response(response),
                    "LambdaGeneratedResponse from cloudfront",
                    log,
                ));
            }
            EdgeResult::Forward(returned) => edge_result::forward(request.clone(), *returned),
        };
        let forwarded = header_rules::accept(
            Trigger::OriginRequest,
            FunctionKind::LambdaEdge,
            &request.headers,
            forwarded,
            withheld,
        )?;
        let hash = forwarded
            .headers
            .0
            .get(cloudfront_event::CONTENT_SHA256)
            .and_then(|entries| entries.first())
            .map(|e| e.value.as_str())
            .unwrap_or_default();
        log.push_str(&format!(" → body-hash {}…", hash.get(..12).unwrap_or(hash)));
        Ok(forwarded)
    }

    /// The payload 2.0 event to the function through the Runtime API, and its answer mapped by
    /// the URL's invoke mode.
    async fn invoke(
        &self,
        request: &HttpRequest,
        body: &[u8],
        caller: &Caller,
        request_id: &str,
        log: &mut String,
    ) -> Result<OriginResponse, Early> {
        let invocation = Invocation {
            host: FUNCTION_HOST,
            source_ip: "127.0.0.1",
            caller,
            request_id,
            time: SystemTime::now(),
        };
        let event = function_url::payload::event(request, body, &invocation);
        let payload = function_url::payload::to_json(&event);
        function_url::payload_limit::check(payload.len())?;
        let timeout = self.config.function_timeout;
        let deadline = tokio::time::Instant::now() + timeout;
        let answer = match self.runtime.invoke_answer(payload, timeout).await {
            Ok(answer) => answer,
            Err(e) => {
                let status = if matches!(e, InvokeError::Timeout(_)) {
                    504
                } else {
                    502
                };
                return Err(Early::cloudfront_error(
                    status,
                    "{\"Message\":\"Internal Server Error\"}",
                    format!("function failed: {e}"),
                ));
            }
        };
        let answered =
            streaming::answer(self.config.invoke_mode, answer, timeout, deadline).await?;
        for note in &answered.notes {
            log.push_str(" → ");
            log.push_str(note);
        }
        Ok(answered.response)
    }

    /// Runs the edge function of `stage` on `event` and reads its result as `R`.
    async fn edge<R: DeserializeOwned>(
        &self,
        stage: Stage,
        event: &impl Serialize,
    ) -> Result<R, Early> {
        let event = serde_json::to_value(event).expect("an edge event serializes");
        let result = self
            .workers
            .call(stage, event)
            .await
            .map_err(|e| edge_result::threw(&e))?;
        serde_json::from_value(result).map_err(|e| edge_result::invalid(&e))
    }
}

async fn entry(
    State(chain): State<Arc<Chain>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request<Body>,
) -> Response<Body> {
    chain.handle(peer, request).await
}
