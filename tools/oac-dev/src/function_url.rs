//! Lambda Function URL payload format 2.0: the event a function receives, and how its answer
//! becomes the HTTP response.
//! <https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html>

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use oac_sigv4::{Caller, ReceivedRequest, format_amz_date, percent_decode};
use serde_json::{Map, Value, json};

/// What the Function URL forwards to the function.
pub struct UrlRequest<'a> {
    /// The request as the Function URL received (and verified) it.
    pub request: &'a ReceivedRequest<'a>,
    /// The Function URL's host.
    pub host: &'a str,
    /// The address that connected to the Function URL (CloudFront's).
    pub source_ip: &'a str,
    /// The IAM caller (CloudFront's OAC identity).
    pub caller: &'a Caller,
    /// Request ID.
    pub request_id: &'a str,
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

/// The payload 2.0 event.
pub fn event(url: &UrlRequest<'_>, now: SystemTime) -> Value {
    let r = url.request;
    let mut headers = Map::new();
    let mut cookies = Vec::new();
    let mut user_agent = String::new();
    let mut content_type = None;
    for (name, value) in r.headers {
        let name = name.to_ascii_lowercase();
        if name == "cookie" {
            cookies.extend(value.split(';').map(|c| Value::from(c.trim())));
            continue;
        }
        if name == "user-agent" {
            user_agent = value.clone();
        }
        if name == "content-type" {
            content_type = Some(value.as_str());
        }
        match headers.get_mut(&name) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(value);
            }
            _ => {
                headers.insert(name, Value::from(value.as_str()));
            }
        }
    }
    let mut query = Map::new();
    for part in r.raw_query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let (k, v) = (lossy_decode(k), lossy_decode(v));
        match query.get_mut(&k) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(&v);
            }
            _ => {
                query.insert(k, Value::from(v));
            }
        }
    }
    let (body, is_base64) = if r.body.is_empty() {
        (Value::Null, false)
    } else if is_text(content_type) && std::str::from_utf8(r.body).is_ok() {
        (
            Value::from(String::from_utf8_lossy(r.body).into_owned()),
            false,
        )
    } else {
        (Value::from(STANDARD.encode(r.body)), true)
    };
    let epoch_ms = now
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64;
    let url_id = url.host.split('.').next().unwrap_or_default();
    let mut event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": r.raw_path,
        "rawQueryString": r.raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": url.caller.account_id,
            "apiId": url_id,
            "authorizer": {"iam": {
                "accessKey": url.caller.access_key_id,
                "accountId": url.caller.account_id,
                "callerId": url.caller.access_key_id,
                "cognitoIdentity": null,
                "principalOrgId": null,
                "userArn": url.caller.principal_arn,
                "userId": url.caller.access_key_id,
            }},
            "domainName": url.host,
            "domainPrefix": url_id,
            "http": {
                "method": r.method,
                "path": r.raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": url.source_ip,
                "userAgent": user_agent,
            },
            "requestId": url.request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": clf_time(epoch_ms / 1000),
            "timeEpoch": epoch_ms,
        },
        "isBase64Encoded": is_base64,
    });
    if !cookies.is_empty() {
        event["cookies"] = Value::from(cookies);
    }
    if !query.is_empty() {
        event["queryStringParameters"] = Value::Object(query);
    }
    if !body.is_null() {
        event["body"] = body;
    }
    event
}

/// An HTTP response: status, headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// How Lambda turns a function's answer into the Function URL's response: an object with
/// `statusCode` is a structured response; anything else is a 200 `application/json` body.
pub fn response(payload: &[u8]) -> HttpResponse {
    let parsed: Option<Value> = serde_json::from_slice(payload).ok();
    let Some(obj) = parsed
        .as_ref()
        .and_then(Value::as_object)
        .filter(|o| o.contains_key("statusCode"))
    else {
        return HttpResponse {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: payload.to_vec(),
        };
    };
    let status = obj["statusCode"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(502);
    let mut headers: Vec<(String, String)> = obj
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| {
            h.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    for cookie in obj
        .get("cookies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(c) = cookie.as_str() {
            headers.push(("set-cookie".into(), c.to_owned()));
        }
    }
    let body = match obj.get("body").and_then(Value::as_str) {
        None => Vec::new(),
        Some(b) if obj.get("isBase64Encoded").and_then(Value::as_bool) == Some(true) => {
            STANDARD.decode(b).unwrap_or_default()
        }
        Some(b) => b.as_bytes().to_vec(),
    };
    HttpResponse {
        status,
        headers,
        body,
    }
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
    fn structured_and_plain_answers() {
        let r = response(br#"{"statusCode":201,"headers":{"x-a":"1"},"cookies":["c=1"],"body":"aGk=","isBase64Encoded":true}"#);
        assert_eq!(r.status, 201);
        assert_eq!(r.body, b"hi");
        assert!(r.headers.contains(&("set-cookie".into(), "c=1".into())));
        let r = response(br#"{"ok":true}"#);
        assert_eq!((r.status, r.body.as_slice()), (200, &br#"{"ok":true}"#[..]));
    }

    #[test]
    fn text_content_types() {
        assert!(is_text(Some("application/json; charset=utf-8")));
        assert!(is_text(Some("text/plain")));
        assert!(!is_text(Some("application/octet-stream")));
        assert!(!is_text(None));
    }
}
