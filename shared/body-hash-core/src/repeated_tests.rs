//! A header repeated past any real request (257 and 10,000 entries): every header the core reads
//! gets the defined 400 `too-many-header-entries`, judged on the count alone, through the typed
//! request the `lambda_runtime` binary decides on and through a lookup that has read no value.

use cloudfront_event::testing::CountOnly;
use cloudfront_event::{Event, HeaderEntry, Headers, Reason};

use super::*;

/// How often each header is sent: one past the limit, and far past it.
const COUNTS: [usize; 2] = [MAX_ENTRIES_PER_HEADER + 1, 10_000];

fn repeated(name: &str, value: &str, count: usize) -> Headers {
    let mut headers = Headers::default();
    headers
        .0
        .insert(name.to_owned(), vec![HeaderEntry::new(name, value); count]);
    headers
}

fn complete_body() -> BodyInput<'static> {
    BodyInput::Present {
        data: b"aGVsbG8=",
        encoding: None,
        input_truncated: false,
    }
}

/// Every header the core reads, with a body that makes it read it and a value to repeat.
fn cases() -> Vec<(&'static str, &'static str, BodyInput<'static>, Config)> {
    let copying = Config::copying_authorization_to("x-viewer-authorization").unwrap();
    vec![
        ("content-length", "0", BodyInput::Absent, Config::default()),
        (
            "transfer-encoding",
            "chunked",
            BodyInput::Absent,
            Config::default(),
        ),
        (
            CONTENT_SHA256,
            "UNSIGNED-PAYLOAD",
            complete_body(),
            Config::default(),
        ),
        ("authorization", "Bearer t", complete_body(), copying),
    ]
}

fn expect_too_many(decision: &Decision, name: &str, count: usize) {
    assert_eq!(
        decision.reason,
        Reason::TooManyHeaderEntries,
        "{name} × {count}"
    );
    let Outcome::Respond(response) = &decision.outcome else {
        panic!("{name} × {count} was forwarded")
    };
    assert_eq!(response.status, "400");
    let problem: serde_json::Value =
        serde_json::from_str(response.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        problem["type"],
        "urn:oac-kit:problem:too-many-header-entries"
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&count.to_string())
    );
}

#[test]
fn a_header_the_core_reads_repeated_past_the_limit_is_a_400() {
    for (name, value, body, config) in cases() {
        for count in COUNTS {
            let decision = decide_body(&body, &repeated(name, value, count), &config);
            expect_too_many(&decision, name, count);
        }
    }
}

#[test]
fn the_limit_itself_is_judged_as_before() {
    let decision = decide_body(
        &BodyInput::Absent,
        &repeated("content-length", "0", MAX_ENTRIES_PER_HEADER),
        &Config::default(),
    );
    assert_eq!(decision.reason, Reason::NoBody);
}

#[test]
fn a_header_the_core_does_not_read_may_repeat() {
    let decision = decide_body(
        &complete_body(),
        &repeated("x-anything", "1", 10_000),
        &Config::default(),
    );
    assert_eq!(decision.reason, Reason::Hashed);
}

/// The typed event the `lambda_runtime` binary decides on ([`decide_request`]).
#[test]
fn the_typed_request_of_the_binary_gets_the_same_400() {
    for count in COUNTS {
        let mut event: Event = serde_json::from_str(
            r#"{"Records":[{"cf":{"config":{"distributionDomainName":"d.cloudfront.net",
            "distributionId":"E1","eventType":"origin-request","requestId":"r"},
            "request":{"clientIp":"162.158.1.1","headers":{},"method":"GET","querystring":"",
            "uri":"/"}}}]}"#,
        )
        .unwrap();
        event.records[0].cf.request.headers = repeated("content-length", "0", count);
        let decision = decide_request(event.request().unwrap(), &Config::default());
        expect_too_many(&decision, "content-length", count);
    }
}

#[test]
fn the_count_alone_decides_no_value_is_read() {
    for (name, _, body, config) in cases() {
        let lookup = CountOnly::new(name, 10_000);
        expect_too_many(&decide_body(&body, &lookup, &config), name, 10_000);
        assert_eq!(lookup.value_reads(), 0, "{name}: a value was read");
    }
}
