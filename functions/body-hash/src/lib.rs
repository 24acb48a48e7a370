//! Adapter from the `lambda_runtime` event model to the `body-hash-core` core.

use body_hash_core::{BodyInput, Config, Outcome, hash_body};
use cloudfront_event::{Event, Request};
use serde_json::Value;

/// Runs the core on an origin-request event and returns what Lambda@Edge expects back: the
/// request (edited) or a generated response.
///
/// An event without a record cannot be answered; that is an invocation error (CloudFront answers
/// 503), never a forwarded request.
pub fn handle_origin_request(event: Event, config: &Config) -> Result<Value, String> {
    let mut request: Request = event
        .into_request()
        .ok_or("event has no Records[0].cf.request")?;
    let body = match &request.body {
        None => BodyInput::Absent,
        Some(b) => BodyInput::Present {
            data: b.data.as_deref().unwrap_or("").as_bytes(),
            encoding: b.encoding.as_deref(),
            input_truncated: b.input_truncated.unwrap_or(false),
        },
    };
    let outcome = hash_body(&body, &request.headers, config);
    let value = match outcome {
        Outcome::Forward(edits) => {
            for edit in &edits {
                request.headers.apply(edit);
            }
            serde_json::to_value(&request)
        }
        Outcome::Respond(response) => serde_json::to_value(&response),
    };
    value.map_err(|e| e.to_string())
}

/// Reads the configuration from `BODY_HASH_CONFIG` (the same JSON the edge bundle carries as
/// `config.json`); unset means the default.
pub fn config_from_env() -> Result<Config, body_hash_core::ConfigError> {
    match std::env::var("BODY_HASH_CONFIG") {
        Ok(json) => Config::from_json(&json),
        Err(_) => Ok(Config::default()),
    }
}
