//! The Lambda binary: `CR_PHASE` and the clients at init (a wrong phase refuses to start), then
//! one custom resource event per invocation.

use cloudflare_setup::handler::{Env, Phase, handle};
use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let phase = Phase::parse(&std::env::var("CR_PHASE").unwrap_or_default())?;
    let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let env = Env {
        cloudflare_base: std::env::var("CLOUDFLARE_API_BASE")
            .unwrap_or_else(|_| cloudflare_api::DEFAULT_API_BASE.to_owned()),
        acm: cloudflare_setup::acm::client(&sdk_config),
        secrets: aws_sdk_secretsmanager::Client::new(&sdk_config),
        kvs_endpoint: match std::env::var("KVS_ENDPOINT").ok().filter(|v| !v.is_empty()) {
            Some(url) => Some(
                cloudfront_kvs::checked_test_endpoint(&url)
                    .map_err(|e| format!("KVS_ENDPOINT: {e}"))?,
            ),
            None => None,
        },
        clock: cloudflare_setup::clock::Clock::from_env(),
        sdk_config,
    };
    let env = &env;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        handle(env, phase, event.payload).await.map_err(Error::from)
    }))
    .await
}
