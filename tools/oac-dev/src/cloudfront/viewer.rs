//! The viewer side of the distribution: an HTTP request in, as a typed CloudFront request; the
//! response out, with the headers CloudFront adds.

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Response, StatusCode};
use cloudfront_event::reserved_headers::is_disallowed;
use cloudfront_event::{HeaderEntry, Headers, Request};
use serde_json::Map;

use super::viewer_stream;
use crate::config::{ChainConfig, VIEWER_IP_HEADER};
use crate::http::HttpResponse;
use crate::http::stream::StreamedResponse;

/// The viewer's request as CloudFront models it: headers by lowercase name, the viewer address
/// in `clientIp` (the socket's, `--viewer-ip`, or `x-oac-dev-viewer-ip` when trusted). Headers
/// CloudFront disallows (`x-amz-cf-*`, `x-edge-*`, `connection`, ...) are not taken from the
/// viewer: CloudFront never exposes them to an edge function and sets its own where it has one
/// (`x-amz-cf-id`), so a viewer cannot plant one.
pub fn request(parts: &Parts, peer: SocketAddr, config: &ChainConfig) -> Request {
    let mut headers = Headers::default();
    for (name, value) in &parts.headers {
        let Ok(value) = value.to_str() else { continue };
        if is_disallowed(name.as_str()) {
            continue;
        }
        headers
            .0
            .entry(name.as_str().to_owned())
            .or_default()
            .push(HeaderEntry::new(name.as_str(), value));
    }
    let presented = headers
        .0
        .shift_remove(VIEWER_IP_HEADER)
        .and_then(|entries| entries.into_iter().next())
        .map(|entry| entry.value);
    let client_ip = match (config.trust_viewer_ip_header, presented) {
        (true, Some(ip)) => ip,
        _ => config.viewer_ip.unwrap_or(peer.ip()).to_string(),
    };
    Request {
        client_ip,
        headers,
        method: parts.method.as_str().to_owned(),
        querystring: parts.uri.query().unwrap_or("").to_owned(),
        uri: parts.uri.path().to_owned(),
        body: None,
        origin: None,
        other: Map::new(),
    }
}

/// The response as the viewer gets it: hop-by-hop headers dropped, CloudFront's `x-cache`, `via`,
/// `x-amz-cf-pop` and `x-amz-cf-id` set.
pub fn response(r: HttpResponse, x_cache: &str, request_id: &str) -> Response<Body> {
    with_headers(Body::from(r.body), r.status, r.headers, x_cache, request_id)
}

/// A streamed response as the viewer gets it: the headers as [`response`] sets them (no
/// `content-length`: the body goes out chunked), the body passed on chunk by chunk as it arrives
/// (`viewer_stream`).
pub fn streamed(
    r: StreamedResponse,
    x_cache: &str,
    request_id: &str,
    report: viewer_stream::Report,
) -> Response<Body> {
    let body = viewer_stream::body(r.body, report);
    with_headers(body, r.status, r.headers, x_cache, request_id)
}

fn with_headers(
    body: Body,
    status: u16,
    origin_headers: Vec<(String, String)>,
    x_cache: &str,
    request_id: &str,
) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let headers = response.headers_mut();
    for (name, value) in origin_headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            if n == "content-length" || n == "transfer-encoding" || n == "connection" {
                continue;
            }
            headers.append(n, v);
        }
    }
    for (name, value) in [
        ("x-cache", x_cache),
        ("via", "1.1 0acdev0local.cloudfront.net (CloudFront)"),
        ("x-amz-cf-pop", "LOCAL"),
        ("x-amz-cf-id", request_id),
    ] {
        if let Ok(v) = HeaderValue::try_from(value) {
            headers.insert(name, v);
        }
    }
    response
}

/// The chain line's note on a request the viewer filter let through, with the viewer's host it
/// hands on (`x-forwarded-host`, what the function will see).
pub fn filter_pass(forwarded: &Request) -> String {
    let header = ip_filter_core::forwarded_host::HEADER;
    match forwarded.headers.0.get(header).map(Vec::as_slice) {
        Some([one]) => format!(" → viewer filter pass ({header}: {})", one.value),
        Some(_) | None => format!(" → viewer filter pass (no single {header})"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::model::Grants;

    use super::*;
    use crate::config::ViewerFilter;

    fn config(trust_viewer_ip_header: bool) -> ChainConfig {
        ChainConfig {
            edge_dir: "target/edge".into(),
            viewer_filter: ViewerFilter::Off,
            origin_secret: None,
            body_hash: true,
            include_body: true,
            forward_host: false,
            grants: Grants::BOTH,
            function: "api".into(),
            function_env: vec![],
            instances: 1,
            function_timeout: Duration::from_secs(1),
            invoke_mode: crate::config::InvokeMode::Buffered,
            node: "node".into(),
            edge_workers: 1,
            viewer_ip: None,
            trust_viewer_ip_header,
            log_requests: false,
            connection_function: false,
        }
    }

    fn parts() -> Parts {
        let request = axum::http::Request::builder()
            .uri("/v1/x?a=1")
            .header(VIEWER_IP_HEADER, "173.245.48.1")
            .body(())
            .unwrap();
        request.into_parts().0
    }

    const PEER: &str = "203.0.113.9:50000";

    #[test]
    fn a_viewer_sent_x_amz_cf_id_is_not_taken() {
        let request = request(
            &axum::http::Request::builder()
                .header("x-amz-cf-id", "spoofed")
                .header("x-edge-location", "LOCAL")
                .header("accept", "*/*")
                .body(())
                .unwrap()
                .into_parts()
                .0,
            PEER.parse().unwrap(),
            &config(false),
        );
        assert_eq!(request.headers.names().collect::<Vec<_>>(), ["accept"]);
    }

    #[test]
    fn an_untrusted_viewer_ip_header_is_dropped_and_the_socket_address_used() {
        let request = request(&parts(), PEER.parse().unwrap(), &config(false));
        assert_eq!(request.client_ip, "203.0.113.9");
        assert!(!request.headers.0.contains_key(VIEWER_IP_HEADER));
    }

    #[test]
    fn a_trusted_viewer_ip_header_presents_that_viewer() {
        let request = request(&parts(), PEER.parse().unwrap(), &config(true));
        assert_eq!(request.client_ip, "173.245.48.1");
        assert!(!request.headers.0.contains_key(VIEWER_IP_HEADER));
        assert_eq!(
            (request.uri.as_str(), request.querystring.as_str()),
            ("/v1/x", "a=1")
        );
    }

    #[test]
    fn the_chain_line_shows_the_forwarded_host() {
        let mut request =
            crate::cloudfront::test_request(&[("x-forwarded-host", "api.example.com:8443")]);
        assert_eq!(
            filter_pass(&request),
            " → viewer filter pass (x-forwarded-host: api.example.com:8443)"
        );
        request.headers.0.clear();
        assert_eq!(
            filter_pass(&request),
            " → viewer filter pass (no single x-forwarded-host)"
        );
    }
}
