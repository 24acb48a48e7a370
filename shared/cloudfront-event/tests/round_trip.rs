//! The round trip is the contract: every fixture deserializes, serializes back to the same JSON
//! (header order and `key` casing included), and re-parses to the same value.

use std::path::PathBuf;

use cloudfront_event::{Event, HeaderEdit, HeaderLookup, Response};
use serde_json::Value;

fn fixtures() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cloudfront");
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    assert!(out.len() >= 10, "fixtures missing from {}", dir.display());
    out
}

/// Header names of the first record's request, in document order, read without our model.
fn raw_header_order(v: &Value) -> Vec<String> {
    v["Records"][0]["cf"]["request"]["headers"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[test]
fn every_fixture_round_trips_unchanged() {
    for (name, text) in fixtures() {
        let original: Value = serde_json::from_str(&text).unwrap();
        let event: Event = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let written = serde_json::to_value(&event).unwrap();
        assert_eq!(written, original, "{name}: round trip changed the event");
        assert_eq!(
            raw_header_order(&written),
            raw_header_order(&original),
            "{name}: header order changed"
        );
        let reparsed: Event = serde_json::from_value(written).unwrap();
        assert_eq!(reparsed, event, "{name}: re-parse differs");
    }
}

#[test]
fn unknown_members_are_kept_at_every_level() {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/cloudfront/origin-request-unknown-fields.json"),
    )
    .unwrap();
    let event: Event = serde_json::from_str(&text).unwrap();
    let request = event.request().unwrap();
    assert!(event.other.contains_key("futureTopLevelField"));
    assert!(event.records[0].other.contains_key("futureRecordField"));
    assert!(event.records[0].cf.other.contains_key("futureCfField"));
    assert!(request.other.contains_key("futureRequestField"));
    assert!(
        request
            .body
            .as_ref()
            .unwrap()
            .other
            .contains_key("futureBodyField")
    );
    assert_eq!(request.headers.0["x-zeta"][0].key, None);
    assert_eq!(
        request.headers.0["accept"][1].key.as_deref(),
        Some("ACCEPT")
    );
    assert_eq!(
        request.headers.values("accept"),
        ["application/json", "text/plain"]
    );
    assert!(request.origin.as_ref().unwrap().s3.is_some());
}

#[test]
fn a_header_edit_keeps_position_and_other_headers() {
    let text = &fixtures()
        .into_iter()
        .find(|(n, _)| n == "origin-request-post-viewer-hash.json")
        .unwrap()
        .1;
    let mut event: Event = serde_json::from_str(text).unwrap();
    let headers = &mut event.records[0].cf.request.headers;
    let before: Vec<String> = headers.names().map(str::to_owned).collect();
    headers.apply(&HeaderEdit::Set {
        name: "x-amz-content-sha256".into(),
        entries: vec![("x-amz-content-sha256".into(), "abc".into())],
    });
    let after: Vec<String> = headers.names().map(str::to_owned).collect();
    assert_eq!(before, after);
    assert_eq!(headers.values("x-amz-content-sha256"), ["abc"]);
    headers.apply(&HeaderEdit::Remove { name: "via".into() });
    assert!(!headers.contains("via"));
    assert_eq!(headers.names().count(), before.len() - 1);
}

#[test]
fn a_problem_response_has_the_shape_cloudfront_requires() {
    let problem = problem_details::Problem::new("t", "Teapot", 418).with_detail("short and stout");
    let v = serde_json::to_value(Response::problem(&problem)).unwrap();
    assert_eq!(v["status"], "418", "status must be a string");
    assert_eq!(v["statusDescription"], "Teapot");
    assert_eq!(v["bodyEncoding"], "text");
    assert_eq!(
        v["headers"]["content-type"][0]["value"],
        "application/problem+json"
    );
    assert_eq!(v["headers"]["cache-control"][0]["value"], "no-store");
    let body: Value = serde_json::from_str(v["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["type"], "urn:oac-kit:problem:t");
    assert_eq!(body["status"], 418);
}
