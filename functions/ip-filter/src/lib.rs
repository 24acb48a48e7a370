//! Adapter from the `lambda_runtime` event model to the `ip-filter-core` viewer-request core.

use cloudfront_event::{Event, Request};
use ip_filter_core::{ConfigError, IpFilter, Outcome};
use serde_json::Value;

/// Runs the core on a viewer-request event and returns what Lambda@Edge expects back: the
/// request, unchanged, or the generated 403.
///
/// Only `clientIp` is judged. An event without a record cannot be answered; that is an
/// invocation error (CloudFront answers 5xx), never a forwarded request.
pub fn handle_viewer_request(event: Event, filter: &IpFilter) -> Result<Value, String> {
    let request: Request = event
        .into_request()
        .ok_or("event has no Records[0].cf.request")?;
    let value = match filter.decide(&request.client_ip) {
        Outcome::Forward => serde_json::to_value(&request),
        Outcome::Respond(response) => serde_json::to_value(&response),
    };
    value.map_err(|e| e.to_string())
}

/// Builds the filter from `IP_FILTER_CONFIG` (the same JSON the edge bundle carries as
/// `config.json`); unset means the default (Cloudflare's ranges only).
pub fn filter_from_env() -> Result<IpFilter, ConfigError> {
    match std::env::var("IP_FILTER_CONFIG") {
        Ok(json) => IpFilter::from_config_json(&json),
        Err(_) => IpFilter::from_config_json("{}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> (Value, Event) {
        let path = format!(
            "{}/../../fixtures/cloudfront/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap();
        (
            serde_json::from_str(&text).unwrap(),
            serde_json::from_str(&text).unwrap(),
        )
    }

    fn filter() -> IpFilter {
        IpFilter::from_config_json("{}").unwrap()
    }

    #[test]
    fn cloudflare_requests_come_back_byte_for_byte() {
        for name in [
            "viewer-request-cloudflare-v4.json",
            "viewer-request-cloudflare-v6.json",
        ] {
            let (raw, event) = fixture(name);
            let out = handle_viewer_request(event, &filter()).unwrap();
            assert_eq!(out, raw["Records"][0]["cf"]["request"], "{name}");
        }
    }

    #[test]
    fn direct_request_gets_the_403() {
        let (_, event) = fixture("viewer-request-direct.json");
        let out = handle_viewer_request(event, &filter()).unwrap();
        assert_eq!(out["status"], "403");
        assert_eq!(out["headers"]["cache-control"][0]["value"], "no-store");
        let body: Value = serde_json::from_str(out["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["type"], "urn:oac-kit:problem:not-from-cloudflare");
    }

    #[test]
    fn extra_cidr_lets_the_direct_caller_in() {
        let (raw, event) = fixture("viewer-request-direct.json");
        let f = IpFilter::from_config_json(r#"{"extraCidrs":["203.0.113.0/24"]}"#).unwrap();
        let out = handle_viewer_request(event, &f).unwrap();
        assert_eq!(out, raw["Records"][0]["cf"]["request"]);
    }

    #[test]
    fn event_without_records_is_an_error() {
        let event: Event = serde_json::from_str(r#"{"Records":[]}"#).unwrap();
        assert!(handle_viewer_request(event, &filter()).is_err());
    }
}
