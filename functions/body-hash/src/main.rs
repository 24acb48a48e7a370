//! `body-hash` as a Lambda binary, for `cargo lambda invoke` and the local chain.

use body_hash::{config_from_env, handle_origin_request};
use cloudfront_event::Event;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    // A bad configuration stops the function at init: nothing is forwarded unhashed.
    let config = match config_from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("body-hash: invalid BODY_HASH_CONFIG: {e}");
            std::process::exit(1);
        }
    };
    let config = &config;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        handle_origin_request(event.payload, config).map_err(Error::from)
    }))
    .await
}
