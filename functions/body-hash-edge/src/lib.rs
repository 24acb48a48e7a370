//! N-API adapter of the body-hash function. `index.mjs` (from `shared/edge-napi/js`) constructs
//! `Handler` once with `config.json` and calls `handle(event)` per request.

use edge_napi::{JsHeaders, apply_edits, optional_string, request_of, response_to_js};
use napi::{Env, JsObject, JsString, JsUnknown, Result};
use napi_derive::napi;
use payload_hash::{BodyInput, Config, Outcome, hash_body};

/// The body-hash core with its build-time configuration.
#[napi]
pub struct Handler {
    config: Config,
}

#[napi]
impl Handler {
    /// Parses and validates `config.json`; throws (failing the function's init) if invalid.
    #[napi(constructor)]
    pub fn new(config_json: String) -> Result<Self> {
        let config =
            Config::from_json(&config_json).map_err(|e| napi::Error::from_reason(e.to_string()))?;
        Ok(Self { config })
    }

    /// Handles one origin-request event: returns `Records[0].cf.request` with
    /// `x-amz-content-sha256` set, or a generated problem response.
    #[napi]
    pub fn handle(&self, env: Env, event: JsObject) -> Result<JsUnknown> {
        let mut request = request_of(&event)?;
        let mut headers: JsObject = request.get_named_property("headers")?;
        let outcome = match request.get::<_, JsObject>("body")? {
            None => decide(&headers, &BodyInput::Absent, &self.config)?,
            Some(body) => {
                let data = match body.get::<_, JsString>("data")? {
                    Some(s) => s.into_utf8()?,
                    None => env.create_string("")?.into_utf8()?,
                };
                let encoding = optional_string(&body, "encoding")?;
                let input_truncated = body.get::<_, bool>("inputTruncated")?.unwrap_or(false);
                let input = BodyInput::Present {
                    data: data.as_str()?,
                    encoding: encoding.as_deref(),
                    input_truncated,
                };
                decide(&headers, &input, &self.config)?
            }
        };
        match outcome {
            Outcome::Forward(edits) => {
                apply_edits(&env, &mut headers, &edits)?;
                // `headers` is the same JS object the request holds; re-set it for clarity of
                // ownership across the N-API boundary (a no-op for the object graph).
                request.set_named_property("headers", headers)?;
                Ok(request.into_unknown())
            }
            Outcome::Respond(response) => response_to_js(&env, &response),
        }
    }
}

fn decide(headers: &JsObject, body: &BodyInput<'_>, config: &Config) -> Result<Outcome> {
    let lookup = JsHeaders::new(headers);
    let outcome = hash_body(body, &lookup, config);
    lookup.finish()?;
    Ok(outcome)
}
