//! N-API adapter of the ip-filter function. `index.mjs` (from `shared/edge-napi/js`) constructs
//! `Handler` once with `config.json` and calls `handle(event)` per request.
//!
//! Without `kvsArn` the address alone is judged ([`IpFilter`]). With it ([`KvsViewer`]), the
//! origin secret is required too and the data comes from the KeyValueStore: before a request,
//! `index.mjs` asks `refreshStart(Date.now())` for signed `GetKey` requests (none while the data
//! is fresh), fetches them, and hands the answers to `refreshReceive(answers, Date.now())` until
//! it returns `null`.
// `#[napi]` generates public glue (constructors, registration) that cannot carry doc comments.
#![allow(missing_docs)]

mod kvs_fetch;

use std::cell::Cell;

use cloudfront_event::{DecisionLogLevel, EdgeFunction, Outcome, split_decision_log};
use edge_napi::member::{record, required_string};
use edge_napi::{
    ReadHeaders, apply_edits, init_error, read_headers, request_id_of, request_of, response_to_js,
};
use ip_filter_core::kvs_config::KvsConfig;
use ip_filter_core::kvs_viewer::KvsViewer;
use ip_filter_core::{Config, IpFilter};
use napi::{Env, JsObject, JsUnknown, Result};
use napi_derive::napi;

use crate::kvs_fetch::{HttpAnswer, answers_for, credentials_from_env, signed_requests, time_of};

/// The most characters `clientIp` may hold: the longest textual IPv6 address (with an embedded
/// IPv4 address) is 45, so anything longer is not an address CloudFront sent.
const MAX_CLIENT_IP_CHARS: usize = 45;

/// The filter the build-time configuration asks for.
enum Filter {
    /// The address only (no `kvsArn`): today's filter.
    Address(IpFilter),
    /// Address and origin secret, on data fetched from the store.
    Kvs {
        viewer: Box<KvsViewer>,
        kvs: KvsConfig,
        /// The keys of the requests last handed to `index.mjs`.
        asked: Vec<String>,
    },
}

/// The ip-filter core with its build-time configuration.
#[napi]
pub struct Handler {
    filter: Filter,
    /// Which decisions get a log line (`config.json`'s `decisionLog`).
    log_level: DecisionLogLevel,
    /// The last decision's log line, until `index.mjs` takes it.
    decision_log: Cell<Option<String>>,
}

#[napi]
impl Handler {
    /// Parses and validates `config.json` (its `decisionLog` level, then the filter's options);
    /// throws (failing the function's init) if invalid.
    #[napi(constructor)]
    pub fn new(config_json: String) -> Result<Self> {
        let (log_level, config_json) = split_decision_log(&config_json).map_err(init_error)?;
        let config = Config::from_json(&config_json).map_err(init_error)?;
        let filter = match config.kvs().map_err(init_error)? {
            None => Filter::Address(IpFilter::new(&config).map_err(init_error)?),
            Some(kvs) => Filter::Kvs {
                viewer: Box::new(KvsViewer::new(&config).map_err(init_error)?),
                kvs,
                asked: Vec::new(),
            },
        };
        Ok(Self {
            filter,
            log_level,
            decision_log: Cell::new(None),
        })
    }

