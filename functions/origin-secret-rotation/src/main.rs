//! The Lambda binary: configuration from the environment (refused at init when wrong), then one
//! rotation step per invocation.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use origin_secret_rotation::event::RotationEvent;
use origin_secret_rotation::log::{Failure, StepLog};
use origin_secret_rotation::{Config, Rotation};
use serde_json::{Value, json};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let config = Config::from_env()?;
    let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let rotation = Rotation::new(config, &sdk_config);
    let rotation = &rotation;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let Ok(event) = serde_json::from_value::<RotationEvent>(event.payload) else {
            let failure = Failure::new("event", "not {SecretId, ClientRequestToken, Step}");
            let result = Err(failure.clone());
            println!("{}", StepLog::of("", "", &result).line());
            return Err(Error::from(failure.to_string()));
        };
        match rotation.run(&event).await {
            Ok(outcome) => Ok(json!({ "step": event.step, "outcome": outcome })),
            Err(failure) => Err(Error::from(failure.to_string())),
        }
    }))
    .await
}
