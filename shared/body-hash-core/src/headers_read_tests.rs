//! [`headers_read`] is exactly the set of headers [`hash_body`] asks for: the N-API addon reads
//! only these out of the JS event, so a header the core asked for beyond the list would look
//! absent there (and, say, an undeclared `transfer-encoding` would let a bodyless request through).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeSet;

use cloudfront_event::{HeaderEntry, HeaderLookup, Headers};

use super::*;

/// Answers from `headers` and records every name asked for.
struct RecordingLookup {
    headers: Headers,
    asked: RefCell<BTreeSet<String>>,
}

impl HeaderLookup for RecordingLookup {
    fn values(&self, lowercase_name: &str) -> Vec<Cow<'_, str>> {
        self.asked.borrow_mut().insert(lowercase_name.to_owned());
        self.headers.values(lowercase_name)
    }
}

/// Bodies covering each branch of the core, absent and present.
fn bodies() -> [BodyInput<'static>; 6] {
    [
        BodyInput::Absent,
        BodyInput::Present {
            data: b"aGVsbG8=",
            encoding: None,
            input_truncated: false,
        },
        BodyInput::Present {
            data: b"hello",
            encoding: Some("text"),
            input_truncated: false,
        },
        BodyInput::Present {
            data: b"aGV*",
            encoding: Some("base64"),
            input_truncated: false,
        },
        BodyInput::Present {
            data: b"",
            encoding: Some("gzip"),
            input_truncated: false,
        },
        BodyInput::Present {
            data: b"aGVsbG8=",
            encoding: None,
            input_truncated: true,
        },
    ]
}

/// Header sets that take each branch of the core's header checks.
const HEADER_SETS: [&[(&str, &str)]; 7] = [
    &[],
    &[("content-length", "5")],
    &[("content-length", "0"), ("authorization", "Bearer t")],
    &[("transfer-encoding", "chunked")],
    &[("content-length", "x")],
    // A viewer's claim: a truncated body is forwarded on it, a complete one checked against it.
    &[(
        "x-amz-content-sha256",
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    )],
    &[
        ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ("authorization", "Bearer t"),
    ],
];

/// The names `hash_body` asks for on `body` with the headers `pairs` under `config`.
fn names_asked(body: &BodyInput<'_>, pairs: &[(&str, &str)], config: &Config) -> BTreeSet<String> {
    let mut headers = Headers::default();
    for (name, value) in pairs {
        headers
            .0
            .entry((*name).to_owned())
            .or_default()
            .push(HeaderEntry::new(*name, *value));
    }
    let lookup = RecordingLookup {
        headers,
        asked: RefCell::default(),
    };
    hash_body(body, &lookup, config);
    lookup.asked.into_inner()
}

/// Every scenario asks only for listed headers, and, over all scenarios of an absent body and of
/// a present one, for every listed header (the list is not longer than needed).
fn assert_exactly_the_listed_headers_are_read(config: &Config) {
    for absent in [true, false] {
        let mut listed = BTreeSet::new();
        let mut asked = BTreeSet::new();
        for body in bodies()
            .iter()
            .filter(|b| matches!(b, BodyInput::Absent) == absent)
        {
            let list: BTreeSet<String> = headers_read(body, config)
                .iter()
                .map(|n| n.to_string())
                .collect();
            for pairs in HEADER_SETS {
                let names = names_asked(body, pairs, config);
                assert!(
                    names.is_subset(&list),
                    "{body:?} with {pairs:?}: asked {names:?}, listed {list:?}"
                );
                asked.extend(names);
            }
            listed.extend(list);
        }
        assert_eq!(asked, listed, "body absent: {absent}");
    }
}

#[test]
fn default_config_reads_exactly_the_listed_headers() {
    assert_exactly_the_listed_headers_are_read(&Config::default());
}

#[test]
fn authorization_copy_reads_exactly_the_listed_headers() {
    let config = Config::copying_authorization_to("x-viewer-authorization").unwrap();
    assert_exactly_the_listed_headers_are_read(&config);
}
