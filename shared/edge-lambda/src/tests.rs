//! The adapter with stand-in cores: one that forwards with an edit, one that responds.

use cloudfront_event::{EdgeAnswer, Event, HeaderEdit, Outcome, Response};
use problem_details::Problem;
use serde_json::Value;

use super::answer;

fn fixture(name: &str) -> (Value, Event) {
    let path = format!(
        "{}/../../fixtures/cloudfront/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    (
        serde_json::from_str(&text).unwrap(),
        serde_json::from_str(&text).unwrap(),
    )
}

#[test]
fn a_core_that_forwards_unchanged_returns_the_request_byte_for_byte() {
    let (raw, event) = fixture("viewer-request-cloudflare-v4.json");
    let out = answer(event, |_| Outcome::forward_unchanged()).unwrap();
    assert_eq!(
        serde_json::to_value(out).unwrap(),
        raw["Records"][0]["cf"]["request"]
    );
}

#[test]
fn a_core_that_forwards_with_edits_gets_them_applied() {
    let (_, event) = fixture("origin-request-get-no-body.json");
    let core = |_: &_| {
        Outcome::Forward(vec![HeaderEdit::Set {
            name: "x-added".into(),
            entries: vec![("X-Added".into(), "yes".into())],
        }])
    };
    let out = serde_json::to_value(answer(event, core).unwrap()).unwrap();
    assert_eq!(
        out["headers"]["x-added"],
        serde_json::json!([{"key": "X-Added", "value": "yes"}])
    );
}

#[test]
fn a_core_that_responds_returns_its_response_and_not_the_request() {
    let (_, event) = fixture("viewer-request-direct.json");
    let response = Response::problem(&Problem::new("no", "No", 403));
    let out = answer(event, |_| Outcome::Respond(response.clone())).unwrap();
    assert_eq!(out, EdgeAnswer::Respond(response));
    let json = serde_json::to_value(out).unwrap();
    assert_eq!(json["status"], "403");
    assert!(json.get("clientIp").is_none(), "{json}");
}

#[test]
fn the_core_sees_the_request_of_the_event() {
    let (raw, event) = fixture("viewer-request-direct.json");
    let seen = std::cell::RefCell::new(None);
    let core = |request: &cloudfront_event::Request| {
        *seen.borrow_mut() = Some(request.client_ip.clone());
        Outcome::forward_unchanged()
    };
    answer(event, core).unwrap();
    assert_eq!(
        seen.borrow().as_deref(),
        raw["Records"][0]["cf"]["request"]["clientIp"].as_str()
    );
}

#[test]
fn an_event_without_records_is_an_invocation_error() {
    let event: Event = serde_json::from_str(r#"{"Records":[]}"#).unwrap();
    assert!(answer(event, |_| Outcome::forward_unchanged()).is_err());
}
