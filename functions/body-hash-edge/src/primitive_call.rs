//! The one-call entry point: the bundle's `index.mjs` reads the few members the core needs out of
//! the event itself (V8's inline caches read a member in about 1 ns; N-API takes about 85) and
//! hands them over as primitives in one call, [`Handler::decide_values`]. Every value is checked
//! here exactly as [`Handler::handle`] checks the members it reads, and the whole decision is the
//! core's. JS only routes an event whose envelope is not the plain shape to `handle`, which
//! refuses it (or reads it whole), and acts on the answer's kind.

use body_hash_core::{BodyInput, headers_read};
use cloudfront_event::{CONTENT_SHA256, HeaderEdit, Outcome};
use edge_napi::member::{Member, as_record};
use edge_napi::{apply_edits, headers_of_values, request_id_of_value, response_to_js};
use napi::{Env, JsUnknown, Result};
use napi_derive::napi;

use crate::Handler;
use crate::body::body_of_values;

#[napi]
impl Handler {
    /// The name of the header the core sets on a forwarded request (`x-amz-content-sha256`):
    /// `index.mjs` takes it from here once, so the header is named in Rust only.
    #[napi(getter)]
    pub fn hash_header(&self) -> &'static str {
        CONTENT_SHA256
    }

    /// The headers the core reads, in order, for a request with or without a `body` member (the
    /// core's [`headers_read`] under this configuration): the names `index.mjs` reads values of.
    #[napi]
    pub fn headers_read(&self, body_present: bool) -> Vec<&'static str> {
        let body = match body_present {
            true => BodyInput::Present {
                data: &[],
                encoding: None,
                input_truncated: false,
            },
            false => BodyInput::Absent,
        };
        headers_read(&body, &self.config).to_vec()
    }

    /// Decides one request from the members JS read: CloudFront's `requestId` (`undefined` when
    /// absent), `headers` (the request's headers object,
    /// edited only when the answer is not a plain hash), whether the request has a `body`, the
    /// body's `encoding`, `inputTruncated` and `data` as read (`undefined` without a body), and
    /// the value of the only entry of each header [`Self::headers_read`] names (`undefined` when
    /// absent).
    ///
    /// Answers, by kind: a string — forward the request with the one header
    /// [`Self::hash_header`] set to it (the core's only edit); `null` — forward the request,
    /// whose headers this call edited; an object — the generated response. A value of the wrong
    /// type or size throws the same "malformed event" exception `handle` throws. Like `handle`, it
    /// keeps the decision's log line for `takeDecisionLog`.
    #[napi]
    #[allow(clippy::too_many_arguments)] // the members as primitives are the point of this call
    pub fn decide_values(
        &self,
        env: Env,
        request_id: JsUnknown,
        headers: JsUnknown,
        body_present: bool,
        encoding: JsUnknown,
        input_truncated: JsUnknown,
        data: JsUnknown,
        value_0: JsUnknown,
        value_1: JsUnknown,
        value_2: JsUnknown,
    ) -> Result<JsUnknown> {
        let request_id = request_id_of_value(Member::of(request_id)?)?;
        let body = match body_present {
            true => Some(body_of_values(
                Member::of(encoding)?,
                Member::of(input_truncated)?,
                Member::of(data)?,
            )?),
            false => None,
        };
        let values = [value_0, value_1, value_2];
        let read = |names: &'static [&'static str]| {
            headers_of_values(
                names,
                values
                    .into_iter()
                    .map(Member::of)
                    .collect::<Result<Vec<_>>>()?,
            )
        };
        let decision = self.decide(&env, read, body)?;
        match self.keep_log_line(decision, request_id.as_deref()) {
            Outcome::Forward(edits) => match plain_hash(&edits) {
                Some(hash) => Ok(env.create_string(hash)?.into_unknown()),
                None => {
                    let mut headers = as_record(Member::of(headers)?, "headers")?;
                    apply_edits(&env, &mut headers, &edits)?;
                    Ok(env.get_null()?.into_unknown())
                }
            },
            Outcome::Respond(response) => response_to_js(&env, &response),
        }
    }
}

/// The hash, when the edits are exactly "set `x-amz-content-sha256` to one entry of that name".
fn plain_hash(edits: &[HeaderEdit]) -> Option<&str> {
    match edits {
        [HeaderEdit::Set { name, entries }] if name == CONTENT_SHA256 => match entries.as_slice() {
            [(key, value)] if key == CONTENT_SHA256 => Some(value),
            _ => None,
        },
        _ => None,
    }
}
