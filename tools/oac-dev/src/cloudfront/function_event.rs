//! CloudFront Functions (`cloudfront-js-2.0`) viewer-request events and generated responses.
//! Shapes: <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html>.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cloudfront_event::{HeaderEntry, Request};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{DISTRIBUTION_DOMAIN, DISTRIBUTION_ID};
use crate::http::HttpResponse;

/// A viewer-request event as a CloudFront Function receives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionEvent {
    /// Always `1.0`.
    pub version: &'static str,
    /// Which distribution and event.
    pub context: FunctionContext,
    /// The viewer (`event.viewer.ip`).
    pub viewer: FunctionViewer,
    /// The request.
    pub request: FunctionRequest,
}

/// `event.context`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionContext {
    /// The distribution's domain name.
    pub distribution_domain_name: &'static str,
    /// The distribution's ID.
    pub distribution_id: &'static str,
    /// `viewer-request`.
    pub event_type: &'static str,
    /// CloudFront's request ID.
    pub request_id: String,
}

/// `event.viewer`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionViewer {
    /// The viewer address.
    pub ip: String,
}

/// `event.request`: every map is name → value (with `multiValue` when a name repeats).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionRequest {
    /// HTTP method.
    pub method: String,
    /// Path.
    pub uri: String,
    /// Query parameters, raw (not decoded); the first value of a repeated key.
    #[serde(default)]
    pub querystring: IndexMap<String, FunctionValue>,
    /// Headers by lowercase name.
    #[serde(default)]
    pub headers: IndexMap<String, FunctionValue>,
    /// Cookies by name.
    #[serde(default)]
    pub cookies: IndexMap<String, FunctionValue>,
}

/// One member of a CloudFront Functions map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionValue {
    /// The (first) value.
    pub value: String,
    /// Every value, when the name repeats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_value: Option<Vec<SingleValue>>,
}

/// An entry of `multiValue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SingleValue {
    /// The value.
    pub value: String,
}

/// What a viewer-request CloudFront Function returns: a response, or the request to forward.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum FunctionResult {
    /// A generated response (it has `statusCode`).
    Respond(FunctionResponse),
    /// The request, forwarded.
    Forward(FunctionRequest),
}

/// A generated response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionResponse {
    /// HTTP status.
    pub status_code: u16,
    /// Response headers by lowercase name.
    #[serde(default)]
    pub headers: IndexMap<String, FunctionValue>,
    /// The body: a string, or `{data, encoding}`.
    #[serde(default)]
    pub body: Option<FunctionBody>,
}

/// A generated response's body.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum FunctionBody {
    /// Plain text.
    Text(String),
    /// `{data, encoding}` with `encoding` `text` or `base64`.
    Encoded {
        /// The body, encoded as `encoding` says.
        data: String,
        /// `text` (default) or `base64`.
        #[serde(default)]
        encoding: Option<String>,
    },
}

/// The viewer-request event for `request` (headers, raw query and viewer address as CloudFront
/// Functions see them).
pub fn event(request: &Request, request_id: &str) -> FunctionEvent {
    let headers = request
        .headers
        .0
        .iter()
        .filter_map(|(name, entries)| {
            let first = entries.first()?.value.clone();
            let multi_value = (entries.len() > 1).then(|| {
                entries
                    .iter()
                    .map(|e| SingleValue {
                        value: e.value.clone(),
                    })
                    .collect()
            });
            Some((
                name.clone(),
                FunctionValue {
                    value: first,
                    multi_value,
                },
            ))
        })
        .collect();
    let mut querystring = IndexMap::new();
    for part in request.querystring.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        querystring
            .entry(k.to_owned())
            .or_insert_with(|| FunctionValue {
                value: v.to_owned(),
                multi_value: None,
            });
    }
    FunctionEvent {
        version: "1.0",
        context: FunctionContext {
            distribution_domain_name: DISTRIBUTION_DOMAIN,
            distribution_id: DISTRIBUTION_ID,
            event_type: "viewer-request",
            request_id: request_id.to_owned(),
        },
        viewer: FunctionViewer {
            ip: request.client_ip.clone(),
        },
        request: FunctionRequest {
            method: request.method.clone(),
            uri: request.uri.clone(),
            querystring,
            headers,
            cookies: IndexMap::new(),
        },
    }
}

