//! N-API adapter of the body-hash function. `index.mjs` (from `shared/edge-napi/js`) constructs
//! `Handler` once with `config.json` and calls `handle(event)` per request.
//!
//! One invocation reads the body members, copies `body.data` out of V8, reads the headers
//! [`body_hash_core::headers_read`] lists for that body, runs the pure core on those Rust values and
//! only then edits the request. No borrow is held across a call into JS, so a getter in the event
//! that re-enters the handler cannot break it.
// `#[napi]` generates public glue (constructors, registration) that cannot carry doc comments.
#![allow(missing_docs)]

mod body;

use std::cell::Cell;

use body::{BodyMembers, copy_body_data, read_body};
use body_hash_core::{BodyInput, Config, decide_body, headers_read};
use cloudfront_event::{Decision, EdgeFunction, Outcome};
use edge_napi::member::record;
use edge_napi::{apply_edits, read_headers, request_id_of, request_of, response_to_js};
use napi::{Env, JsObject, JsUnknown, Result};
use napi_derive::napi;

/// The body-hash core with its build-time configuration.
#[napi]
pub struct Handler {
    config: Config,
    /// `body.data` is copied here; kept between invocations so a 1.33 MB body does not cost a
    /// fresh allocation (and its page faults) every time. A `Cell`, never borrowed: taken out
    /// for an invocation and put back after.
    body_buffer: Cell<Vec<u8>>,
    /// The last decision's log line, until `index.mjs` takes it.
    decision_log: Cell<Option<String>>,
}

#[napi]
impl Handler {
    /// Parses and validates `config.json`; throws (failing the function's init) if invalid.
    #[napi(constructor)]
    pub fn new(config_json: String) -> Result<Self> {
        let config =
            Config::from_json(&config_json).map_err(|e| napi::Error::from_reason(e.to_string()))?;
        Ok(Self {
            config,
            body_buffer: Cell::new(Vec::new()),
            decision_log: Cell::new(None),
        })
    }

    /// Handles one origin-request event: returns `Records[0].cf.request` with
    /// `x-amz-content-sha256` set, or a generated problem response. A malformed event throws.
    #[napi]
    pub fn handle(&self, env: Env, event: JsObject) -> Result<JsUnknown> {
        let request = request_of(&event)?;
        let request_id = request_id_of(&event)?;
        let mut headers_object = record(&request, "headers")?;
        let body = read_body(&request)?;
        // The buffer is taken out of its Cell, not borrowed: a getter that re-enters the handler
        // while the headers are read below finds the Cell empty and uses a buffer of its own.
        let mut buf = self.body_buffer.take();
        let outcome = self.decide(&env, &headers_object, body, &mut buf);
        self.body_buffer.set(buf);
        let decision = outcome?;
        let line = decision.log_line(EdgeFunction::BodyHash, request_id.as_deref());
        self.decision_log.set(Some(line));
        match decision.outcome {
            Outcome::Forward(edits) => {
                // `headers_object` is the request's own object: editing it edits the request.
                apply_edits(&env, &mut headers_object, &edits)?;
                Ok(request.into_unknown())
            }
            Outcome::Respond(response) => response_to_js(&env, &response),
        }
    }

    /// The last decision's one JSON log line, once (`null` when there is none to take).
    #[napi]
    pub fn take_decision_log(&self) -> Option<String> {
        self.decision_log.take()
    }
}

impl Handler {
    /// Copies the body out of V8 (no JS runs), reads the headers the core needs for it, then
    /// runs the core on Rust values.
    fn decide(
        &self,
        env: &Env,
        headers_object: &JsObject,
        body: Option<BodyMembers>,
        buf: &mut Vec<u8>,
    ) -> Result<Decision> {
        let input = match &body {
            None => BodyInput::Absent,
            Some(body) => BodyInput::Present {
                data: match &body.data {
                    Some(data) => copy_body_data(env, data, body.encoding.as_deref(), buf)?,
                    None => &[],
                },
                encoding: body.encoding.as_deref(),
                input_truncated: body.input_truncated,
            },
        };
        let headers = read_headers(headers_object, headers_read(&input, &self.config))?;
        Ok(decide_body(&input, &headers, &self.config))
    }
}
