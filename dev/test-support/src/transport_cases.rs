//! `fixtures/clients/plain-http-cases.json`: where a client may send a request, one table for
//! oac-client and the Python and Node.js snippets, so their copies of the rule can't drift.

use serde::Deserialize;

/// One URL and the verdict on it.
#[derive(Debug, Clone, Deserialize)]
pub struct TransportCase {
    /// The URL a caller passes.
    pub url: String,
    /// Whether a request may be sent to it (https anywhere, http only to loopback).
    pub allowed: bool,
    /// Python's verdict where it differs (its urllib connects to the host as written).
    #[serde(default)]
    pub python: Option<bool>,
    /// Why.
    pub why: String,
}

impl TransportCase {
    /// The verdict for the Python snippet.
    pub fn allowed_in_python(&self) -> bool {
        self.python.unwrap_or(self.allowed)
    }
}

#[derive(Deserialize)]
struct Table {
    cases: Vec<TransportCase>,
}

/// The path of the table.
pub fn path() -> std::path::PathBuf {
    crate::repo_root().join("fixtures/clients/plain-http-cases.json")
}

/// Every case of the table.
pub fn load() -> Vec<TransportCase> {
    let text = std::fs::read_to_string(path()).expect("fixtures/clients/plain-http-cases.json");
    let table: Table = serde_json::from_str(&text).expect("the cases table parses");
    assert!(!table.cases.is_empty(), "the cases table has cases");
    table.cases
}