/// `request` as the function handed it on: headers it deleted are gone, headers it added or
/// changed carry the new values, unchanged ones keep their entries (and original casing).
pub fn forwarded(mut request: Request, returned: FunctionRequest) -> Request {
    let mut before = std::mem::take(&mut request.headers.0);
    for (name, value) in returned.headers {
        let values: Vec<String> = match value.multi_value {
            Some(every) => every.into_iter().map(|v| v.value).collect(),
            None => vec![value.value],
        };
        let entries = match before.shift_remove(&name) {
            Some(old) if old.iter().map(|e| &e.value).eq(values.iter()) => old,
            _ => values.iter().map(|v| HeaderEntry::new(&name, v)).collect(),
        };
        request.headers.0.insert(name, entries);
    }
    request
}

impl FunctionResponse {
    /// The generated response as HTTP (a base64 body that does not decode is empty).
    pub fn into_http(self) -> HttpResponse {
        let headers = self
            .headers
            .into_iter()
            .map(|(name, v)| (name, v.value))
            .collect();
        let body = match self.body {
            None => Vec::new(),
            Some(FunctionBody::Text(text)) => text.into_bytes(),
            Some(FunctionBody::Encoded { data, encoding })
                if encoding.as_deref() == Some("base64") =>
            {
                STANDARD.decode(data).unwrap_or_default()
            }
            Some(FunctionBody::Encoded { data, .. }) => data.into_bytes(),
        };
        HttpResponse {
            status: self.status_code,
            headers,
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_header_carries_every_value_and_a_repeated_query_key_its_first() {
        let request: Request = serde_json::from_str(
            r#"{"clientIp":"173.245.48.1","method":"GET","querystring":"a=1&a=2&b","uri":"/",
                "headers":{"accept":[{"key":"accept","value":"text/html"},{"key":"accept","value":"*/*"}],
                           "host":[{"key":"host","value":"d.example"}]}}"#,
        )
        .unwrap();
        let event = event(&request, "id");
        let accept = &event.request.headers["accept"];
        let every: Vec<&str> = accept
            .multi_value
            .iter()
            .flatten()
            .map(|v| v.value.as_str())
            .collect();
        assert_eq!(
            (accept.value.as_str(), every),
            ("text/html", vec!["text/html", "*/*"])
        );
        assert_eq!(event.request.headers["host"].multi_value, None);
        assert_eq!(event.request.querystring["a"].value, "1");
        assert_eq!(event.request.querystring["b"].value, "");
        assert_eq!(event.viewer.ip, "173.245.48.1");
    }

    #[test]
    fn a_header_the_function_deleted_is_not_forwarded() {
        let request: Request = serde_json::from_str(
            r#"{"clientIp":"173.245.48.1","method":"GET","querystring":"","uri":"/",
                "headers":{"x-origin-secret":[{"key":"X-Origin-Secret","value":"s"}],
                           "accept":[{"key":"Accept","value":"*/*"}]}}"#,
        )
        .unwrap();
        let mut returned = event(&request, "id").request;
        returned.headers.shift_remove("x-origin-secret");
        let forwarded = forwarded(request, returned);
        assert_eq!(forwarded.headers.0.keys().collect::<Vec<_>>(), ["accept"]);
        assert_eq!(
            forwarded.headers.0["accept"][0].key.as_deref(),
            Some("Accept")
        );
    }

    #[test]
    fn a_generated_response_is_told_from_a_forwarded_request() {
        let respond: FunctionResult = serde_json::from_str(
            r#"{"statusCode":403,"headers":{"content-type":{"value":"application/problem+json"}},"body":{"data":"e30=","encoding":"base64"}}"#,
        )
        .unwrap();
        let FunctionResult::Respond(response) = respond else {
            panic!("a statusCode is a generated response")
        };
        let http = response.into_http();
        assert_eq!((http.status, http.body.as_slice()), (403, &b"{}"[..]));
        let forward: FunctionResult =
            serde_json::from_str(r#"{"method":"GET","uri":"/","headers":{}}"#).unwrap();
        assert!(matches!(forward, FunctionResult::Forward(_)));
    }
}
