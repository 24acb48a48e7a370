//! Shared plumbing of the Lambda@Edge N-API addons.
//!
//! The edge bundle's `index.mjs` hands the event object CloudFront sent straight to the addon.
//! The addon reads only what its core needs and edits the request object in place, so every
//! member the core does not touch reaches CloudFront exactly as it arrived — no JSON round trip
//! of the (up to 1.33 MB) body on the hot path.

use std::borrow::Cow;
use std::cell::RefCell;

use cloudfront_event::{HeaderEdit, HeaderLookup, Response};
use napi::{Env, JsObject, JsString, JsUnknown, Result};

/// `Records[0].cf.request` of a Lambda@Edge event object; a JS exception if absent.
pub fn request_of(event: &JsObject) -> Result<JsObject> {
    let records: JsObject = event.get_named_property("Records")?;
    let record: JsObject = records.get_element(0)?;
    let cf: JsObject = record.get_named_property("cf")?;
    cf.get_named_property("request")
}

/// A string member of `object`: `None` when absent, a JS exception when not a string.
pub fn optional_string(object: &JsObject, name: &str) -> Result<Option<String>> {
    match object.get::<_, JsString>(name)? {
        Some(s) => Ok(Some(s.into_utf8()?.into_owned()?)),
        None => Ok(None),
    }
}

/// A string member of `object` that must be there: a JS exception when absent or not a string.
pub fn required_string(object: &JsObject, name: &str) -> Result<String> {
    optional_string(object, name)?
        .ok_or_else(|| napi::Error::from_reason(format!("{name} is missing")))
}

/// A configuration error as the JS exception that fails the function's init (a bad
/// `config.json` must stop the function, never let a request through unchecked).
pub fn init_error(error: impl std::fmt::Display) -> napi::Error {
    napi::Error::from_reason(error.to_string())
}

/// Request headers read lazily from the event's `headers` object. A malformed entry cannot be
/// reported through [`HeaderLookup`]; it is recorded and [`JsHeaders::finish`] turns it into a JS
/// exception, so a decision made on unreadable headers is never returned.
pub struct JsHeaders<'a> {
    headers: &'a JsObject,
    error: RefCell<Option<napi::Error>>,
}

impl<'a> JsHeaders<'a> {
    /// Wraps `request.headers`.
    pub fn new(headers: &'a JsObject) -> Self {
        Self {
            headers,
            error: RefCell::new(None),
        }
    }

    /// Fails if any lookup met a malformed header.
    pub fn finish(self) -> Result<()> {
        match self.error.into_inner() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn try_values(&self, name: &str) -> Result<Vec<String>> {
        let Some(entries) = self.headers.get::<_, JsObject>(name)? else {
            return Ok(Vec::new());
        };
        let len = entries.get_array_length()?;
        let mut out = Vec::with_capacity(len as usize);
        for i in 0..len {
            let entry: JsObject = entries.get_element(i)?;
            let value: JsString = entry.get_named_property("value")?;
            out.push(value.into_utf8()?.into_owned()?);
        }
        Ok(out)
    }
}

impl HeaderLookup for JsHeaders<'_> {
    fn values(&self, lowercase_name: &str) -> Vec<Cow<'_, str>> {
        match self.try_values(lowercase_name) {
            Ok(values) => values.into_iter().map(Cow::Owned).collect(),
            Err(e) => {
                self.error.borrow_mut().get_or_insert(e);
                Vec::new()
            }
        }
    }
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
