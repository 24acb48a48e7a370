//! Shared plumbing of the Lambda@Edge N-API addons.
//!
//! The edge bundle's `index.mjs` hands the event object CloudFront sent straight to the addon.
//! The addon reads only what its core needs and edits the request object in place, so every
//! member the core does not touch reaches CloudFront exactly as it arrived — no JSON round trip
//! of the (up to 1.33 MB) body on the hot path.
//!
//! Every member is read type-checked ([`member`]): a member of the wrong type, a string over its
//! cap or a throwing getter is a JS exception, which fails the invocation (CloudFront answers 5xx;
//! nothing is forwarded). An adapter reads everything its core needs first ([`request_of`],
//! [`read_headers`], its own members), then runs the pure core on Rust values, so no call into
//! JS happens while the core runs and no borrow is held across one.
//!
//! Each `handle` keeps its decision's log line ([`request_id_of`] supplies CloudFront's request
//! ID) for `takeDecisionLog()`, which `index.mjs` writes with `console.log` after the decision.

mod event;
mod headers;
pub mod member;
mod request_id;

pub use event::request_of;
pub use headers::{MAX_HEADER_CHARS, ReadHeaders, headers_of_values, read_headers};
pub use request_id::{MAX_REQUEST_ID_CHARS, request_id_of, request_id_of_value};

use cloudfront_event::{HeaderEdit, Response};
use napi::{Env, JsObject, JsUnknown, Result};

/// A configuration error as the JS exception that fails the function's init (a bad
/// `config.json` must stop the function, never let a request through unchecked).
pub fn init_error(error: impl std::fmt::Display) -> napi::Error {
    napi::Error::from_reason(error.to_string())
}

/// Applies header edits to the request's `headers` object in place. A set header keeps its
/// position (JS objects keep insertion order), exactly as `cloudfront_event::Headers::apply`.
pub fn apply_edits(env: &Env, headers: &mut JsObject, edits: &[HeaderEdit]) -> Result<()> {
    for edit in edits {
        match edit {
            HeaderEdit::Set { name, entries } => {
                let mut array = env.create_array_with_length(entries.len())?;
                for (i, (key, value)) in entries.iter().enumerate() {
                    let mut entry = env.create_object()?;
                    entry.set_named_property("key", env.create_string(key)?)?;
                    entry.set_named_property("value", env.create_string(value)?)?;
                    array.set_element(i as u32, entry)?;
                }
                headers.set_named_property(name, array)?;
            }
            HeaderEdit::Remove { name } => {
                headers.delete_named_property(name)?;
            }
        }
    }
    Ok(())
}

/// A generated response as the JS object Lambda@Edge expects.
pub fn response_to_js(env: &Env, response: &Response) -> Result<JsUnknown> {
    env.to_js_value(response)
}
