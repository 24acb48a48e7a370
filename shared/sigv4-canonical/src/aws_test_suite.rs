//! The verifier's canonical request against AWS's published SigV4 test suite, as `aws-sigv4`
//! 1.6.4 ships it (`aws-signing-test-suite/v4/<case>/header-canonical-request.txt`), for the cases
//! whose request line is already in wire form (percent-encoded), plus the suite's two
//! double-encoding cases — one of them a Lambda API path.

use crate::Request;
use crate::canonical_request::canonical_request;

/// A case name, a request (method, path, query, headers besides `Host`) and the expected start
/// of its canonical request.
type SuiteCase = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
);

/// Each case's expected text is the start of the suite's canonical request: method, URI, query
/// and, for the header cases, the canonical headers before `x-amz-date`.
const CASES: &[SuiteCase] = &[
    (
        "double-url-encode",
        "POST",
        "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A892717189312%3Afunction%3Amy-rusty-fun/invocations",
        "",
        &[],
        "POST\n/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-west-2%253A892717189312%253Afunction%253Amy-rusty-fun/invocations\n\n",
    ),
    (
        "double-encode-path",
        "POST",
        "/test/@connections/JBDvjfGEIAMCERw%3D",
        "",
        &[],
        "POST\n/test/%40connections/JBDvjfGEIAMCERw%253D\n\n",
    ),
    (
        "get-relative-normalized",
        "GET",
        "/example/..",
        "",
        &[],
        "GET\n/\n\n",
    ),
    (
        "get-relative-relative-normalized",
        "GET",
        "/example1/example2/../..",
        "",
        &[],
        "GET\n/\n\n",
    ),
    (
        "get-slash-dot-slash-normalized",
        "GET",
        "/./",
        "",
        &[],
        "GET\n/\n\n",
    ),
    ("get-slash-normalized", "GET", "//", "", &[], "GET\n/\n\n"),
    (
        "get-slash-pointless-dot-normalized",
        "GET",
        "/./example",
        "",
        &[],
        "GET\n/example\n\n",
    ),
    (
        "get-slashes-normalized",
        "GET",
        "//example//",
        "",
        &[],
        "GET\n/example/\n\n",
    ),
    (
        "get-unreserved",
        "GET",
        "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        "",
        &[],
        "GET\n/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n\n",
    ),
    (
        "get-vanilla-query-order-encoded",
        "GET",
        "/",
        "Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
        &[],
        "GET\n/\n%E1%88%B4=Value1&Param=Value2&Param-3=Value3\n",
    ),
    (
        "get-vanilla-query-order-key-case",
        "GET",
        "/",
        "Param2=value2&Param1=value1",
        &[],
        "GET\n/\nParam1=value1&Param2=value2\n",
    ),
    (
        "get-vanilla-query-unreserved",
        "GET",
        "/",
        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        &[],
        "GET\n/\n-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n",
    ),
    (
        "get-vanilla-empty-query-key",
        "GET",
        "/",
        "Param1=value1",
        &[],
        "GET\n/\nParam1=value1\n",
    ),
    (
        "get-header-value-trim",
        "GET",
        "/",
        "",
        &[("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
        "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n",
    ),
    (
        "get-header-key-duplicate",
        "GET",
        "/",
        "",
        &[
            ("My-Header1", "value2"),
            ("My-Header1", "value2"),
            ("My-Header1", "value1"),
        ],
        "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\n",
    ),
];

#[test]
fn the_canonical_request_matches_aws_signing_test_suite() {
    for (case, method, path, query, extra, expected) in CASES {
        let mut headers = vec![("Host".to_owned(), "example.amazonaws.com".to_owned())];
        headers.extend(extra.iter().map(|(n, v)| (n.to_string(), v.to_string())));
        let mut signed: Vec<String> = headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        signed.sort();
        signed.dedup();
        let signed: Vec<&str> = signed.iter().map(String::as_str).collect();
        let request = Request {
            method,
            raw_path: path,
            raw_query: query,
            headers: &headers,
            body: b"",
        };
        let canonical = canonical_request(&request, &signed, "UNUSED").unwrap();
        let wanted_lines = if extra.is_empty() {
            3
        } else {
            3 + signed.len()
        };
        let head: String = canonical.split_inclusive('\n').take(wanted_lines).collect();
        assert_eq!(&head, expected, "{case}");
    }
}
