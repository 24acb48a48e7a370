//! What the decision log says about a body: its size, never its content.

use cloudfront_event::BodySeen;

use crate::BodyInput;

/// The size of the body CloudFront handed over (`None` without a body member): a base64 body's
/// decoded length, computed from its length and padding without decoding (for data that is not
/// valid base64 this is the length it would have); a `text` (or unknown-encoding) body's bytes.
///
/// ```
/// use body_hash_core::{BodyInput, body_seen};
/// let body = BodyInput::Present { data: b"aGVsbG8=", encoding: None, input_truncated: false };
/// assert_eq!(body_seen(&body).unwrap().bytes, 5);
/// assert_eq!(body_seen(&BodyInput::Absent), None);
/// ```
pub fn body_seen(body: &BodyInput<'_>) -> Option<BodySeen> {
    let BodyInput::Present {
        data,
        encoding,
        input_truncated,
    } = *body
    else {
        return None;
    };
    let bytes = match encoding.unwrap_or("base64") {
        "base64" => base64_decoded_len(data),
        _ => data.len(),
    };
    Some(BodySeen {
        bytes: bytes as u64,
        truncated: input_truncated,
    })
}

/// Three bytes per four characters, less one per `=` of padding (at most two).
fn base64_decoded_len(data: &[u8]) -> usize {
    let padding = data
        .iter()
        .rev()
        .take(2)
        .take_while(|&&b| b == b'=')
        .count();
    (data.len() / 4 * 3).saturating_sub(padding)
}
