//! What CloudFront refuses of a viewer's request before any function runs: a request line and
//! headers over 20,480 bytes — "The maximum length of a request, including the path, the query
//! string (if any), and headers, is 20,480 bytes … If a request … exceeds these maximums,
//! CloudFront returns HTTP status code 413, Request Entity Too Large, to the viewer, and then
//! terminates the TCP connection to the viewer" (CloudFront Developer Guide, "Request and response
//! behavior for custom origins", Maximum length of a request) — and a body it cannot read.

use axum::body::{Body, Bytes};
use axum::http::request::Parts;

use crate::config::VIEWER_IP_HEADER;
use crate::stage::Early;

/// CloudFront's limit on a request without its body, in bytes.
pub const MAX_REQUEST_BYTES: usize = 20_480;

/// The request line and headers as HTTP/1.1 puts them on the wire (`METHOD target HTTP/1.1`,
/// `name: value` per header, each line with its CRLF, and the empty line). oac-dev's own
/// `x-oac-dev-viewer-ip` is not part of the emulated request and is not counted.
pub fn request_bytes(parts: &Parts) -> usize {
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str()).len();
    let request_line = parts.method.as_str().len() + 1 + target + " HTTP/1.1\r\n".len();
    let headers: usize = parts
        .headers
        .iter()
        .filter(|(name, _)| name.as_str() != VIEWER_IP_HEADER)
        .map(|(name, value)| name.as_str().len() + 2 + value.len() + 2)
        .sum();
    request_line + headers + 2
}

/// CloudFront's 413 (and a closed connection) for a request over [`MAX_REQUEST_BYTES`].
pub fn check(parts: &Parts) -> Result<(), Early> {
    let bytes = request_bytes(parts);
    if bytes <= MAX_REQUEST_BYTES {
        return Ok(());
    }
    Err(Early::cloudfront_error(
        413,
        "{\"message\":\"Request Entity Too Large\"}",
        format!(
            "request line and headers are {bytes} bytes, over CloudFront's {MAX_REQUEST_BYTES}"
        ),
    )
    .closing_the_connection())
}

/// What oac-dev answers when the viewer's body cannot be read at all (a broken chunked encoding,
/// a connection closed mid-body): CloudFront's 400 for a malformed request — never "too large".
pub fn unreadable_body(error: &(dyn std::error::Error + 'static)) -> Early {
    Early::cloudfront_error(
        400,
        "{\"message\":\"Bad Request\"}",
        format!("viewer body could not be read: {error}"),
    )
    .closing_the_connection()
}

/// The viewer's body, whole: over `limit` (oac-dev's own bound) a 413, unreadable (a broken chunked
/// encoding, a connection closed mid-body) a 400 that says so.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, Early> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let error = e.into_inner();
        if error.is::<http_body_util::LengthLimitError>() {
            Early::cloudfront_error(
                413,
                "{\"message\":\"Request body too large\"}",
                "viewer body over the local limit",
            )
        } else {
            unreadable_body(error.as_ref())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(path: &str, headers: &[(&str, &str)]) -> Parts {
        let mut builder = axum::http::Request::builder().method("GET").uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_count_is_the_request_line_and_headers_on_the_wire() {
        let wire = "GET /a?b=1 HTTP/1.1\r\nhost: x\r\naccept: */*\r\n\r\n";
        let p = parts("/a?b=1", &[("host", "x"), ("accept", "*/*")]);
        assert_eq!(request_bytes(&p), wire.len());
    }

    #[test]
    fn oac_devs_own_viewer_header_is_not_counted() {
        let with = parts("/", &[("host", "x"), (VIEWER_IP_HEADER, "173.245.48.1")]);
        assert_eq!(
            request_bytes(&with),
            request_bytes(&parts("/", &[("host", "x")]))
        );
    }

    /// A request of exactly `total` bytes (one header padded).
    fn of_size(total: usize) -> Parts {
        let base = request_bytes(&parts("/", &[("x-pad", "")]));
        let padded = parts("/", &[("x-pad", &"a".repeat(total - base))]);
        assert_eq!(request_bytes(&padded), total);
        padded
    }

    #[test]
    fn exactly_the_limit_passes() {
        assert!(check(&of_size(MAX_REQUEST_BYTES)).is_ok());
    }

    #[test]
    fn one_byte_over_the_limit_is_a_413_that_closes_the_connection() {
        let early = check(&of_size(MAX_REQUEST_BYTES + 1)).unwrap_err();
        assert_eq!(early.response.status, 413);
        assert!(early.close_connection);
    }
}
