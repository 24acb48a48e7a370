//! The payload format 2.0 event a Function URL hands its function, built as `aws_lambda_events`'
//! typed [`ApiGatewayV2httpRequest`] (the type `lambda_http` and cargo-lambda use), with
//! `requestContext.authorizer.iam` filled as AWS does for `AWS_IAM` URLs.
//! <https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads>

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use super::sigv4::{Caller, format_amz_date, percent_decode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayRequestAuthorizer, ApiGatewayRequestAuthorizerIamDescription,
    ApiGatewayV2httpRequest, ApiGatewayV2httpRequestContext,
    ApiGatewayV2httpRequestContextHttpDescription,
};
use lambda_http::aws_lambda_events::query_map::QueryMap;
use lambda_http::http::{HeaderMap, HeaderName, HeaderValue};

use crate::http::HttpRequest;

/// What the Function URL knows about an invocation besides the request.
pub struct Invocation<'a> {
    /// The Function URL's host.
    pub host: &'a str,
    /// The address that connected to the Function URL (CloudFront's).
    pub source_ip: &'a str,
    /// The IAM caller (CloudFront's OAC identity).
    pub caller: &'a Caller,
    /// Request ID.
    pub request_id: &'a str,
    /// When the Function URL received the request.
    pub time: SystemTime,
}

/// The payload 2.0 event for `request` with `body`.
pub fn event(request: &HttpRequest, body: &[u8], at: &Invocation<'_>) -> ApiGatewayV2httpRequest {
    let (headers, cookies) = headers_and_cookies(&request.headers);
    let (body, is_base64_encoded) = encode_body(body, request.header("content-type"));
    let url_id = at.host.split('.').next().unwrap_or_default();
    let epoch_ms = at
        .time
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();

    let mut http = ApiGatewayV2httpRequestContextHttpDescription::default();
    http.method = request.method.clone();
    http.path = Some(request.raw_path.clone());
    http.protocol = Some("HTTP/1.1".into());
    http.source_ip = Some(at.source_ip.into());
    http.user_agent = Some(request.header("user-agent").unwrap_or_default().into());

    let mut context = ApiGatewayV2httpRequestContext::default();
    context.route_key = Some("$default".into());
    context.account_id = Some(at.caller.account_id.clone());
    context.stage = Some("$default".into());
    context.request_id = Some(at.request_id.into());
    context.authorizer = Some(iam_authorizer(at.caller));
    context.apiid = Some(url_id.into());
    context.domain_name = Some(at.host.into());
    context.domain_prefix = Some(url_id.into());
    context.time = Some(clf_time(epoch_ms as u64 / 1000));
    context.time_epoch = epoch_ms as i64;
    context.http = http;

    let mut event = ApiGatewayV2httpRequest::default();
    event.version = Some("2.0".into());
    event.route_key = Some("$default".into());
    event.raw_path = Some(request.raw_path.clone());
    event.raw_query_string = Some(request.raw_query.clone());
    event.cookies = (!cookies.is_empty()).then_some(cookies);
    event.headers = headers;
    event.query_string_parameters = query_parameters(&request.raw_query);
    event.request_context = context;
    event.body = body;
    event.is_base64_encoded = is_base64_encoded;
    event
}

/// Members of the typed model that only Custom Authorizer v1 payloads have; a Function URL's
/// payload 2.0 event never carries them, so they are left off the wire.
const CUSTOM_AUTHORIZER_MEMBERS: [&str; 6] = [
    "type",
    "methodArn",
    "httpMethod",
    "identitySource",
    "authorizationToken",
    "resource",
];

/// The event as the Function URL sends it to the Runtime API: the typed event's JSON without the
/// members only Custom Authorizer v1 payloads have (`httpMethod`, `methodArn`, ...).
pub fn to_json(event: &ApiGatewayV2httpRequest) -> Vec<u8> {
    let mut value = serde_json::to_value(event).expect("a payload 2.0 event serializes");
    if let Some(members) = value.as_object_mut() {
        for name in CUSTOM_AUTHORIZER_MEMBERS {
            members.remove(name);
        }
    }
    serde_json::to_vec(&value).expect("a JSON value serializes")
}

