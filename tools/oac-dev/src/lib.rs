//! `oac-dev`: the chain Cloudflare → CloudFront (OAC) → Lambda Function URL on localhost.
//!
//! Per request, in CloudFront's order: the viewer-request filter (the generated CloudFront
//! Function or the ip-filter Lambda@Edge bundle, run by a long-lived Node.js worker), the origin
//! request policy (`AllViewerExceptHostHeader`), the body-hash Lambda@Edge bundle at
//! origin-request with the body handed over as CloudFront does (base64, cut at 1 MiB with
//! `inputTruncated`), OAC signing `always` (SigV4 with `aws-sigv4`), the Function URL's
//! `AWS_IAM` check (an independent SigV4 verifier, payload hash, clock, resource policy —
//! answering Lambda's 403s), and the real function binary through an emulated Lambda Runtime API.

pub mod chain;
pub mod edge_worker;
pub mod function_url;
pub mod runtime_api;

pub use chain::{Chain, ChainConfig, FUNCTION_HOST, VIEWER_IP_HEADER, ViewerFilter};
