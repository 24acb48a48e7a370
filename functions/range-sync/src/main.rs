//! The Lambda binary: configuration from the environment (refused at init when wrong), then one
//! sync per invocation (any event: the schedule's is ignored).

use lambda_runtime::{Error, LambdaEvent, service_fn};
use range_sync::{Config, RangeSync};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let config = Config::from_env()?;
    let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let sync = RangeSync::new(config, &sdk_config);
    let sync = &sync;
    lambda_runtime::run(service_fn(move |_: LambdaEvent<Value>| async move {
        let report = sync.run_once().await;
        if report.succeeded() {
            Ok(serde_json::to_value(&report)?)
        } else {
            let reason = report.reason.unwrap_or("failed");
            let message = report.message.unwrap_or_default();
            Err(Error::from(format!("{reason}: {message}")))
        }
    }))
    .await
}
