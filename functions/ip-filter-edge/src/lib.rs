//! N-API adapter of the ip-filter function. `index.mjs` (from `shared/edge-napi/js`) constructs
//! `Handler` once with `config.json` and calls `handle(event)` per request.
// `#[napi]` generates public glue (constructors, registration) that cannot carry doc comments.
#![allow(missing_docs)]

use cloudfront_event::Outcome;
use edge_napi::member::{record, required_string};
use edge_napi::{apply_edits, init_error, request_of, response_to_js};
use ip_filter_core::IpFilter;
use napi::{Env, JsObject, JsUnknown, Result};
use napi_derive::napi;

/// The most characters `clientIp` may hold: the longest textual IPv6 address (with an embedded
/// IPv4 address) is 45, so anything longer is not an address CloudFront sent.
const MAX_CLIENT_IP_CHARS: usize = 45;

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
    /// A malformed event, or a `clientIp` that is missing, not a string or longer than an address
    /// can be, throws: nothing is forwarded unjudged.
    #[napi]
    pub fn handle(&self, env: Env, event: JsObject) -> Result<JsUnknown> {
        let request = request_of(&event)?;
        let client_ip = required_string(&request, "clientIp", MAX_CLIENT_IP_CHARS)?;
        match self.filter.decide(&client_ip) {
            Outcome::Forward(edits) => {
                // The filter forwards unchanged today; an edit the core asks for is still made.
                if !edits.is_empty() {
                    apply_edits(&env, &mut record(&request, "headers")?, &edits)?;
                }
                Ok(request.into_unknown())
            }
            Outcome::Respond(response) => response_to_js(&env, &response),
        }
    }
}
