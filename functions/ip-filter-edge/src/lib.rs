//! N-API adapter of the ip-filter function. `index.mjs` (from `shared/edge-napi/js`) constructs
//! `Handler` once with `config.json` and calls `handle(event)` per request.

use cloudflare_ranges::{IpFilter, Outcome};
use edge_napi::{init_error, request_of, required_string, response_to_js};
use napi::{Env, JsObject, JsUnknown, Result};
use napi_derive::napi;

/// The ip-filter core with its build-time configuration (bundled ranges plus extra CIDRs).
#[napi]
pub struct Handler {
    filter: IpFilter,
}

#[napi]
impl Handler {
    /// Parses and validates `config.json`; throws (failing the function's init) if invalid.
    #[napi(constructor)]
    pub fn new(config_json: String) -> Result<Self> {
        let filter = IpFilter::from_config_json(&config_json).map_err(init_error)?;
        Ok(Self { filter })
    }

    /// Handles one viewer-request event: returns `Records[0].cf.request` untouched (the same
    /// object) when `clientIp` is in the ranges, else the generated 403 problem response.
    /// A missing or non-string `clientIp` throws: nothing is forwarded unjudged.
    #[napi]
    pub fn handle(&self, env: Env, event: JsObject) -> Result<JsUnknown> {
        let request = request_of(&event)?;
        let client_ip = required_string(&request, "clientIp")?;
        match self.filter.decide(&client_ip) {
            Outcome::Forward => Ok(request.into_unknown()),
            Outcome::Respond(response) => response_to_js(&env, &response),
        }
    }
}