    /// The decision log level baked into `config.json`: `index.mjs` asks once at init, and at
    /// `off` never calls `takeDecisionLog`.
    #[napi(getter)]
    pub fn decision_log(&self) -> &'static str {
        self.log_level.name()
    }

    /// Whether this filter reads the store (`kvsArn` set), so `index.mjs` asks, once at init,
    /// whether to call `refreshStart` at all: the address-only bundle pays nothing for it.
    #[napi(getter)]
    pub fn reads_store(&self) -> bool {
        matches!(self.filter, Filter::Kvs { .. })
    }

    /// Handles one viewer-request event at `now_ms` (`Date.now()`; only KVS mode reads it): returns
    /// `Records[0].cf.request` (the same object, with `x-forwarded-host` set to its `Host`; in KVS
    /// mode with the secret header removed too) when it may pass, else the generated 403 problem
    /// response. The address is judged before
    /// any header is read, and the secret header's entries are read only when it comes once: a
    /// header repeated any number of times is the same 403, never an exception. A malformed
    /// event, or a `clientIp` that is missing, not a string or longer than an address can be,
    /// throws: nothing is forwarded unjudged.
    #[napi]
    pub fn handle(&self, env: Env, event: JsObject, now_ms: Option<f64>) -> Result<JsUnknown> {
        let request = request_of(&event)?;
        let client_ip = required_string(&request, "clientIp", MAX_CLIENT_IP_CHARS)?;
        let request_id = request_id_of(&event)?;
        // The headers object, fetched once when the core first asks, kept for the edits.
        let mut object = None;
        let decision = match &self.filter {
            Filter::Address(filter) => {
                filter.judge(&client_ip, |names| read_into(&request, &mut object, names))?
            }
            Filter::Kvs { viewer, .. } => {
                let now = now_ms.and_then(time_of).map(|(ms, _)| ms);
                viewer.decision(now, &client_ip, |names| {
                    read_into(&request, &mut object, names)
                })?
            }
        };
        if self.log_level.logs(&decision) {
            let line = decision.log_line(EdgeFunction::IpFilter, request_id.as_deref());
            self.decision_log.set(Some(line));
        }
        match decision.outcome {
            Outcome::Forward(edits) => {
                if !edits.is_empty() {
                    let mut object = match object {
                        Some(object) => object,
                        None => record(&request, "headers")?,
                    };
                    apply_edits(&env, &mut object, &edits)?;
                }
                Ok(request.into_unknown())
            }
            Outcome::Respond(response) => response_to_js(&env, &response),
        }
    }

    /// The last decision's one JSON log line, once (`null` when there is none to take, or the
    /// level does not log that decision).
    #[napi]
    pub fn take_decision_log(&self) -> Option<String> {
        self.decision_log.take()
    }

    /// The line of the last failed store refresh (`null` when none failed since the last take):
    /// `index.mjs` writes it after the refresh, so every failed refresh is logged and counted.
    #[napi]
    pub fn take_refresh_log(&mut self) -> Option<String> {
        match &mut self.filter {
            Filter::Kvs { viewer, .. } => viewer.take_refresh_failure().map(|f| f.log_line()),
            Filter::Address(_) => None,
        }
    }

    /// The signed `GetKey` requests to send before judging a request at `now_ms`
    /// (`Date.now()`), or `null` (address only, data fresh, or nothing could be signed — then
    /// the refresh counts as failed and is retried after the back-off).
    #[napi]
    pub fn refresh_start(&mut self, env: Env, now_ms: f64) -> Result<JsUnknown> {
        let Filter::Kvs { viewer, kvs, asked } = &mut self.filter else {
            return Ok(env.get_null()?.into_unknown());
        };
        let Some((ms, time)) = time_of(now_ms) else {
            return Ok(env.get_null()?.into_unknown());
        };
        let Some(keys) = viewer.refresh_start(ms) else {
            return Ok(env.get_null()?.into_unknown());
        };
        requests_or_abandon(env, viewer, kvs, asked, keys, ms, time)
    }

    /// Takes the answers to the last requests (`null` for a failed fetch, else
    /// `{status, body}`), in order; returns further requests, or `null` once the refresh is over.
    #[napi]
    pub fn refresh_receive(
        &mut self,
        env: Env,
        answers: JsUnknown,
        now_ms: f64,
    ) -> Result<JsUnknown> {
        let Filter::Kvs { viewer, kvs, asked } = &mut self.filter else {
            return Ok(env.get_null()?.into_unknown());
        };
        let Some((ms, time)) = time_of(now_ms) else {
            viewer.refresh_abandon(0);
            return Ok(env.get_null()?.into_unknown());
        };
        // Answers of another shape fail the refresh (the core gets none to line up).
        let answers: Vec<Option<HttpAnswer>> = env.from_js_value(answers).unwrap_or_default();
        let fetched = answers_for(asked, answers);
        match viewer.refresh_receive(fetched, ms) {
            Some(keys) => requests_or_abandon(env, viewer, kvs, asked, keys, ms, time),
            None => {
                asked.clear();
                Ok(env.get_null()?.into_unknown())
            }
        }
    }
}

/// The headers `names` of `request` (one entry a header at most is read: a secret header that
/// comes twice is refused on its count, a Host that does gives no x-forwarded-host), its
/// `headers` object kept in `slot` for the edits.
fn read_into<'n>(
    request: &JsObject,
    slot: &mut Option<JsObject>,
    names: &[&'n str],
) -> Result<ReadHeaders<'n>> {
    read_headers(slot.insert(record(request, "headers")?), names, 1)
}

/// Signs `keys` for `index.mjs`; without credentials (or if signing fails) the refresh is
/// abandoned and `null` returned.
fn requests_or_abandon(
    env: Env,
    viewer: &mut KvsViewer,
    kvs: &KvsConfig,
    asked: &mut Vec<String>,
    keys: Vec<String>,
    ms: u64,
    time: std::time::SystemTime,
) -> Result<JsUnknown> {
    let signed = credentials_from_env().and_then(|c| signed_requests(kvs, &keys, &c, time));
    match signed {
        Some(requests) => {
            *asked = keys;
            env.to_js_value(&requests)
        }
        None => {
            viewer.refresh_abandon(ms);
            asked.clear();
            Ok(env.get_null()?.into_unknown())
        }
    }
}
