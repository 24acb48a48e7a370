//! The canonical URI of a request to any service but S3 (a Function URL, the KVS data plane):
//! what arrived on the wire, dot segments and empty segments removed (RFC 3986 §5.2.4), then
//! percent-encoded once more, so an escape such as `%2F` is signed as `%252F` ("double encoding").

use crate::url_escape::uri_encode_into;

/// `raw_path` (percent-encoded, as received) → the canonical URI line.
pub fn canonical_uri(raw_path: &str) -> String {
    let path = remove_dot_segments(raw_path);
    let mut out = String::with_capacity(path.len() + 8);
    uri_encode_into(path.as_bytes(), true, &mut out);
    out
}

/// RFC 3986 §5.2.4 with empty segments dropped too: `/a//b/./c/../d/` → `/a/b/d/`. A path that
/// ends in a segment `.` or `..` ends in `/` (the RFC's rules B and C).
fn remove_dot_segments(raw_path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in raw_path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut path = String::with_capacity(raw_path.len() + 1);
    path.push('/');
    path.push_str(&segments.join("/"));
    let ends_in_directory = ["/", "/.", "/.."].iter().any(|end| raw_path.ends_with(end));
    if ends_in_directory && !path.ends_with('/') {
        path.push('/');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_path_is_the_root() {
        assert_eq!(canonical_uri(""), "/");
    }

    #[test]
    fn dot_and_empty_segments_are_removed() {
        assert_eq!(canonical_uri("/a//b/./c/../d/"), "/a/b/d/");
        assert_eq!(canonical_uri("/../a"), "/a");
    }

    #[test]
    fn a_final_dot_segment_leaves_a_trailing_slash() {
        assert_eq!(canonical_uri("/a/b/."), "/a/b/");
        assert_eq!(canonical_uri("/a/b/.."), "/a/");
    }

    #[test]
    fn escapes_are_encoded_again() {
        assert_eq!(canonical_uri("/v1/x%2Fy"), "/v1/x%252Fy");
        assert_eq!(canonical_uri("/caf%C3%A9"), "/caf%25C3%25A9");
        assert_eq!(canonical_uri("/a+b/c=d"), "/a%2Bb/c%3Dd");
    }
}
