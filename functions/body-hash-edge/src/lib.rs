//! N-API adapter of the body-hash function. Its own `index.mjs` (`functions/body-hash-edge/js`)
//! constructs `Handler` once with `config.json` and calls `decideValues(...)` per request, or
//! `handle(event)` for an event not of the plain shape; either keeps the decision's log line for
//! `takeDecisionLog()`.
//!
//! One invocation reads the body members, copies `body.data` out of V8, reads the headers
//! [`body_hash_core::headers_read`] lists for that body, runs the pure core on those Rust values and
//! only then edits the request. No borrow is held across a call into JS, so a getter in the event
//! that re-enters the handler cannot break it.
// `#[napi]` generates public glue (constructors, registration) that cannot carry doc comments.
#![allow(missing_docs)]

mod body;
mod node_writer;
mod primitive_call;

use std::cell::Cell;

use body::{BodyMembers, DataCopy, copy_body_data, copy_exact, is_ascii, read_body};
use body_hash_core::{BodyInput, Config, MAX_ENTRIES_PER_HEADER, decide_body, headers_read};
use cloudfront_event::{Decision, DecisionLogLevel, EdgeFunction, Outcome, split_decision_log};
use edge_napi::member::record;
use edge_napi::{
    ReadHeaders, apply_edits, init_error, read_headers, request_id_of, request_of, response_to_js,
};
use napi::bindgen_prelude::ObjectFinalize;
use napi::{Env, JsObject, JsUnknown, Result};
use napi_derive::napi;
use node_writer::NodeWriter;

/// The body-hash core with its build-time configuration.
#[napi(custom_finalize)]
pub struct Handler {
    config: Config,
    /// `body.data` is copied here; kept between invocations so a 1.33 MB body does not cost a
    /// fresh allocation (and its page faults) every time. A `Cell`, never borrowed: taken out
    /// for an invocation and put back after.
    body_buffer: Cell<Vec<u8>>,
    /// Node's UTF-8 writer for large bodies; taken out for an invocation like `body_buffer`.
    writer: Cell<Option<NodeWriter>>,
    /// Which decisions get a log line (`config.json`'s `decisionLog`).
    log_level: DecisionLogLevel,
    /// The last decision's log line, until `index.mjs` takes it.
    decision_log: Cell<Option<String>>,
}

#[napi]
impl Handler {
    /// Parses and validates `config.json` (its `decisionLog` level, then the core's options);
    /// throws (failing the function's init) if invalid.
    #[napi(constructor)]
    pub fn new(env: Env, config_json: String) -> Result<Self> {
        let (log_level, config_json) = split_decision_log(&config_json).map_err(init_error)?;
        let config = Config::from_json(&config_json).map_err(init_error)?;
        Ok(Self {
            config,
            log_level,
            body_buffer: Cell::new(Vec::new()),
            writer: Cell::new(NodeWriter::new(&env)?),
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
        // A header repeated past the core's limit is counted, not read: the core refuses it.
        let read = |names: &'static [&'static str]| {
            read_headers(&headers_object, names, MAX_ENTRIES_PER_HEADER)
        };
        let decision = self.decide(&env, read, body)?;
        match self.keep_log_line(decision, request_id.as_deref()) {
            Outcome::Forward(edits) => {
                // `headers_object` is the request's own object: editing it edits the request.
                apply_edits(&env, &mut headers_object, &edits)?;
                Ok(request.into_unknown())
            }
            Outcome::Respond(response) => response_to_js(&env, &response),
        }
    }

    /// The decision log level baked into `config.json`: `index.mjs` asks once at init, and at
    /// `off` never calls `takeDecisionLog`.
    #[napi(getter)]
    pub fn decision_log(&self) -> &'static str {
        self.log_level.name()
    }

    /// The last decision's one JSON log line, once (`null` when there is none to take, or the
    /// level does not log that decision).
    #[napi]
    pub fn take_decision_log(&self) -> Option<String> {
        self.decision_log.take()
    }
}

impl ObjectFinalize for Handler {
    fn finalize(self, env: Env) -> Result<()> {
        match self.writer.take() {
            Some(writer) => writer.release(env),
            None => Ok(()),
        }
    }
}

impl Handler {
    /// [`Self::decide_on`] with the handler's kept buffer and writer. They are taken out of their
    /// Cells, not borrowed: a getter that re-enters the handler while the headers are read finds
    /// the Cells empty and uses a buffer of its own.
    fn decide(
        &self,
        env: &Env,
        read_headers: impl FnOnce(&'static [&'static str]) -> Result<ReadHeaders<'static>>,
        body: Option<BodyMembers>,
    ) -> Result<Decision> {
        let mut buf = self.body_buffer.take();
        let writer = self.writer.take();
        let outcome = self.decide_on(env, read_headers, body, &mut buf, writer.as_ref());
        self.body_buffer.set(buf);
        self.writer.set(writer);
        outcome
    }

    /// Copies the body out of V8 (no code of the event runs: N-API's copies, or Node's writer
    /// taken at init), reads the headers the core needs for it, then runs the core on Rust values.
    /// `read_headers` reads the headers [`headers_read`] lists (out of the event, or from values
    /// JS handed over).
    fn decide_on(
        &self,
        env: &Env,
        read_headers: impl FnOnce(&'static [&'static str]) -> Result<ReadHeaders<'static>>,
        body: Option<BodyMembers>,
        buf: &mut Vec<u8>,
        writer: Option<&NodeWriter>,
    ) -> Result<Decision> {
        let data = body.as_ref().and_then(|b| b.data.as_ref());
        let (copy, bytes) = match (&body, data) {
            (Some(body), Some(data)) => {
                copy_body_data(env, data, body.encoding.as_deref(), buf, writer)?
            }
            _ => (DataCopy::Exact, &[][..]),
        };
        let headers = read_headers(headers_read(&body_input(&body, bytes), &self.config))?;
        let decision = decide_body(&body_input(&body, bytes), &headers, &self.config);
        // Only a refusal can come from a cut-short copy of a string that is not ASCII: decide
        // again on its exact bytes, so the problem (and the logged size) is the one those bytes
        // deserve.
        if let (DataCopy::UnlessRefused, Outcome::Respond(_), Some(data)) =
            (copy, &decision.outcome, data)
            && !is_ascii(data)?
        {
            copy_exact(env, data, buf)?;
            return Ok(decide_body(&body_input(&body, buf), &headers, &self.config));
        }
        Ok(decision)
    }

    /// Keeps the decision's log line for `takeDecisionLog` (when the level logs it) and hands
    /// back its outcome.
    fn keep_log_line(&self, decision: Decision, request_id: Option<&str>) -> Outcome {
        if self.log_level.logs(&decision) {
            let line = decision.log_line(EdgeFunction::BodyHash, request_id);
            self.decision_log.set(Some(line));
        }
        decision.outcome
    }
}

/// The core's view of the body members, with `body.data` as copied into `buf`.
fn body_input<'a>(body: &'a Option<BodyMembers>, buf: &'a [u8]) -> BodyInput<'a> {
    match body {
        None => BodyInput::Absent,
        Some(body) => BodyInput::Present {
            data: buf,
            encoding: body.encoding.as_deref(),
            input_truncated: body.input_truncated,
        },
    }
}
