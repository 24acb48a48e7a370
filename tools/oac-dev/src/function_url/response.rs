//! How Lambda turns a function's answer into the Function URL's response: an object with
//! `statusCode` is a structured response; anything else is a 200 `application/json` body.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::http::HttpResponse;

/// The Function URL's response to the function's answer `payload`.
pub fn response(payload: &[u8]) -> HttpResponse {
    let parsed: Option<Value> = serde_json::from_slice(payload).ok();
    let Some(obj) = parsed
        .as_ref()
        .and_then(Value::as_object)
        .filter(|o| o.contains_key("statusCode"))
    else {
        return HttpResponse::json(200, payload);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_structured_answer_sets_status_headers_cookies_and_body() {
        let r = response(br#"{"statusCode":201,"headers":{"x-a":"1"},"cookies":["c=1"],"body":"aGk=","isBase64Encoded":true}"#);
        assert_eq!(r.status, 201);
        assert_eq!(r.body, b"hi");
        assert!(r.headers.contains(&("set-cookie".into(), "c=1".into())));
    }

    #[test]
    fn a_plain_answer_is_a_200_json_body() {
        let r = response(br#"{"ok":true}"#);
        assert_eq!((r.status, r.body.as_slice()), (200, &br#"{"ok":true}"#[..]));
    }
}
