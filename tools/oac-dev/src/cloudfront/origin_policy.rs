//! The origin request policy `AllViewerExceptHostHeader`: every viewer header but Host, which
//! becomes the origin's; CloudFront's own `x-forwarded-for` and `via` added, and its
//! `x-amz-cf-id` set (replacing any other).

use cloudfront_event::{HeaderEntry, Request};

use crate::config::FUNCTION_HOST;

/// What the origin receives from CloudFront for `request`. With `forward_host` (the
/// misconfiguration the policy prevents) the viewer's Host goes through instead.
pub fn apply(
    mut request: Request,
    forward_host: bool,
    request_id: &str,
    body_len: usize,
) -> Request {
    let headers = &mut request.headers.0;
    let viewer_host = take_first(headers, "host");
    let host = match (viewer_host, forward_host) {
        (Some(h), true) => h,
        _ => FUNCTION_HOST.to_owned(),
    };
    headers.retain(|name, _| !is_hop_by_hop(name));
    headers.shift_insert(0, "host".into(), vec![HeaderEntry::new("host", host)]);
    let xff = match take_first(headers, "x-forwarded-for") {
        Some(prior) => format!("{prior}, {}", request.client_ip),
        None => request.client_ip.clone(),
    };
    for (name, value) in [
        ("x-forwarded-for", xff),
        (
            "via",
            "2.0 0acdev0local.cloudfront.net (CloudFront)".to_owned(),
        ),
    ] {
        headers
            .entry(name.into())
            .or_default()
            .push(HeaderEntry::new(name, value));
    }
    // CloudFront's own request ID, never one the viewer sent.
    headers.shift_remove("x-amz-cf-id");
    headers.insert(
        "x-amz-cf-id".into(),
        vec![HeaderEntry::new("x-amz-cf-id", request_id)],
    );
    if body_len > 0 {
        headers.shift_remove("content-length");
        headers.insert(
            "content-length".into(),
            vec![HeaderEntry::new("content-length", body_len.to_string())],
        );
    }
    request
}

/// Removes the header `name` and returns its first value.
fn take_first(
    headers: &mut indexmap::IndexMap<String, Vec<HeaderEntry>>,
    name: &str,
) -> Option<String> {
    headers
        .shift_remove(name)
        .and_then(|entries| entries.into_iter().next())
        .map(|entry| entry.value)
}

/// Connection-level headers, which a proxy never forwards (RFC 9110 §7.6.1).
fn is_hop_by_hop(name: &str) -> bool {
    cloudfront_event::reserved_headers::HOP_BY_HOP.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloudfront::test_request as viewer_request;

    fn first<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
        request.headers.0.get(name).map(|e| e[0].value.as_str())
    }

    #[test]
    fn the_viewer_host_is_replaced_by_the_function_url_host() {
        let origin = apply(
            viewer_request(&[("host", "api.example.com")]),
            false,
            "id",
            0,
        );
        assert_eq!(origin.headers.names().next(), Some("host"));
        assert_eq!(first(&origin, "host"), Some(FUNCTION_HOST));
    }

    #[test]
    fn forward_host_lets_the_viewer_host_through() {
        let origin = apply(
            viewer_request(&[("host", "api.example.com")]),
            true,
            "id",
            0,
        );
        assert_eq!(first(&origin, "host"), Some("api.example.com"));
    }

    #[test]
    fn the_viewer_address_is_appended_to_x_forwarded_for() {
        let origin = apply(
            viewer_request(&[("x-forwarded-for", "198.51.100.7")]),
            false,
            "id",
            0,
        );
        assert_eq!(
            first(&origin, "x-forwarded-for"),
            Some("198.51.100.7, 173.245.48.1")
        );
    }

    #[test]
    fn hop_by_hop_headers_are_not_forwarded() {
        let origin = apply(
            viewer_request(&[("connection", "keep-alive"), ("te", "trailers")]),
            false,
            "id",
            0,
        );
        assert_eq!(
            (first(&origin, "connection"), first(&origin, "te")),
            (None, None)
        );
    }

    #[test]
    fn cloudfronts_request_id_replaces_any_other_x_amz_cf_id() {
        let origin = apply(
            viewer_request(&[("x-amz-cf-id", "spoofed"), ("x-amz-cf-id", "again")]),
            false,
            "cloudfronts-id",
            0,
        );
        let ids: Vec<&str> = origin.headers.0["x-amz-cf-id"]
            .iter()
            .map(|e| e.value.as_str())
            .collect();
        assert_eq!(ids, ["cloudfronts-id"]);
    }

    #[test]
    fn a_body_gets_its_real_content_length() {
        let origin = apply(viewer_request(&[("content-length", "99")]), false, "id", 5);
        assert_eq!(first(&origin, "content-length"), Some("5"));
    }
}
