//! `ip-filter` as a Lambda binary, for `cargo lambda invoke` and the local chain.

use cloudfront_event::Event;
use ip_filter::{filter_from_env, handle_viewer_request};
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    // A bad configuration stops the function at init: nothing is let through unchecked.
    let filter = filter_from_env()?;
    let filter = &filter;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        handle_viewer_request(event.payload, filter).map_err(Error::from)
    }))
    .await
}
