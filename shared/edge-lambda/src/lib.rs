//! The one `lambda_runtime` adapter of the edge cores (`body-hash`, `ip-filter`): it takes a
//! core `Fn(&Request) -> Outcome`, serves Lambda@Edge events through the Lambda Runtime API and
//! returns what CloudFront expects — the request with the core's header edits applied, or the
//! generated response. Each function's `main.rs` only wires its configuration to its core:
//!
//! ```no_run
//! use cloudfront_event::Outcome;
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), lambda_runtime::Error> {
//!     let config: String = edge_lambda::config_or_exit("my-filter", "MY_FILTER_CONFIG", |json| {
//!         Ok::<_, std::convert::Infallible>(json.to_owned())
//!     });
//!     edge_lambda::serve(move |_request| {
//!         let _ = &config;
//!         Outcome::forward_unchanged()
//!     })
//!     .await
//! }
//! ```
//!
//! (The edge bundles run the same cores through N-API instead: `shared/edge-napi`.)

mod config;

pub use config::{ConfigFailure, config_from, config_or_exit};

use cloudfront_event::{EdgeAnswer, Event, Outcome, Request};
use lambda_runtime::{Error, LambdaEvent, service_fn};

/// Runs `core` on one event and carries its outcome out.
///
/// An event without a record cannot be answered: that is an invocation error (CloudFront
/// answers 5xx), never a forwarded request.
pub fn answer(event: Event, core: impl Fn(&Request) -> Outcome) -> Result<EdgeAnswer, String> {
    let request = event
        .into_request()
        .ok_or("event has no Records[0].cf.request")?;
    Ok(core(&request).apply_to(request))
}

/// Serves `core` through the Lambda Runtime API (`AWS_LAMBDA_RUNTIME_API`) until the runtime
/// stops. An event that is not a Lambda@Edge request event is an invocation error.
pub async fn serve<F>(core: F) -> Result<(), Error>
where
    F: Fn(&Request) -> Outcome,
{
    let core = &core;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| {
        let answer = answer(event.payload, core).map_err(Error::from);
        async move { answer }
    }))
    .await
}

#[cfg(test)]
mod tests;
