//! `oac-dev`: the chain Cloudflare → CloudFront (OAC) → Lambda Function URL on localhost,
//! organised by the AWS component each module imitates.
//!
//! Per request, in CloudFront's order ([`chain`]): the viewer-request filter (the generated
//! CloudFront Function or the ip-filter Lambda@Edge bundle, run by a long-lived Node.js worker,
//! [`edge_worker`]), the origin request policy `AllViewerExceptHostHeader`, the body-hash
//! Lambda@Edge bundle at origin-request with the body handed over as CloudFront does (base64, cut
//! at 1 MiB with `inputTruncated`), OAC signing `always` ([`cloudfront`]), the Function URL's
//! `AWS_IAM` check (an independent SigV4 verifier, payload hash, clock, resource policy —
//! answering Lambda's 403s) and its payload 2.0 event ([`function_url`]), and the real function
//! binary through an emulated Lambda Runtime API ([`runtime_api`]). With the URL's `InvokeMode`
//! `RESPONSE_STREAM` ([`config::InvokeMode`]) the function's answer streams back through the same
//! stages as it is written (`runtime_api::streaming`, `function_url::streaming`,
//! `cloudfront::viewer_stream`).
//!
//! The components ([`cloudfront`], [`function_url`], [`runtime_api`], [`edge_worker`]) import the
//! shared [`model`] and the plumbing ([`config`], [`http`], [`stage`], [`secret_source`],
//! [`stop_signal`]), never each other; the wiring ([`chain`], [`artifacts`], [`kvs_feed`],
//! [`viewer_mtls`]) assembles them.
//!
//! With viewer mTLS ([`viewer_tls`], CloudFront's `ViewerMtlsConfig`) the listener serves HTTPS,
//! requires a client certificate from the trust store's CA and runs the generated Connection
//! Function on its serial during the handshake; [`viewer_tls::cloudflare_side`] is the local
//! Cloudflare side presenting the zone's Authenticated Origin Pulls certificate. `cargo xtask crate-graph` checks it.

pub mod artifacts;
pub mod chain;
pub mod cloudfront;
pub mod config;
pub mod edge_worker;
pub mod function_url;
pub mod http;
pub mod kvs_feed;
pub mod model;
pub mod runtime_api;
pub mod secret_source;
#[cfg(feature = "sigv4-fixtures")]
pub mod sigv4_fixtures;
pub mod stage;
pub mod stop_signal;
pub mod viewer_mtls;
pub mod viewer_tls;

pub use chain::Chain;
pub use config::{ChainConfig, FUNCTION_HOST, InvokeMode, VIEWER_IP_HEADER, ViewerFilter};
