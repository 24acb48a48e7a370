//! One deployed distribution's chain, for `oac-kit doctor --distribution`: read-only with the
//! caller's credentials, as an [`oac_doctor::model::Chain`].
//!
//! The calls live at the edges ([`cloudfront_calls`], [`lambda_calls`]); what they answer becomes
//! the model in pure functions ([`distribution`], [`policies`], [`policy`], [`lambda_map`],
//! [`arn`]). The distribution itself must be readable (else [`Error`]); any other part that
//! cannot be read (access denied, not found, throttled after the SDK's retries) is
//! [`Known::Unknown`](oac_doctor::model::Known::Unknown) with a reason naming the call, so the checks never pass on it.

pub mod arn;
pub mod cloudfront_calls;
pub mod distribution;
pub mod lambda_calls;
pub mod lambda_map;
pub mod policies;
pub mod policy;
mod reason;

use aws_config::{Region, SdkConfig};
use oac_doctor::model::{Chain, Source};

use crate::distribution::Parts;

/// How to read.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The function behind the Function URL origin, when the caller knows it (`--function NAME`);
    /// else it is found with `ListFunctions` + `GetFunctionUrlConfig` in the URL's region.
    pub function: Option<String>,
}

/// Why the distribution could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An AWS call failed.
    #[error("{0}")]
    Aws(String),
}

/// The chain of distribution `id`. CloudFront is called in `config`'s region (us-east-1 when it
/// has none: CloudFront is global), Lambda in each Function URL's or ARN's region.
pub async fn read(config: &SdkConfig, id: &str, options: &Options) -> Result<Chain, Error> {
    let mut cf_config = aws_sdk_cloudfront::config::Builder::from(config);
    if config.region().is_none() {
        cf_config.set_region(Some(Region::from_static("us-east-1")));
    }
    let cf = aws_sdk_cloudfront::Client::from_conf(cf_config.build());
    let (id, arn, dc) = cloudfront_calls::distribution(&cf, id).await?;
    let refs = distribution::references(&dc);
    let mut parts = Parts::default();
    for oac in refs.oacs {
        let read = cloudfront_calls::origin_access_control(&cf, &oac).await;
        parts.oacs.insert(oac, read);
    }
    for host in refs.function_urls {
        let read = lambda_calls::function_url(config, &host, options).await;
        parts.function_urls.insert(host, read);
    }
    for policy in refs.cache_policies {
        let read = cloudfront_calls::cache_policy(&cf, &policy).await;
        parts.cache_policies.insert(policy, read);
    }
    for policy in refs.origin_request_policies {
        let read = cloudfront_calls::origin_request_policy(&cf, &policy).await;
        parts.origin_request_policies.insert(policy, read);
    }
    for function in refs.functions {
        let read = cloudfront_calls::function(&cf, &function).await;
        parts.functions.insert(function, read);
    }
    for function in refs.edge_functions {
        let read = lambda_calls::edge_function(config, &function).await;
        parts.edge_functions.insert(function, read);
    }
    Ok(Chain {
        distribution: distribution::map(&id, &arn, &dc, &parts),
        source: Source::Distribution { id },
        cloudflare_rule: None,
    })
}
