//! The event's `body` member, read type-checked, and `body.data` copied out of V8.

use edge_napi::member::{
    CappedString, Member, as_optional_bool, as_optional_string, member, optional_record,
    to_rust_string,
};
use napi::{Env, JsObject, JsString, NapiRaw, Result};

use crate::node_writer::{self, NodeWriter};

/// The most characters `body.data` may hold: the base64 of CloudFront's 1 MiB cut
/// (4 × ⌈1,048,576 / 3⌉). CloudFront never hands an origin-request function more.
pub const MAX_BODY_DATA_CHARS: usize = 1_398_104;

/// The most characters `body.encoding` may hold (CloudFront sends `base64` or `text`; an unknown
/// one is named in the generated problem, so it is kept short).
pub const MAX_ENCODING_CHARS: usize = 32;

/// `request.body`, read before the core runs. `data` stays in V8 until [`copy_body_data`], which
/// runs no JS.
pub struct BodyMembers {
    /// `body.encoding`, if present.
    pub encoding: Option<String>,
    /// `body.inputTruncated` (absent → false).
    pub input_truncated: bool,
    /// `body.data`, if present.
    pub data: Option<CappedString>,
}

/// `request.body`: `None` when absent; a JS exception when it, `data`, `encoding` or
/// `inputTruncated` has the wrong type, or `data`/`encoding` is over its cap.
pub fn read_body(request: &JsObject) -> Result<Option<BodyMembers>> {
    let Some(body) = optional_record(request, "body")? else {
        return Ok(None);
    };
    let encoding = as_optional_string(member(&body, "encoding")?, "encoding", MAX_ENCODING_CHARS)?;
    let input_truncated = as_optional_bool(member(&body, "inputTruncated")?, "inputTruncated")?;
    let data = as_optional_string(member(&body, "data")?, "data", MAX_BODY_DATA_CHARS)?;
    body_members(encoding, input_truncated, data).map(Some)
}

/// The body members as JS read them (`encoding`, `inputTruncated`, `data`, in that order), each
/// checked exactly as [`read_body`] checks the members it reads itself.
pub fn body_of_values(
    encoding: Member,
    input_truncated: Member,
    data: Member,
) -> Result<BodyMembers> {
    body_members(
        as_optional_string(encoding, "encoding", MAX_ENCODING_CHARS)?,
        as_optional_bool(input_truncated, "inputTruncated")?,
        as_optional_string(data, "data", MAX_BODY_DATA_CHARS)?,
    )
}

fn body_members(
    encoding: Option<CappedString>,
    input_truncated: Option<bool>,
    data: Option<CappedString>,
) -> Result<BodyMembers> {
    Ok(BodyMembers {
        encoding: encoding.map(|e| to_rust_string(e.string)).transpose()?,
        input_truncated: input_truncated.unwrap_or(false),
        data,
    })
}

/// How `body.data` was copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataCopy {
    /// Exactly the string's bytes.
    Exact,
    /// As many UTF-8 bytes as the string has characters: its exact bytes if it is ASCII, else a
    /// cut-short prefix holding a byte ≥ 0x80. Strict base64 accepts no such byte, so a body the
    /// core decodes was copied exactly; only a refusal needs [`is_ascii`] to tell.
    UnlessRefused,
}

/// `body.data` copied out of V8 the cheapest exact way. Base64 from CloudFront is ASCII: a large
/// body is written by Node's UTF-8 writer when there is one (see [`crate::node_writer`]); a small
/// one, or a large one when there is none, is copied as Latin-1 (memcpy speed) once its UTF-8
/// length proves it ASCII (UTF-8 transcoding by N-API is several times slower). Anything else —
/// a `text` body, or a string that is not ASCII and so cannot be base64 — is copied as UTF-8, so
/// the core sees exactly the bytes the string holds.
pub fn copy_body_data<'b>(
    env: &Env,
    data: &CappedString,
    encoding: Option<&str>,
    buf: &'b mut Vec<u8>,
    writer: Option<&'b NodeWriter>,
) -> Result<(DataCopy, &'b [u8])> {
    let is_base64 = matches!(encoding, None | Some("base64"));
    if let Some(writer) = writer.filter(|_| is_base64 && data.chars >= node_writer::MIN_CHARS) {
        let bytes = writer.write(env, data)?;
        if bytes.len() == data.chars {
            return Ok((DataCopy::UnlessRefused, bytes));
        }
        copy_exact(env, data, buf)?;
        return Ok((DataCopy::Exact, buf));
    }
    let utf8_len = data.string.utf8_len()?;
    // UTF-8 length == UTF-16 length exactly when every character is ASCII; only then is the
    // Latin-1 copy (which truncates wider characters) the string's exact bytes.
    if is_base64 && utf8_len == data.chars {
        copy_string(
            env,
            &data.string,
            data.chars,
            buf,
            napi::sys::napi_get_value_string_latin1,
        )?;
    } else {
        copy_string(
            env,
            &data.string,
            utf8_len,
            buf,
            napi::sys::napi_get_value_string_utf8,
        )?;
    }
    Ok((DataCopy::Exact, buf))
}

/// `body.data` copied as its exact UTF-8 bytes.
pub fn copy_exact(env: &Env, data: &CappedString, buf: &mut Vec<u8>) -> Result<()> {
    let utf8_len = data.string.utf8_len()?;
    copy_string(
        env,
        &data.string,
        utf8_len,
        buf,
        napi::sys::napi_get_value_string_utf8,
    )
}

/// Whether `data` is ASCII: its UTF-8 length equals its length in UTF-16 code units exactly then.
pub fn is_ascii(data: &CappedString) -> Result<bool> {
    Ok(data.string.utf8_len()? == data.chars)
}

/// N-API's Latin-1 and UTF-8 string copies.
type StringCopy = unsafe extern "C" fn(
    napi::sys::napi_env,
    napi::sys::napi_value,
    *mut std::ffi::c_char,
    usize,
    *mut usize,
) -> napi::sys::napi_status;

/// Copies the `len` bytes `copy` yields for `s` into `buf`, reusing its allocation. (napi 2's
/// `JsString::into_latin1` leaks its buffer and `into_utf8` allocates anew, so this calls N-API
/// directly.)
fn copy_string(
    env: &Env,
    s: &JsString,
    len: usize,
    buf: &mut Vec<u8>,
    copy: StringCopy,
) -> Result<()> {
    buf.clear();
    buf.reserve(len + 1);
    let mut written = 0usize;
    // SAFETY: `buf` has room for `len + 1` bytes (N-API writes a NUL terminator); `written` is
    // the number of bytes N-API copied, at most `len`.
    napi::check_status!(unsafe {
        copy(
            env.raw(),
            s.raw(),
            buf.as_mut_ptr().cast(),
            len + 1,
            &mut written,
        )
    })?;
    // SAFETY: N-API initialised the first `written` bytes.
    unsafe { buf.set_len(written.min(len)) };
    Ok(())
}
