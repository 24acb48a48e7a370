//! The contract tests' helpers: the served OpenAPI document, what its schemas admit, and the
//! check that the document and the server agree on a set of values.

use axum::http::StatusCode;
use serde_json::Value;

use super::{Answer, app, get, send};

pub async fn openapi() -> Value {
    send(&app(), get("/openapi.json", None)).await.body
}

/// The schema of parameter `name` of `method path`.
pub fn parameter_schema(doc: &Value, path: &str, method: &str, name: &str) -> Value {
    let parameters = doc["paths"][path][method]["parameters"]
        .as_array()
        .unwrap_or_else(|| panic!("{method} {path} has no parameters"));
    let parameter = parameters
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"));
    assert_eq!(parameter["required"], false, "{parameter}");
    parameter["schema"].clone()
}

/// Whether a string schema (exactly `"type": "string"`: no `null`) admits `value`: its length in
/// characters within `minLength..=maxLength`, and its `pattern` matching (each absent: no bound).
pub fn string_schema_admits(schema: &Value, value: &str) -> bool {
    assert_eq!(schema["type"], "string", "{schema}");
    let chars = value.chars().count() as u64;
    let min = schema["minLength"].as_u64().unwrap_or(0);
    let max = schema["maxLength"].as_u64().unwrap_or(u64::MAX);
    let matches = schema["pattern"]
        .as_str()
        .is_none_or(|pattern| regex::Regex::new(pattern).unwrap().is_match(value));
    (min..=max).contains(&chars) && matches
}

/// Whether an integer query parameter's schema admits the raw text `raw`: the decimal form a
/// client writes for an integer between `minimum` and `maximum` (each absent: no bound).
pub fn integer_schema_admits(schema: &Value, raw: &str) -> bool {
    assert_eq!(schema["type"], "integer", "{schema}");
    let min = schema["minimum"].as_i64().unwrap_or(i64::MIN);
    let max = schema["maximum"].as_i64().unwrap_or(i64::MAX);
    raw.parse::<i64>()
        .ok()
        .filter(|n| n.to_string() == raw)
        .is_some_and(|n| (min..=max).contains(&n))
}

/// `raw` percent-encoded for a query string.
pub fn encoded(raw: &str) -> String {
    url::form_urlencoded::byte_serialize(raw.as_bytes()).collect()
}

/// Asserts that the document and the server agree on every value; `server` answers whether the
/// server accepted it.
pub async fn agree(
    what: &str,
    values: &[String],
    document: impl Fn(&str) -> bool,
    server: impl AsyncFn(&str) -> bool,
) {
    let mut disagreements = Vec::new();
    for value in values {
        let (documented, served) = (document(value), server(value).await);
        if documented != served {
            disagreements.push(format!(
                "{value:?}: the document {}, the server {}",
                if documented { "admits" } else { "refuses" },
                if served { "accepts" } else { "refuses" }
            ));
        }
    }
    assert!(disagreements.is_empty(), "{what}: {disagreements:#?}");
}

/// Whether the answer is `success` (true) or the `refusal` problem (false; anything else fails).
pub fn accepted(a: &Answer, success: StatusCode, refusal: &str, value: &str) -> bool {
    if a.status == success {
        return true;
    }
    assert_eq!(a.problem(), refusal, "{value:?}");
    false
}

pub fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}
