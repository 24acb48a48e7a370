//! Function URL events (payload format 2.0) for tests, built from the pinned fixture
//! `fixtures/function-url/get.json` (the shape AWS delivers, round-tripped through
//! `ApiGatewayV2httpRequest` by oac-dev's tests) rather than written out again by hand.

use serde_json::{Value, json};

const FIXTURE: &str = include_str!("../../../fixtures/function-url/get.json");

/// The fixture event with this method, path, query string and headers (replacing the fixture's),
/// and, when given, a body (`(text, is_base64)`).
///
/// ```
/// let e = test_support::function_url_event::event("POST", "/v1/x", "a=1",
///     serde_json::json!({"host": "h"}), Some(("e30=", true)));
/// assert_eq!(e["requestContext"]["http"]["method"], "POST");
/// assert_eq!(e["isBase64Encoded"], true);
/// ```
pub fn event(
    method: &str,
    path: &str,
    query: &str,
    headers: Value,
    body: Option<(&str, bool)>,
) -> Value {
    let mut e: Value = serde_json::from_str(FIXTURE).expect("the Function URL fixture is JSON");
    e["rawPath"] = json!(path);
    e["rawQueryString"] = json!(query);
    e["headers"] = headers;
    e["requestContext"]["http"]["method"] = json!(method);
    e["requestContext"]["http"]["path"] = json!(path);
    if let Some((body, base64)) = body {
        e["body"] = json!(body);
        e["isBase64Encoded"] = json!(base64);
    }
    e
}
