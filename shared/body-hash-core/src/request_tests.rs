//! [`hash_request`] on typed origin-request events: the body is read from the event itself.

use cloudfront_event::{Event, HeaderEdit, Outcome};

use super::*;

fn request(body: &str) -> Request {
    let json = format!(
        r#"{{"Records":[{{"cf":{{"config":{{"distributionDomainName":"d.cloudfront.net",
        "distributionId":"E1","eventType":"origin-request","requestId":"r"}},
        "request":{{"clientIp":"162.158.1.1","headers":{{}},"method":"POST","querystring":"",
        "uri":"/"{body}}}}}}}]}}"#
    );
    serde_json::from_str::<Event>(&json)
        .unwrap()
        .into_request()
        .unwrap()
}

#[test]
fn a_typed_request_with_a_body_is_forwarded_with_its_hash() {
    let outcome = hash_request(
        &request(r#","body":{"data":"aGVsbG8=","encoding":"base64"}"#),
        &Config::default(),
    );
    // SHA-256 of "hello" (Python's hashlib).
    let hello = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    assert_eq!(
        outcome,
        Outcome::Forward(vec![HeaderEdit::Set {
            name: CONTENT_SHA256.into(),
            entries: vec![(CONTENT_SHA256.into(), hello.into())],
        }])
    );
}

#[test]
fn a_typed_request_with_a_truncated_body_is_refused() {
    let outcome = hash_request(
        &request(r#","body":{"data":"aGVsbG8=","inputTruncated":true}"#),
        &Config::default(),
    );
    assert!(matches!(outcome, Outcome::Respond(r) if r.status == "413"));
}

#[test]
fn a_typed_request_without_a_body_member_gets_the_empty_hash() {
    let Outcome::Forward(edits) = hash_request(&request(""), &Config::default()) else {
        panic!("not forwarded")
    };
    assert!(matches!(&edits[0], HeaderEdit::Set { entries, .. } if entries[0].1 == EMPTY_SHA256));
}
