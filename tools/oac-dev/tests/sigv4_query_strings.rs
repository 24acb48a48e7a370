//! Requests CloudFront signs (the chain's `aws-sigv4` signer) whose path, query or headers hold
//! what canonicalisation must get right: each verifies at the Function URL, as on AWS.
//! docs/oac-dev.md has the table these scenarios come from.

use std::time::SystemTime;

use oac_dev::sigv4_fixtures::{HOST, cloudfront_sign, function_url, h, received};

/// Signs `GET path?query` (with `headers`) now and checks it at the Function URL.
fn verifies(path: &str, query: &str, headers: Vec<(String, String)>) -> Result<(), String> {
    let now = SystemTime::now();
    let mut headers = headers;
    headers.insert(0, h("host", HOST));
    let path_and_query = if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    };
    cloudfront_sign("GET", &path_and_query, &mut headers, now);
    function_url()
        .check(&received("GET", path, query, &headers, b""), now)
        .map(|_| ())
        .map_err(|d| d.diagnosis())
}

#[test]
fn a_plus_in_the_query_verifies() {
    assert_eq!(verifies("/v1/search", "q=a+b", vec![]), Ok(()));
}

#[test]
fn an_encoded_plus_in_the_query_verifies() {
    assert_eq!(verifies("/v1/search", "q=a%2Bb&r=%2b", vec![]), Ok(()));
}

#[test]
fn an_encoded_space_in_the_query_verifies() {
    assert_eq!(verifies("/v1/search", "q=a%20b", vec![]), Ok(()));
}

#[test]
fn a_repeated_name_in_the_query_verifies() {
    assert_eq!(
        verifies("/v1/search", "tag=b&tag=a&tag=%2B", vec![]),
        Ok(())
    );
}

#[test]
fn a_name_without_a_value_verifies() {
    assert_eq!(verifies("/v1/search", "flag&q=&&x=1", vec![]), Ok(()));
}

#[test]
fn an_encoded_unreserved_character_verifies() {
    assert_eq!(verifies("/v1/%41bc", "q=%41%7e", vec![]), Ok(()));
}

#[test]
fn an_invalid_escape_in_the_query_verifies() {
    assert_eq!(verifies("/v1/search", "q=100%zz&r=%", vec![]), Ok(()));
}

#[test]
fn an_escape_that_is_not_utf8_verifies() {
    assert_eq!(verifies("/v1/search", "q=%FF", vec![]), Ok(()));
}

#[test]
fn utf8_in_path_and_query_verifies() {
    assert_eq!(
        verifies("/v1/caf%C3%A9/%F0%9F%A6%80", "q=%e2%9c%93", vec![]),
        Ok(())
    );
}

#[test]
fn a_final_dot_segment_in_the_path_verifies() {
    assert_eq!(verifies("/v1/items/.", "", vec![]), Ok(()));
}

#[test]
fn empty_and_dot_segments_in_the_path_verify() {
    assert_eq!(verifies("/v1//items/./a/../b", "", vec![]), Ok(()));
}

#[test]
fn a_tab_in_a_signed_header_verifies() {
    assert_eq!(verifies("/v1/x", "", vec![h("x-note", "a\tb  c")]), Ok(()));
}
