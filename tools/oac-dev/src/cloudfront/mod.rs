//! CloudFront, stage by stage: the viewer side, the viewer-request filter (CloudFront Function or
//! Lambda@Edge), the origin request policy, the origin-request function and OAC signing; on the
//! way back, a streamed response passed on chunk by chunk ([`viewer_stream`]).
//!
//! Between its stages the request is a typed [`cloudfront_event::Request`], the shape CloudFront
//! hands a Lambda@Edge function.

pub mod connection_function;
pub mod edge_result;
pub mod function_event;
pub mod header_rules;
pub mod kvs;
pub mod kvs_edge;
pub mod oac_sign;
pub mod origin_policy;
pub mod origin_request;
pub mod secret_verdict;
pub mod sigv4_sign;
pub mod viewer;
pub mod viewer_limits;
pub mod viewer_stream;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cloudfront_event::{Cf, Config, Event, Record, Request};
use serde_json::Map;

/// The emulated distribution's domain name.
pub const DISTRIBUTION_DOMAIN: &str = "d0acdev0local.cloudfront.net";
/// The emulated distribution's ID.
pub const DISTRIBUTION_ID: &str = "EOACDEVLOCAL";

/// A CloudFront request ID (`x-amz-cf-id`): 40 characters of URL-safe base64.
pub fn request_id() -> String {
    let id = uuid::Uuid::new_v4();
    let raw = [id.as_bytes().as_slice(), id.as_bytes().as_slice()].concat();
    STANDARD.encode(&raw[..30]).replace(['+', '/'], "_")
}

/// The Lambda@Edge event (`Records[0].cf`) of `event_type` for `request`.
pub fn edge_event(event_type: &str, request: Request, request_id: &str) -> Event {
    Event {
        records: vec![Record {
            cf: Cf {
                config: Config {
                    distribution_domain_name: DISTRIBUTION_DOMAIN.to_owned(),
                    distribution_id: DISTRIBUTION_ID.to_owned(),
                    event_type: event_type.to_owned(),
                    request_id: request_id.to_owned(),
                    other: Map::new(),
                },
                request,
                other: Map::new(),
            },
            other: Map::new(),
        }],
        other: Map::new(),
    }
}

/// A GET of `/` from a Cloudflare address with `headers` (name, value), for the stages' tests.
#[cfg(test)]
pub(crate) fn test_request(headers: &[(&str, &str)]) -> Request {
    let mut map = cloudfront_event::Headers::default();
    for (name, value) in headers {
        map.0
            .entry((*name).to_owned())
            .or_default()
            .push(cloudfront_event::HeaderEntry::new(*name, *value));
    }
    Request {
        client_ip: "173.245.48.1".into(),
        headers: map,
        method: "GET".into(),
        querystring: String::new(),
        uri: "/".into(),
        body: None,
        origin: None,
        other: Map::new(),
    }
}
