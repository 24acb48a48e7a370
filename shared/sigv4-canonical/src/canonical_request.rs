//! SigV4's canonical request for a request as the verifier received it.

use crate::Request;
use crate::query::canonical_query;
use crate::uri::canonical_uri;

/// The canonical request: method, URI, query, the signed headers (`name:value`, values trimmed
/// and inner runs of spaces collapsed, repeated headers joined with `,`), the signed-header
/// list and the payload hash. `Err` names a signed header the request does not carry.
pub fn canonical_request(
    request: &Request<'_>,
    signed_headers: &[&str],
    payload_hash: &str,
) -> Result<String, String> {
    let mut out = String::with_capacity(512);
    out.push_str(request.method);
    out.push('\n');
    out.push_str(&canonical_uri(request.raw_path));
    out.push('\n');
    out.push_str(&canonical_query(request.raw_query));
    out.push('\n');
    for name in signed_headers {
        let values = header_values(request.headers, name);
        if values.is_empty() {
            return Err(format!("signed header {name} is not in the request"));
        }
        out.push_str(name);
        out.push(':');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_trimmed(value, &mut out);
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    Ok(out)
}

/// The values of header `name` (any case), in order.
pub fn header_values<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// SigV4's Trimall: spaces (only spaces, as `aws-sigv4` does) trimmed at both ends and each
/// inner run of them collapsed to one.
fn push_trimmed(value: &str, out: &mut String) {
    let mut words = value.split(' ').filter(|w| !w.is_empty());
    if let Some(first) = words.next() {
        out.push_str(first);
        for word in words {
            out.push(' ');
            out.push_str(word);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(value: &str) -> String {
        let mut out = String::new();
        push_trimmed(value, &mut out);
        out
    }

    #[test]
    fn runs_of_spaces_collapse_and_ends_are_trimmed() {
        assert_eq!(trimmed("  spaced   value "), "spaced value");
    }

    #[test]
    fn a_tab_is_kept_as_aws_sigv4_keeps_it() {
        assert_eq!(trimmed("a\tb"), "a\tb");
    }
}
