//! The one `lambda_runtime` adapter of the edge cores (`body-hash`, `ip-filter`): it takes a
//! core `Fn(&Request) -> Decision`, serves Lambda@Edge events through the Lambda Runtime API and
//! returns what CloudFront expects — the request with the core's header edits applied, or the
//! generated response — and writes the decision's one JSON log line to stdout
//! ([`Decision::log_line`], the line the edge bundles write too) when the configuration's
//! `decisionLog` level ([`DecisionLogLevel`]) logs that decision. Each function's `main.rs` only
//! wires its configuration to its core:
//!
//! ```no_run
//! use cloudfront_event::{Decision, EdgeFunction, Outcome, Reason};
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), lambda_runtime::Error> {
//!     let (config, log_level) =
//!         edge_lambda::config_or_exit("my-filter", "MY_FILTER_CONFIG", |json| {
//!             Ok::<_, std::convert::Infallible>(json.to_owned())
//!         });
//!     edge_lambda::serve(EdgeFunction::IpFilter, log_level, move |_request| {
//!         let _ = &config;
//!         Decision::new(Outcome::forward_unchanged(), Reason::FromCloudflare)
//!     })
//!     .await
//! }
//! ```
//!
//! (The edge bundles run the same cores through N-API instead: `shared/edge-napi`.)

mod config;

pub use config::{ConfigFailure, config_from, config_or_exit};

use cloudfront_event::{Decision, DecisionLogLevel, EdgeAnswer, EdgeFunction, Event, Request};
use lambda_runtime::{Error, LambdaEvent, service_fn};

/// Runs `core` on one event and carries its decision out: what CloudFront gets back, and the
/// decision's log line (with the event's `requestId`) when `level` logs it.
///
/// An event without a record cannot be answered: that is an invocation error (CloudFront
/// answers 5xx), never a forwarded request.
pub fn answer(
    event: Event,
    function: EdgeFunction,
    level: DecisionLogLevel,
    core: impl Fn(&Request) -> Decision,
) -> Result<(EdgeAnswer, Option<String>), String> {
    let mut records = event.records.into_iter();
    let record = records.next().ok_or("event has no Records[0].cf.request")?;
    let request = record.cf.request;
    let decision = core(&request);
    let line = level
        .logs(&decision)
        .then(|| decision.log_line(function, Some(&record.cf.config.request_id)));
    Ok((decision.outcome.apply_to(request), line))
}

/// Serves `core` through the Lambda Runtime API (`AWS_LAMBDA_RUNTIME_API`) until the runtime
/// stops, printing one log line per decision `level` logs. An event that is not a Lambda@Edge
/// request event is an invocation error.
pub async fn serve<F>(function: EdgeFunction, level: DecisionLogLevel, core: F) -> Result<(), Error>
where
    F: Fn(&Request) -> Decision,
{
    let core = &core;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| {
        let answer = answer(event.payload, function, level, core).map(|(answer, line)| {
            if let Some(line) = line {
                println!("{line}");
            }
            answer
        });
        async move { answer.map_err(Error::from) }
    }))
    .await
}

#[cfg(test)]
mod tests;
