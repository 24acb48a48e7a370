//! `body-hash` as a Lambda binary, for `cargo lambda invoke` and the local chain: the
//! `body-hash-core` policy served by the shared `edge-lambda` adapter.

use body_hash_core::{Config, decide_request};
use cloudfront_event::EdgeFunction;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    // A bad configuration stops the function at init: nothing is forwarded unhashed.
    let (config, log_level) =
        edge_lambda::config_or_exit("body-hash", "BODY_HASH_CONFIG", Config::from_json);
    edge_lambda::serve(EdgeFunction::BodyHash, log_level, move |request| {
        decide_request(request, &config)
    })
    .await
}
