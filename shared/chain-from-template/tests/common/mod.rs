//! The corpus (`fixtures/doctor/`) and its declarative mutations, for the tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chain_from_template::input::{Assembly, load};
use oac_doctor::Status;
use oac_doctor::model::Chain;
use serde_json::Value;

/// `fixtures/doctor/`.
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/doctor")
}

/// One entry of `mutations.json`.
pub struct Mutation {
    /// The check it breaks.
    pub check: String,
    /// What it does.
    pub what: String,
    edits: Vec<Value>,
}

/// Every mutation of `fixtures/doctor/mutations.json`.
pub fn mutations() -> Vec<Mutation> {
    let text = std::fs::read_to_string(corpus().join("mutations.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["mutations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| Mutation {
            check: m["check"].as_str().unwrap().to_owned(),
            what: m["what"].as_str().unwrap().to_owned(),
            edits: m["edits"].as_array().unwrap().clone(),
        })
        .collect()
}

/// `assembly` with `m` applied, or `None` when some edit of it changed nothing there.
pub fn apply(m: &Mutation, assembly: &Assembly) -> Option<Assembly> {
    let mut out = assembly.clone();
    for edit in &m.edits {
        let mut changed = false;
        for stack in &mut out.stacks {
            let resources = stack.template["Resources"].as_object_mut().unwrap();
            let matching: Vec<String> = resources
                .iter()
                .filter(|(_, r)| r["Type"] == edit["type"] && selected(r, &edit["where"]))
                .map(|(k, _)| k.clone())
                .collect();
            for logical in matching {
                if edit["delete"] == Value::Bool(true) {
                    resources.remove(&logical);
                    changed = true;
                    continue;
                }
                let r = resources.get_mut(&logical).unwrap();
                for (path, value) in edit["set"].as_object().into_iter().flatten() {
                    changed |= set(r, &segments(path), value);
                }
                for path in edit["remove"].as_array().into_iter().flatten() {
                    changed |= remove(r, &segments(path.as_str().unwrap()));
                }
            }
        }
        if !changed {
            return None;
        }
    }
    Some(out)
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').collect()
}

/// Every `where` path holds its value (`"*"`: is present).
fn selected(r: &Value, conditions: &Value) -> bool {
    conditions
        .as_object()
        .into_iter()
        .flatten()
        .all(|(path, want)| {
            let found = get(r, &segments(path));
            match want.as_str() {
                Some("*") => !found.is_empty(),
                _ => found.contains(&want),
            }
        })
}

/// `[Key=Value]` of a segment.
fn filter(segment: &str) -> Option<(&str, &str)> {
    segment
        .strip_prefix('[')?
        .strip_suffix(']')?
        .split_once('=')
}

fn matches(item: &Value, (key, value): (&str, &str)) -> bool {
    item.get(key).and_then(Value::as_str) == Some(value)
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Vec<&'a Value> {
    let Some((first, rest)) = path.split_first() else {
        return vec![v];
    };
    match (filter(first), v) {
        (Some(f), Value::Array(items)) => items
            .iter()
            .filter(|i| matches(i, f))
            .flat_map(|i| get(i, rest))
            .collect(),
        (None, _) => v.get(*first).map(|c| get(c, rest)).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Sets the value at `path` whose parent exists; whether anything changed.
fn set(v: &mut Value, path: &[&str], value: &Value) -> bool {
    let (first, rest) = path.split_first().unwrap();
    match (filter(first), v) {
        (Some(f), Value::Array(items)) => items
            .iter_mut()
            .filter(|i| matches(i, f))
            .fold(false, |acc, i| set(i, rest, value) | acc),
        (None, Value::Object(map)) if rest.is_empty() => {
            let changed = map.get(*first) != Some(value);
            map.insert((*first).to_owned(), value.clone());
            changed
        }
        (None, Value::Object(map)) => map.get_mut(*first).is_some_and(|c| set(c, rest, value)),
        _ => false,
    }
}

/// Removes what `path` selects; whether anything was there.
fn remove(v: &mut Value, path: &[&str]) -> bool {
    let (first, rest) = path.split_first().unwrap();
    match (filter(first), v) {
        (Some(f), Value::Array(items)) if rest.is_empty() => {
            let before = items.len();
            items.retain(|i| !matches(i, f));
            items.len() != before
        }
        (Some(f), Value::Array(items)) => items
            .iter_mut()
            .filter(|i| matches(i, f))
            .fold(false, |acc, i| remove(i, rest) | acc),
        (None, Value::Object(map)) if rest.is_empty() => map.remove(*first).is_some(),
        (None, Value::Object(map)) => map.get_mut(*first).is_some_and(|c| remove(c, rest)),
        _ => false,
    }
}

/// The IDs of the checks that fail on any of `chains`, sorted, each once.
pub fn failing(chains: &[Chain]) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = oac_doctor::checks::all()
        .iter()
        .filter(|c| {
            chains
                .iter()
                .any(|chain| (c.run)(chain).status == Status::Fail)
        })
        .map(|c| c.id)
        .collect();
    ids.dedup();
    ids
}

/// Every check's failure on `chains`, one line each (for assertion messages).
pub fn failures(chains: &[Chain]) -> String {
    let mut out = String::new();
    for check in oac_doctor::checks::all() {
        for chain in chains {
            let v = (check.run)(chain);
            if v.status == Status::Fail {
                out.push_str(&format!(
                    "  {} {}: {}\n",
                    check.id, chain.distribution.resource, v.reason
                ));
            }
        }
    }
    out
}

/// `path` read as an assembly.
pub fn assembly(path: &Path) -> Assembly {
    load(path).unwrap_or_else(|e| panic!("{e}"))
}
