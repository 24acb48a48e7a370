//! The log line's fields, read back as JSON.

use problem_details::Problem;
use serde_json::{Value, json};

use super::*;
use crate::Response;

fn parsed(line: &str) -> Value {
    assert!(!line.contains('\n'), "one line: {line}");
    serde_json::from_str(line).unwrap()
}

#[test]
fn a_forward_has_no_status() {
    let decision = Decision::new(Outcome::forward_unchanged(), Reason::Hashed);
    let line = parsed(&decision.log_line(EdgeFunction::BodyHash, Some("abc")));
    assert_eq!(
        line,
        json!({"function": "body-hash", "decision": "forward", "reason": "hashed", "requestId": "abc"})
    );
}

#[test]
fn a_response_carries_its_status_as_a_number() {
    let response = Response::problem(&Problem::new("no", "No", 403));
    let decision = Decision::new(Outcome::Respond(response), Reason::SecretWrong);
    let line = parsed(&decision.log_line(EdgeFunction::IpFilter, Some("r")));
    assert_eq!(line["decision"], "respond");
    assert_eq!(line["status"], 403);
    assert_eq!(line["reason"], "secret-wrong");
}

#[test]
fn body_facts_are_sizes_only() {
    let body = BodySeen {
        bytes: 1_048_576,
        truncated: true,
    };
    let decision = Decision::new(Outcome::forward_unchanged(), Reason::ViewerHashTrusted)
        .with_body(Some(body));
    let line = parsed(&decision.log_line(EdgeFunction::BodyHash, None));
    assert_eq!(line["bodyBytes"], 1_048_576);
    assert_eq!(line["bodyTruncated"], true);
    assert!(line.get("requestId").is_none(), "{line}");
}

#[test]
fn every_reason_is_a_distinct_kebab_case_word() {
    let names: Vec<String> = Reason::ALL
        .iter()
        .map(|r| {
            serde_json::to_value(r)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for name in &names {
        assert!(
            name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{name}"
        );
    }
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
}

#[test]
fn a_request_id_is_escaped_into_the_same_line() {
    let decision = Decision::new(Outcome::forward_unchanged(), Reason::NoBody);
    let line = decision.log_line(EdgeFunction::BodyHash, Some("a\"\n}b"));
    assert_eq!(parsed(&line)["requestId"], "a\"\n}b");
}
