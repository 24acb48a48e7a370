//! The request-body check: every body is held to the shape of its operation in
//! `fixtures/cloudflare/request-shapes.json`, derived from Cloudflare's published OpenAPI schema
//! (see the README for how). Pure.
//!
//! The shape vocabulary is small: `type` (`object`, `string`, `boolean`, `number`, `array`),
//! `enum`, `nullable` (`null` passes too), `min_length`, `max_length`, `format` (`hex32`, `hex32-or-empty`), `ranges`
//! (inclusive `[min, max]` pairs, `null` for unbounded), `required`, `properties` (anything else
//! is refused unless `additional_properties` gives its shape), `min_properties`,
//! `max_properties`, `items`, `one_of` (exactly one must match). `pointer` and `note` are
//! provenance and are not checked.

use std::sync::OnceLock;

use serde_json::{Map, Value};

/// The derived shapes, as checked in.
pub const SHAPES_JSON: &str = include_str!("../../../fixtures/cloudflare/request-shapes.json");

/// The parsed shapes file.
pub fn shapes() -> &'static Value {
    static SHAPES: OnceLock<Value> = OnceLock::new();
    SHAPES.get_or_init(|| serde_json::from_str(SHAPES_JSON).expect("request-shapes.json is JSON"))
}

/// The operation's entry (`method`, `path`, `body`), if the file has it.
pub fn operation(operation_id: &str) -> Option<&'static Value> {
    shapes().get("operations")?.get(operation_id)
}

/// Checks `body` (the raw request body) against `operation_id`'s shape: no body where the
/// shape is `null`, a JSON body matching the shape otherwise. The error names where it failed.
pub fn check_body(operation_id: &str, body: &[u8]) -> Result<(), String> {
    let op = operation(operation_id).ok_or_else(|| format!("no shape for {operation_id}"))?;
    match op.get("body") {
        None | Some(Value::Null) if body.is_empty() => Ok(()),
        None | Some(Value::Null) => Err("this operation takes no body".to_owned()),
        Some(shape) => {
            let value: Value =
                serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
            check(shape, &value, "")
        }
    }
}

/// Checks `value` against `shape`; `at` is the JSON pointer of `value` in the body.
pub fn check(shape: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(Value::Array(branches)) = shape.get("one_of") {
        let matching = branches
            .iter()
            .filter(|b| check(b, value, at).is_ok())
            .count();
        return if matching == 1 {
            Ok(())
        } else {
            Err(format!(
                "{at}: matches {matching} of the allowed forms, not exactly one"
            ))
        };
    }
    if value.is_null() && shape.get("nullable") == Some(&Value::Bool(true)) {
        return Ok(());
    }
    let kind = shape.get("type").and_then(Value::as_str).unwrap_or("any");
    match (kind, value) {
        ("object", Value::Object(map)) => check_object(shape, map, at),
        ("string", Value::String(s)) => check_string(shape, s, at),
        ("boolean", Value::Bool(_)) | ("any", _) => Ok(()),
        ("number", Value::Number(n)) => check_number(shape, n.as_f64().unwrap_or(f64::NAN), at),
        ("array", Value::Array(items)) => match shape.get("items") {
            Some(item) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| check(item, v, &format!("{at}/{i}"))),
            None => Ok(()),
        },
        _ => Err(format!("{at}: expected {kind}")),
    }?;
    match shape.get("enum") {
        Some(Value::Array(allowed)) if !allowed.contains(value) => {
            Err(format!("{at}: not one of {allowed:?}"))
        }
        _ => Ok(()),
    }
}

fn check_object(shape: &Value, map: &Map<String, Value>, at: &str) -> Result<(), String> {
    let count = |key: &str| shape.get(key).and_then(Value::as_u64);
    if count("min_properties").is_some_and(|min| (map.len() as u64) < min) {
        return Err(format!("{at}: too few properties"));
    }
    if count("max_properties").is_some_and(|max| (map.len() as u64) > max) {
        return Err(format!("{at}: too many properties"));
    }
    for required in shape
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = required.as_str().unwrap_or_default();
        if !map.contains_key(name) {
            return Err(format!("{at}/{name}: required"));
        }
    }
    let properties = shape.get("properties").and_then(Value::as_object);
    for (name, v) in map {
        let here = format!("{at}/{name}");
        match (
            properties.and_then(|p| p.get(name)),
            shape.get("additional_properties"),
        ) {
            (Some(s), _) | (None, Some(s)) => check(s, v, &here)?,
            (None, None) => return Err(format!("{here}: unknown field")),
        }
    }
    Ok(())
}

fn check_string(shape: &Value, s: &str, at: &str) -> Result<(), String> {
    let len = s.chars().count() as u64;
    if shape
        .get("min_length")
        .and_then(Value::as_u64)
        .is_some_and(|min| len < min)
    {
        return Err(format!("{at}: too short"));
    }
    if shape
        .get("max_length")
        .and_then(Value::as_u64)
        .is_some_and(|max| len > max)
    {
        return Err(format!("{at}: too long"));
    }
    let hex32 = s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    match shape.get("format").and_then(Value::as_str) {
        Some("hex32") if !hex32 => Err(format!("{at}: 32 lowercase hex characters expected")),
        Some("hex32-or-empty") if !(hex32 || s.is_empty()) => {
            Err(format!("{at}: 32 hex characters or empty expected"))
        }
        _ => Ok(()),
    }
}

fn check_number(shape: &Value, n: f64, at: &str) -> Result<(), String> {
    let Some(Value::Array(ranges)) = shape.get("ranges") else {
        return Ok(());
    };
    let within = |r: &Value| {
        let bound = |i: usize| r.get(i).and_then(Value::as_f64);
        bound(0).is_none_or(|min| n >= min) && bound(1).is_none_or(|max| n <= max)
    };
    if ranges.iter().any(within) {
        Ok(())
    } else {
        Err(format!("{at}: {n} is outside {ranges:?}"))
    }
}

#[cfg(test)]
#[path = "shapes_tests.rs"]
mod tests;
