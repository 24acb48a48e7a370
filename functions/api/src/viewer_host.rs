//! The host the viewer called, as oac-kit's viewer filter hands it on: behind CloudFront's
//! `AllViewerExceptHostHeader` the `Host` the function sees is the Function URL's, so the filter
//! copies the viewer's `Host` into `x-forwarded-host`, replacing any the viewer sent (see
//! `ip_filter_core::forwarded_host`). Only a request that came through the filter carries a value
//! the viewer did not choose; the Function URL's IAM auth admits only CloudFront (and callers
//! holding `lambda:InvokeFunctionUrl`, who may send anything).

use axum::http::HeaderMap;

/// The header the viewer filter sets.
pub const HEADER: &str = "x-forwarded-host";

/// The viewer's host: `x-forwarded-host` when it comes exactly once, non-empty and visible ASCII
/// (as the filter writes it); `None` otherwise.
pub fn of(headers: &HeaderMap) -> Option<String> {
    let mut values = headers.get_all(HEADER).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return None;
    };
    let host = value.to_str().ok()?;
    (!host.is_empty()).then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(HEADER, HeaderValue::from_bytes(value).unwrap());
        }
        headers
    }

    #[test]
    fn one_value_is_the_viewer_host_as_sent() {
        assert_eq!(
            of(&headers(&[b"API.example.com:8443"])).as_deref(),
            Some("API.example.com:8443")
        );
    }

    #[test]
    fn none_two_empty_or_non_ascii_give_no_host() {
        for values in [
            &[][..],
            &[&b"a.example"[..], &b"b.example"[..]][..],
            &[&b""[..]][..],
            &[&b"caf\xc3\xa9.example"[..]][..],
        ] {
            assert_eq!(of(&headers(values)), None, "{values:?}");
        }
    }
}
