//! A large `body.data` copied out of V8 by Node's own UTF-8 writer, in one pass.
//!
//! N-API's copies of a 1.33 MB base64 string are each slow or inexact: Latin-1 is fast but cuts
//! a character above U+00FF to its low byte (which can turn a string that is not base64 into
//! valid base64), so it needs an exact ASCII check first (the UTF-8 length, a pass of 136 µs);
//! the UTF-8 copy is exact but V8's writer behind it takes 150 µs on Node.js 20 and 730 µs on
//! Node.js 22. Node's `Buffer.prototype.utf8Write` makes the same exact copy in 90 µs (Node.js 20)
//! and 43 µs (Node.js 22, simdutf). So the handler keeps one Node `Buffer` of
//! [`MAX_BODY_DATA_CHARS`] bytes and that buffer's `utf8Write`, both taken at init — nothing an
//! event does later (a getter replacing `Buffer.prototype.utf8Write`) can change what is called —
//! and calls it on the primitive string. `docs/body-hash.md` has the measurements.

use std::ptr;

use edge_napi::member::CappedString;
use napi::{Env, JsFunction, JsObject, JsUnknown, NapiRaw, NapiValue, Ref, Result, ValueType};

use crate::body::MAX_BODY_DATA_CHARS;

/// Below this many characters the N-API copies are cheaper than a call into Node's writer.
pub const MIN_CHARS: usize = 8 * 1024;

/// A Node `Buffer` and its `utf8Write`, made at init. Taken out of its `Cell` for an invocation,
/// so a nested one (a getter re-entering the handler) never writes into it meanwhile.
pub struct NodeWriter {
    buffer: Ref<()>,
    write: Ref<()>,
    data: *const u8,
}

impl NodeWriter {
    /// The writer, or `None` if this Node.js has no `Buffer.prototype.utf8Write` (the N-API
    /// copies are used then: slower, same result).
    pub fn new(env: &Env) -> Result<Option<Self>> {
        let buffer = env.create_buffer(MAX_BODY_DATA_CHARS)?;
        let data = buffer.as_ptr();
        let buffer = buffer.into_raw();
        let write: JsUnknown = buffer.get_named_property_unchecked("utf8Write")?;
        if write.get_type()? != ValueType::Function {
            return Ok(None);
        }
        // SAFETY: `typeof` is "function".
        let write: JsFunction = unsafe { write.cast() };
        Ok(Some(Self {
            buffer: env.create_reference(buffer)?,
            write: env.create_reference(write)?,
            data,
        }))
    }

    /// Writes at most `data.chars` UTF-8 bytes of `data` (whole characters only) and returns
    /// them: all of the string if it is ASCII (see [`crate::body::DataCopy::UnlessRefused`]).
    pub fn write<'w>(&'w self, env: &Env, data: &CappedString) -> Result<&'w [u8]> {
        let buffer: JsObject = env.get_reference_value_unchecked(&self.buffer)?;
        let write: JsFunction = env.get_reference_value_unchecked(&self.write)?;
        let offset = env.create_uint32(0)?;
        let length = env.create_uint32(data.chars as u32)?;
        // SAFETY: handles of live values of this invocation's scope.
        let argv = unsafe { [data.string.raw(), offset.raw(), length.raw()] };
        let mut written = ptr::null_mut();
        // SAFETY: `write` is the function taken at init; `argv` holds three live handles.
        napi::check_status!(unsafe {
            napi::sys::napi_call_function(
                env.raw(),
                buffer.raw(),
                write.raw(),
                argv.len(),
                argv.as_ptr(),
                &mut written,
            )
        })?;
        // SAFETY: a handle N-API just returned.
        let written = unsafe { JsUnknown::from_raw_unchecked(env.raw(), written) };
        let written = match written.get_type()? {
            // SAFETY: `typeof` is "number".
            ValueType::Number => unsafe { written.cast::<napi::JsNumber>() }.get_uint32()?,
            other => {
                return Err(napi::Error::from_reason(format!(
                    "Buffer utf8Write returned a {other}"
                )));
            }
        };
        let written = (written as usize).min(data.chars);
        // SAFETY: `data` points to the buffer's MAX_BODY_DATA_CHARS bytes, kept alive by the
        // reference; `data.chars` is at most MAX_BODY_DATA_CHARS (capped when read), and the
        // writer initialised the first `written` of them.
        Ok(unsafe { std::slice::from_raw_parts(self.data, written) })
    }

    /// Deletes the references (from the handler's finalizer).
    pub fn release(mut self, env: Env) -> Result<()> {
        self.buffer.unref(env)?;
        self.write.unref(env)?;
        Ok(())
    }
}
