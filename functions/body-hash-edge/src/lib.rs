//! N-API adapter of the body-hash function. `index.mjs` (from `shared/edge-napi/js`) constructs
//! `Handler` once with `config.json` and calls `handle(event)` per request.

use std::cell::RefCell;

use edge_napi::{JsHeaders, apply_edits, optional_string, request_of, response_to_js};
use napi::{Env, JsObject, JsString, JsUnknown, NapiRaw, Result};
use napi_derive::napi;
use payload_hash::{BodyInput, Config, Outcome, hash_body};

/// The body-hash core with its build-time configuration.
#[napi]
pub struct Handler {
    config: Config,
    /// `body.data` is copied here; kept between invocations so a 1.33 MB body does not cost a
    /// fresh allocation (and its page faults) every time.
    body_buffer: RefCell<Vec<u8>>,
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
            body_buffer: RefCell::new(Vec::new()),
        })
    }

    /// Handles one origin-request event: returns `Records[0].cf.request` with
    /// `x-amz-content-sha256` set, or a generated problem response.
    #[napi]
    pub fn handle(&self, env: Env, event: JsObject) -> Result<JsUnknown> {
        let request = request_of(&event)?;
        let mut headers: JsObject = request.get_named_property("headers")?;
        let outcome = match request.get::<_, JsObject>("body")? {
            None => decide(&headers, &BodyInput::Absent, &self.config)?,
            Some(body) => {
                let encoding = optional_string(&body, "encoding")?;
                let input_truncated = body.get::<_, bool>("inputTruncated")?.unwrap_or(false);
                let mut buf = self.body_buffer.borrow_mut();
                let data: &[u8] = match body.get::<_, JsString>("data")? {
                    Some(s) => copy_body_data(&env, s, encoding.as_deref(), &mut buf)?,
                    None => &[],
                };
                let input = BodyInput::Present {
                    data,
                    encoding: encoding.as_deref(),
                    input_truncated,
                };
                decide(&headers, &input, &self.config)?
            }
        };
        match outcome {
            Outcome::Forward(edits) => {
                // `headers` is the request's own object: editing it edits the request.
                apply_edits(&env, &mut headers, &edits)?;
                Ok(request.into_unknown())
            }
            Outcome::Respond(response) => response_to_js(&env, &response),
        }
    }
}

/// `body.data` copied out of V8 the cheapest exact way. Base64 from CloudFront is ASCII, and an
/// ASCII string copies as Latin-1 at memcpy speed (UTF-8 transcoding is several times slower on
/// a 1.33 MB body); anything else — a `text` body, or a string that is not ASCII and so cannot
/// be base64 — is copied as UTF-8, so the core sees exactly the bytes the string holds.
fn copy_body_data<'b>(
    env: &Env,
    s: JsString,
    encoding: Option<&str>,
    buf: &'b mut Vec<u8>,
) -> Result<&'b [u8]> {
    let is_base64 = matches!(encoding, None | Some("base64"));
    // UTF-8 length == UTF-16 length exactly when every character is ASCII; only then is the
    // Latin-1 copy (which truncates wider characters) the string's exact bytes.
    if is_base64 && s.utf8_len()? == s.utf16_len()? {
        ascii_copy(env, &s, buf)?;
    } else {
        buf.clear();
        buf.extend_from_slice(s.into_utf8()?.as_slice());
    }
    Ok(buf)
}

/// Copies a JS string known to be ASCII into `buf`, reusing its allocation. (napi 2's
/// `JsString::into_latin1` leaks its buffer, so this calls N-API directly.)
fn ascii_copy(env: &Env, s: &JsString, buf: &mut Vec<u8>) -> Result<()> {
    let len = s.latin1_len()?;
    buf.clear();
    buf.reserve(len + 1);
    let mut written = 0usize;
    // SAFETY: `buf` has room for `len + 1` bytes (N-API writes a NUL terminator); `written` is
    // the number of bytes N-API copied, at most `len`.
    napi::check_status!(unsafe {
        napi::sys::napi_get_value_string_latin1(
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

fn decide(headers: &JsObject, body: &BodyInput<'_>, config: &Config) -> Result<Outcome> {
    let lookup = JsHeaders::new(headers);
    let outcome = hash_body(body, &lookup, config);
    lookup.finish()?;
    Ok(outcome)
}
