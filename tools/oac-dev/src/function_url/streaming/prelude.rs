//! The HTTP integration response's prelude: a JSON object (`statusCode`, `headers`, `cookies`)
//! ended by 8 NUL bytes, before the body
//! (`Content-Type: application/vnd.awslambda.http-integration-response`, what `lambda_runtime`
//! and Node's `HttpResponseStream.from` write). Read incrementally, as the frames arrive.
//!
//! No limit on its size is documented for Function URLs; API Gateway's streaming integration
//! requires the prelude within the first 16 KB, and oac-dev holds Function URLs to the same
//! (an assumption: docs/oac-dev.md).

use axum::http::{HeaderName, HeaderValue};
use serde_json::Value;

/// The most prelude JSON read before the delimiter.
pub const PRELUDE_LIMIT: usize = 16 * 1024;
/// What ends the prelude.
pub const DELIMITER: [u8; 8] = [0; 8];

/// Status, headers and cookies the function announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prelude {
    /// `statusCode` (200 when absent).
    pub status: u16,
    /// `headers`, a multi-valued header (an array) as one entry per value.
    pub headers: Vec<(String, String)>,
    /// `cookies`, each a `set-cookie` header on the way out.
    pub cookies: Vec<String>,
}

/// Why a prelude was refused (the viewer gets a 502).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreludeError {
    /// No delimiter within [`PRELUDE_LIMIT`] bytes.
    #[error("no prelude delimiter within the first {PRELUDE_LIMIT} bytes")]
    TooLong,
    /// The stream ended before the delimiter.
    #[error("the stream ended before the prelude delimiter (8 NUL bytes)")]
    Ended,
    /// The prelude is not JSON.
    #[error("the prelude is not JSON: {0}")]
    NotJson(String),
    /// The prelude is JSON but not an object.
    #[error("the prelude is not a JSON object")]
    NotObject,
    /// `statusCode` is not an integer from 100 to 599.
    #[error("the prelude's statusCode is not an HTTP status: {0}")]
    BadStatus(String),
    /// `headers` is not an object of strings (or arrays of strings) that are valid HTTP.
    #[error("the prelude's headers are not valid: {0}")]
    BadHeader(String),
    /// `cookies` is not an array of strings.
    #[error("the prelude's cookies are not an array of strings")]
    BadCookies,
}

/// Reads the prelude from the first frames of a stream.
#[derive(Debug, Default)]
pub struct PreludeReader {
    seen: Vec<u8>,
}

impl PreludeReader {
    /// Takes the next frame: `None` while the delimiter has not arrived; else the prelude and
    /// the body bytes that came after the delimiter in the same frame.
    pub fn feed(&mut self, frame: &[u8]) -> Result<Option<(Prelude, Vec<u8>)>, PreludeError> {
        // The delimiter may straddle two frames: search from 7 bytes before the new ones.
        let from = self.seen.len().saturating_sub(DELIMITER.len() - 1);
        self.seen.extend_from_slice(frame);
        let found = self.seen[from..]
            .windows(DELIMITER.len())
            .position(|w| w == DELIMITER)
            .map(|p| p + from);
        match found {
            Some(end) if end > PRELUDE_LIMIT => Err(PreludeError::TooLong),
            Some(end) => {
                let prelude = parse(&self.seen[..end])?;
                Ok(Some((prelude, self.seen[end + DELIMITER.len()..].to_vec())))
            }
            None if self.seen.len() >= PRELUDE_LIMIT + DELIMITER.len() => {
                Err(PreludeError::TooLong)
            }
            None => Ok(None),
        }
    }
}

/// The prelude JSON, checked.
pub fn parse(json: &[u8]) -> Result<Prelude, PreludeError> {
    let value: Value =
        serde_json::from_slice(json).map_err(|e| PreludeError::NotJson(e.to_string()))?;
    let object = value.as_object().ok_or(PreludeError::NotObject)?;
    let status = match object.get("statusCode") {
        None => 200,
        Some(code) => code
            .as_u64()
            .filter(|c| (100..=599).contains(c))
            .and_then(|c| u16::try_from(c).ok())
            .ok_or_else(|| PreludeError::BadStatus(code.to_string()))?,
    };
    let mut headers = Vec::new();
    match object.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (name, value) in map {
                for value in header_values(name, value)? {
                    headers.push((name.to_ascii_lowercase(), value));
                }
            }
        }
        Some(other) => return Err(PreludeError::BadHeader(format!("headers is {other}"))),
    }
    let cookies = match object.get("cookies") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|c| {
                c.as_str()
                    .map(str::to_owned)
                    .ok_or(PreludeError::BadCookies)
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(PreludeError::BadCookies),
    };
    Ok(Prelude {
        status,
        headers,
        cookies,
    })
}

/// A header's values: a string, or an array of strings (`http_serde`'s multi-valued form);
/// name and values must be valid HTTP.
fn header_values(name: &str, value: &Value) -> Result<Vec<String>, PreludeError> {
    let bad = || PreludeError::BadHeader(name.to_owned());
    HeaderName::try_from(name).map_err(|_| bad())?;
    let values: Vec<String> = match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(bad))
            .collect::<Result<_, _>>()?,
        _ => return Err(bad()),
    };
    for v in &values {
        HeaderValue::try_from(v.as_str()).map_err(|_| bad())?;
    }
    Ok(values)
}

#[cfg(test)]
#[path = "prelude_tests.rs"]
mod tests;
