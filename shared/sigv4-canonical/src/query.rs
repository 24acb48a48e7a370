//! The canonical query string of a request (a Function URL, the KVS data plane).
//!
//! The query that arrives is read as a form (`application/x-www-form-urlencoded`, the WHATWG URL
//! standard's parser): pairs split on `&` (empty pairs skipped), name and value split at the
//! first `=` (none: an empty value), `+` is a space, a valid `%XY` escape is its byte, anything
//! else (`%zz`, a lone `%`) is taken literally, and the bytes are read as UTF-8 with invalid
//! sequences replaced by U+FFFD. Each name and value is then encoded strictly (RFC 3986,
//! uppercase hex) and the pairs are sorted by encoded name, then encoded value. This is what
//! `aws-sigv4` (and so CloudFront's signing, as the chain emulates it) and botocore's
//! parameter signing produce; docs/oac-dev.md gives the evidence.

use crate::url_escape::{escape_at, uri_encode_into};

/// `raw_query` (without `?`, as received) → the canonical query line.
pub fn canonical_query(raw_query: &str) -> String {
    let mut pairs: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (encoded_form_component(name), encoded_form_component(value))
        })
        .collect();
    pairs.sort_unstable();
    let mut out = String::with_capacity(raw_query.len() + 16);
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// One form-encoded name or value, decoded as a form does and encoded strictly.
fn encoded_form_component(raw: &str) -> String {
    let decoded = decode_form_component(raw);
    let text = String::from_utf8_lossy(&decoded);
    let mut out = String::with_capacity(text.len());
    uri_encode_into(text.as_bytes(), false, &mut out);
    out
}

fn decode_form_component(raw: &str) -> Vec<u8> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], escape_at(&bytes[i..])) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_sort_by_name_then_value() {
        assert_eq!(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
    }

    #[test]
    fn a_plus_is_a_space_and_an_encoded_plus_is_a_plus() {
        assert_eq!(canonical_query("q=a+b"), "q=a%20b");
        assert_eq!(canonical_query("q=a%20b"), "q=a%20b");
        assert_eq!(canonical_query("q=a%2Bb"), "q=a%2Bb");
    }

    #[test]
    fn a_name_without_equals_has_an_empty_value_and_empty_pairs_vanish() {
        assert_eq!(canonical_query("flag&&q=1&"), "flag=&q=1");
    }

    #[test]
    fn escapes_are_normalised() {
        assert_eq!(canonical_query("q=%41%2f%e2%9c%93"), "q=A%2F%E2%9C%93");
    }

    #[test]
    fn an_invalid_escape_is_taken_literally() {
        assert_eq!(canonical_query("q=%zz&r=%"), "q=%25zz&r=%25");
    }

    #[test]
    fn invalid_utf8_becomes_the_replacement_character() {
        assert_eq!(canonical_query("q=%FF"), "q=%EF%BF%BD");
    }

    #[test]
    fn sorting_is_on_encoded_bytes() {
        // `%2B` (from "+") sorts before `A`; unencoded it would sort after.
        assert_eq!(canonical_query("k=A&k=%2B"), "k=%2B&k=A");
    }
}
