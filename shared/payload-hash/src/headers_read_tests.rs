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

/// Every name `hash_body` asks for under `config`, over bodies and headers covering each branch.
fn names_asked(config: &Config) -> BTreeSet<String> {
    let bodies = [
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
    ];
    let header_sets: [&[(&str, &str)]; 5] = [
        &[],
        &[("content-length", "5")],
        &[("content-length", "0"), ("authorization", "Bearer t")],
        &[("transfer-encoding", "chunked")],
        &[("content-length", "x")],
    ];
    let mut asked = BTreeSet::new();
    for body in &bodies {
        for pairs in header_sets {
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
            asked.append(&mut lookup.asked.into_inner());
        }
    }
    asked
}

fn listed(config: &Config) -> BTreeSet<String> {
    headers_read(config).iter().map(|n| n.to_string()).collect()
}

#[test]
fn default_config_reads_exactly_the_listed_headers() {
    let config = Config::default();
    assert_eq!(names_asked(&config), listed(&config));
}

#[test]
fn authorization_copy_reads_exactly_the_listed_headers() {
    let config = Config::copying_authorization_to("x-viewer-authorization").unwrap();
    assert_eq!(names_asked(&config), listed(&config));
}
