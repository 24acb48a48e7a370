//! The adapter with stand-in cores: one that forwards with an edit, one that responds.

use cloudfront_event::{
    Decision, DecisionLogLevel, EdgeAnswer, EdgeFunction, Event, HeaderEdit, Outcome, Reason,
    Response,
};
use problem_details::Problem;
use serde_json::Value;

use super::answer;

/// A stand-in core's decision (the reason is only logged).
fn decided(outcome: Outcome) -> Decision {
    Decision::new(outcome, Reason::FromCloudflare)
}

/// [`answer`] for a stand-in ip-filter, the answer only.
fn answer_of(event: Event, core: impl Fn(&cloudfront_event::Request) -> Decision) -> EdgeAnswer {
    answer(event, EdgeFunction::IpFilter, DecisionLogLevel::All, core)
        .unwrap()
        .0
}

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
    let out = answer_of(event, |_| decided(Outcome::forward_unchanged()));
    assert_eq!(
        serde_json::to_value(out).unwrap(),
        raw["Records"][0]["cf"]["request"]
    );
}

#[test]
fn a_core_that_forwards_with_edits_gets_them_applied() {
    let (_, event) = fixture("origin-request-get-no-body.json");
    let core = |_: &_| {
        decided(Outcome::Forward(vec![HeaderEdit::Set {
            name: "x-added".into(),
            entries: vec![("X-Added".into(), "yes".into())],
        }]))
    };
    let out = serde_json::to_value(answer_of(event, core)).unwrap();
    assert_eq!(
        out["headers"]["x-added"],
        serde_json::json!([{"key": "X-Added", "value": "yes"}])
    );
}

#[test]
fn a_core_that_responds_returns_its_response_and_not_the_request() {
    let (_, event) = fixture("viewer-request-direct.json");
    let response = Response::problem(&Problem::new("no", "No", 403));
    let out = answer_of(event, |_| decided(Outcome::Respond(response.clone())));
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
        decided(Outcome::forward_unchanged())
    };
    answer_of(event, core);
    assert_eq!(
        seen.borrow().as_deref(),
        raw["Records"][0]["cf"]["request"]["clientIp"].as_str()
    );
}

#[test]
fn an_event_without_records_is_an_invocation_error() {
    let event: Event = serde_json::from_str(r#"{"Records":[]}"#).unwrap();
    assert!(
        answer(event, EdgeFunction::IpFilter, DecisionLogLevel::All, |_| {
            decided(Outcome::forward_unchanged())
        })
        .is_err()
    );
}

#[test]
fn the_log_line_is_the_decision_with_the_event_request_id() {
    let (raw, event) = fixture("viewer-request-direct.json");
    let response = Response::problem(&Problem::new("no", "No", 403));
    let core = |_: &_| {
        Decision::new(
            Outcome::Respond(response.clone()),
            Reason::NotFromCloudflare,
        )
    };
    let (_, line) = answer(event, EdgeFunction::IpFilter, DecisionLogLevel::All, core).unwrap();
    let line: Value = serde_json::from_str(&line.unwrap()).unwrap();
    assert_eq!(line["function"], "ip-filter");
    assert_eq!(line["reason"], "not-from-cloudflare");
    assert_eq!(line["status"], 403);
    assert_eq!(
        line["requestId"],
        raw["Records"][0]["cf"]["config"]["requestId"]
    );
}

#[test]
fn each_level_prints_the_lines_it_says() {
    let refuse = |_: &cloudfront_event::Request| {
        let response = Response::problem(&Problem::new("no", "No", 403));
        Decision::new(Outcome::Respond(response), Reason::NotFromCloudflare)
    };
    let forward = |_: &cloudfront_event::Request| decided(Outcome::forward_unchanged());
    let printed = |level, core: &dyn Fn(&cloudfront_event::Request) -> Decision| {
        let (_, event) = fixture("viewer-request-direct.json");
        answer(event, EdgeFunction::IpFilter, level, core)
            .unwrap()
            .1
            .is_some()
    };
    use DecisionLogLevel::{All, Off, Refusals};
    assert_eq!(
        [All, Refusals, Off].map(|l| printed(l, &forward)),
        [true, false, false]
    );
    assert_eq!(
        [All, Refusals, Off].map(|l| printed(l, &refuse)),
        [true, true, false]
    );
}
