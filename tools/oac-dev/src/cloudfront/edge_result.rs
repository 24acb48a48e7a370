//! What an edge function gives back — a request to forward or a generated response — and how
//! CloudFront answers when the function throws or returns something it cannot use.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cloudfront_event::{Headers, Request, Response};
use serde::Deserialize;

use crate::http::HttpResponse;
use crate::stage::Early;

/// What a Lambda@Edge request-event function returns.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum EdgeResult {
    /// A generated response (it has `status`).
    Respond(Response),
    /// The request, forwarded (possibly edited).
    Forward(Box<Request>),
}

/// The request CloudFront forwards after a function returned `returned`: the function's `uri`,
/// `querystring` and headers; the body and read-only members stay CloudFront's.
pub fn forward(mut request: Request, returned: Request) -> Request {
    request.uri = returned.uri;
    request.querystring = returned.querystring;
    request.headers = returned.headers;
    request
}

/// A generated Lambda@Edge response as HTTP (an unparsable status is CloudFront's 502).
pub fn generated_response(response: Response) -> HttpResponse {
    let status = response.status.parse().unwrap_or(502);
    let body = match (response.body, response.body_encoding.as_deref()) {
        (Some(b), Some("base64")) => STANDARD.decode(b).unwrap_or_default(),
        (Some(b), _) => b.into_bytes(),
        (None, _) => Vec::new(),
    };
    HttpResponse {
        status,
        headers: flatten(&response.headers.unwrap_or_default()),
        body,
    }
}

/// A CloudFront header map as `(name, value)` pairs, in order.
pub fn flatten(headers: &Headers) -> Vec<(String, String)> {
    headers
        .0
        .iter()
        .flat_map(|(name, entries)| entries.iter().map(|e| (name.clone(), e.value.clone())))
        .collect()
}

/// An edge function that throws: CloudFront answers 503.
pub fn threw(error: &str) -> Early {
    Early::new(
        HttpResponse::json(
            503,
            "{\"message\":\"The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions.\"}",
        ),
        "LambdaExecutionError from cloudfront",
        format!(
            "edge function threw: {}",
            error.lines().next().unwrap_or_default()
        ),
    )
}

/// An edge function whose result is neither a request nor a response: CloudFront answers 502.
pub fn invalid(error: &serde_json::Error) -> Early {
    Early::new(
        HttpResponse::json(
            502,
            "{\"message\":\"The Lambda function returned an invalid request or response to CloudFront.\"}",
        ),
        "LambdaValidationError from cloudfront",
        format!("edge function returned an invalid result: {error}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_with_status_is_a_generated_response() {
        let result: EdgeResult = serde_json::from_str(
            r#"{"status":"413","headers":{"content-type":[{"key":"Content-Type","value":"application/problem+json"}]},"body":"e30=","bodyEncoding":"base64"}"#,
        )
        .unwrap();
        let EdgeResult::Respond(response) = result else {
            panic!("status makes it a response")
        };
        let http = generated_response(response);
        assert_eq!((http.status, http.body.as_slice()), (413, &b"{}"[..]));
        assert_eq!(
            http.headers,
            vec![("content-type".into(), "application/problem+json".into())]
        );
    }

    #[test]
    fn a_forwarded_request_keeps_cloudfronts_read_only_members() {
        let ours: Request = serde_json::from_str(
            r#"{"clientIp":"173.245.48.1","headers":{},"method":"POST","querystring":"","uri":"/a"}"#,
        )
        .unwrap();
        let returned: Request = serde_json::from_str(
            r#"{"clientIp":"10.0.0.1","headers":{"x-a":[{"value":"1"}]},"method":"GET","querystring":"q=1","uri":"/b"}"#,
        )
        .unwrap();
        let forwarded = forward(ours, returned);
        assert_eq!(
            (forwarded.client_ip.as_str(), forwarded.method.as_str()),
            ("173.245.48.1", "POST")
        );
        assert_eq!(
            (forwarded.uri.as_str(), forwarded.querystring.as_str()),
            ("/b", "q=1")
        );
        assert_eq!(forwarded.headers.names().collect::<Vec<_>>(), ["x-a"]);
    }

    #[test]
    fn a_result_that_is_neither_is_refused() {
        let result = serde_json::from_str::<EdgeResult>(r#"{"status":413}"#);
        assert!(result.is_err());
    }
}
