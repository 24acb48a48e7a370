//! The origin-request association: the body as CloudFront hands it to the function (base64, cut
//! at 1 MiB with `inputTruncated`, only with IncludeBody) and the origin the request goes to.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cloudfront_event::{Body, CustomOrigin, Event, Headers, Origin, Request};
use serde_json::{Map, Value};

use super::edge_event;
use crate::config::FUNCTION_HOST;

/// CloudFront hands an origin-request function at most this much body.
pub const ORIGIN_BODY_LIMIT: usize = 1 << 20;

/// The origin-request event for `request`, with `body` when IncludeBody is on.
pub fn event(mut request: Request, body: &[u8], include_body: bool, request_id: &str) -> Event {
    request.body = include_body.then(|| body_member(body));
    request.origin = Some(function_url_origin());
    edge_event("origin-request", request, request_id)
}

/// `request.body` as CloudFront fills it: base64, cut at [`ORIGIN_BODY_LIMIT`].
pub fn body_member(body: &[u8]) -> Body {
    let cut = body.len().min(ORIGIN_BODY_LIMIT);
    Body {
        input_truncated: Some(body.len() > ORIGIN_BODY_LIMIT),
        action: Some("read-only".into()),
        encoding: Some("base64".into()),
        data: Some(STANDARD.encode(&body[..cut])),
        other: Map::new(),
    }
}

/// `request.origin` for the Function URL (a custom origin over HTTPS).
fn function_url_origin() -> Origin {
    let settings: [(&str, Value); 6] = [
        ("keepaliveTimeout", 5.into()),
        ("path", "".into()),
        ("port", 443.into()),
        ("protocol", "https".into()),
        ("readTimeout", 30.into()),
        ("sslProtocols", vec!["TLSv1.2"].into()),
    ];
    Origin {
        custom: Some(CustomOrigin {
            domain_name: FUNCTION_HOST.to_owned(),
            custom_headers: Some(Headers::default()),
            other: settings
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        }),
        s3: None,
        other: Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_over_one_mib_is_cut_and_marked_truncated() {
        let member = body_member(&vec![7u8; ORIGIN_BODY_LIMIT + 1]);
        assert_eq!(member.input_truncated, Some(true));
        let data = STANDARD.decode(member.data.unwrap()).unwrap();
        assert_eq!(data.len(), ORIGIN_BODY_LIMIT);
    }

    #[test]
    fn a_body_of_one_mib_is_handed_over_whole() {
        let member = body_member(&vec![7u8; ORIGIN_BODY_LIMIT]);
        assert_eq!(member.input_truncated, Some(false));
    }
}
