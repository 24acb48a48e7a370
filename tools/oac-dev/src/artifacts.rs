//! Which built edge artifacts a chain configuration associates with which stage, each checked
//! to exist before anything starts.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cloudfront::kvs_edge::EdgeKvs;
use crate::cloudfront::{connection_function, kvs};
use crate::config::{ChainConfig, ViewerFilter};
use crate::edge_worker::WorkerSpec;

/// The edge artifacts `config` associates, each checked to exist (the Lambda@Edge filter in KVS
/// mode is `edge_kvs`'s copy).
pub fn worker_spec(config: &ChainConfig, edge_kvs: Option<&EdgeKvs>) -> Result<WorkerSpec> {
    let edge = &config.edge_dir;
    let artifact = |name: &str, wanted: bool| -> Result<Option<PathBuf>> {
        wanted.then(|| need(&edge.join(name))).transpose()
    };
    let function = match &config.origin_secret {
        None => "ip-filter.cloudfront.js",
        Some(_) => "ip-filter-kvs.cloudfront.js",
    };
    let viewer_cloudfront_function = artifact(
        function,
        config.viewer_filter == ViewerFilter::CloudFrontFunction,
    )?;
    if let (Some(path), Some(secret)) = (&viewer_cloudfront_function, &config.origin_secret) {
        kvs::check_baked_header(path, &secret.header)?;
    }
    let viewer_bundle = match edge_kvs {
        Some(edge) => Some(edge.bundle_dir()),
        None => artifact(
            "ip-filter",
            config.viewer_filter == ViewerFilter::LambdaEdge,
        )?,
    };
    let connection = artifact(connection_function::FILE, config.connection_function)?;
    if let Some(path) = &connection {
        connection_function::check_sidecar(path)?;
    }
    Ok(WorkerSpec {
        node: config.node.clone(),
        viewer_cloudfront_function,
        viewer_bundle,
        origin_bundle: artifact("body-hash", config.body_hash)?,
        connection_function: connection,
        env: edge_kvs.map(EdgeKvs::worker_env).unwrap_or_default(),
    })
}

/// `path`, if it exists; else an error that says how to build it.
pub fn need(path: &Path) -> Result<PathBuf> {
    if path.exists() {
        Ok(path.to_owned())
    } else {
        anyhow::bail!(
            "{} is missing: build it with `cargo xtask edge` / `cargo xtask cloudfront-function`",
            path.display()
        )
    }
}