/// `requestContext.authorizer.iam` for an `AWS_IAM` Function URL.
fn iam_authorizer(caller: &Caller) -> ApiGatewayRequestAuthorizer {
    let mut iam = ApiGatewayRequestAuthorizerIamDescription::default();
    iam.access_key = Some(caller.access_key_id.clone());
    iam.account_id = Some(caller.account_id.clone());
    iam.caller_id = Some(caller.access_key_id.clone());
    iam.user_arn = Some(caller.principal_arn.clone());
    iam.user_id = Some(caller.access_key_id.clone());
    let mut authorizer = ApiGatewayRequestAuthorizer::default();
    authorizer.iam = Some(iam);
    authorizer
}

/// Headers as Lambda passes them (a repeated name's values joined with `,`), and the `cookie`
/// header split into `cookies`. A name or value HTTP cannot carry is left out.
fn headers_and_cookies(pairs: &[(String, String)]) -> (HeaderMap, Vec<String>) {
    let mut joined: Vec<(String, String)> = Vec::new();
    let mut cookies = Vec::new();
    for (name, value) in pairs {
        let name = name.to_ascii_lowercase();
        if name == "cookie" {
            cookies.extend(value.split(';').map(|c| c.trim().to_owned()));
            continue;
        }
        match joined.iter_mut().find(|(n, _)| *n == name) {
            Some((_, existing)) => {
                existing.push(',');
                existing.push_str(value);
            }
            None => joined.push((name, value.clone())),
        }
    }
    let mut headers = HeaderMap::new();
    for (name, value) in joined {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(n, v);
        }
    }
    (headers, cookies)
}

/// `queryStringParameters`: escapes decoded (invalid ones kept as they are), a repeated key's
/// values in order (serialized joined with `,`, as Lambda does).
fn query_parameters(raw_query: &str) -> QueryMap {
    let mut params: HashMap<String, Vec<String>> = HashMap::new();
    for part in raw_query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        params
            .entry(lossy_decode(k))
            .or_default()
            .push(lossy_decode(v));
    }
    QueryMap::from(params)
}

/// The body as text for textual content types (when it is UTF-8), else base64.
fn encode_body(body: &[u8], content_type: Option<&str>) -> (Option<String>, bool) {
    if body.is_empty() {
        return (None, false);
    }
    match std::str::from_utf8(body) {
        Ok(text) if is_text(content_type) => (Some(text.to_owned()), false),
        _ => (Some(STANDARD.encode(body)), true),
    }
}

/// Content types Lambda passes as text (`isBase64Encoded: false`).
fn is_text(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return false };
    let ct = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    ct.starts_with("text/")
        || ["json", "xml", "javascript", "x-www-form-urlencoded", "yaml"]
            .iter()
            .any(|t| ct.contains(t))
}

/// Query values as Lambda passes them: escapes decoded, invalid ones kept as they are.
fn lossy_decode(s: &str) -> String {
    match percent_decode(s) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => s.to_owned(),
    }
}

/// `23/Nov/2026:12:00:00 +0000`, from SigV4's `20261123T120000Z`.
fn clf_time(secs: u64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let d = format_amz_date(secs);
    let month: usize = d[4..6].parse().unwrap_or(1);
    format!(
        "{}/{}/{}:{}:{}:{} +0000",
        &d[6..8],
        MONTHS[month - 1],
        &d[0..4],
        &d[9..11],
        &d[11..13],
        &d[13..15]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_log_time() {
        assert_eq!(clf_time(1_709_208_000), "29/Feb/2024:12:00:00 +0000");
    }

    #[test]
    fn text_content_types() {
        assert!(is_text(Some("application/json; charset=utf-8")));
        assert!(is_text(Some("text/plain")));
        assert!(!is_text(Some("application/octet-stream")));
        assert!(!is_text(None));
    }

    #[test]
    fn a_repeated_query_key_keeps_every_value_in_order() {
        let params = query_parameters("a=1&b=x%20y&a=2");
        assert_eq!(params.all("a"), Some(vec!["1", "2"]));
        assert_eq!(params.first("b"), Some("x y"));
    }

    #[test]
    fn a_repeated_header_is_joined_and_cookies_are_split_out() {
        let pairs = [
            ("x-a".to_owned(), "1".to_owned()),
            ("cookie".to_owned(), "s=1; t=2".to_owned()),
            ("x-a".to_owned(), "2".to_owned()),
        ];
        let (headers, cookies) = headers_and_cookies(&pairs);
        assert_eq!(headers["x-a"], "1,2");
        assert!(!headers.contains_key("cookie"));
        assert_eq!(cookies, ["s=1", "t=2"]);
    }
}
