//! Lambda's request payload limit for a buffered Function URL (`InvokeMode` `BUFFERED`, which
//! invokes the function with the Invoke API).
//!
//! The limit is on the invocation payload — the payload 2.0 event — not on the HTTP body: the
//! event carries a binary body base64-encoded (a third larger) beside the headers and the request
//! context, so a binary upload stops at about 4.5 MiB and a text one a little under 6 MiB. A field
//! report of a Function URL refusing an upload shows the answer reproduced here: 413,
//! `x-amzn-ErrorType: RequestEntityTooLargeException`, `{"Message":"Request must be smaller than
//! 6291456 bytes for the InvokeFunction operation"}`; Lambda's `RequestResponse` log line for the
//! same limit reads "… byte payload is too large for the RequestResponse invocation type (limit
//! 6291456 bytes)", so a payload of exactly 6,291,456 bytes is taken as allowed.

use crate::http::HttpResponse;
use crate::stage::{CLOUDFRONT_ERROR, Early};

/// The largest payload 2.0 event, in bytes, Lambda invokes a buffered Function URL with (6 MiB).
pub const INVOKE_PAYLOAD_LIMIT: usize = 6_291_456;

/// Lambda's message for a payload over [`INVOKE_PAYLOAD_LIMIT`].
const TOO_LARGE: &str =
    "Request must be smaller than 6291456 bytes for the InvokeFunction operation";

/// Refuses an event of `event_bytes` bytes over the limit with Lambda's 413; the function is
/// never invoked.
///
/// ```
/// use oac_dev::function_url::payload_limit::{INVOKE_PAYLOAD_LIMIT, check};
/// assert!(check(INVOKE_PAYLOAD_LIMIT).is_ok());
/// assert_eq!(check(INVOKE_PAYLOAD_LIMIT + 1).unwrap_err().response.status, 413);
/// ```
pub fn check(event_bytes: usize) -> Result<(), Early> {
    if event_bytes <= INVOKE_PAYLOAD_LIMIT {
        return Ok(());
    }
    let mut response =
        HttpResponse::json(413, serde_json::json!({ "Message": TOO_LARGE }).to_string());
    response.headers.push((
        "x-amzn-errortype".into(),
        "RequestEntityTooLargeException".into(),
    ));
    Err(Early::new(
        response,
        CLOUDFRONT_ERROR,
        format!(
            "Function URL 413: the payload 2.0 event is {event_bytes} bytes, over Lambda's \
             {INVOKE_PAYLOAD_LIMIT}"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_of_exactly_the_limit_is_invoked() {
        assert!(check(INVOKE_PAYLOAD_LIMIT).is_ok());
    }

    #[test]
    fn an_event_one_byte_over_the_limit_gets_lambdas_413() {
        let early = check(INVOKE_PAYLOAD_LIMIT + 1).unwrap_err();
        assert_eq!(early.response.status, 413);
        assert!(early.response.headers.contains(&(
            "x-amzn-errortype".into(),
            "RequestEntityTooLargeException".into()
        )));
        let body: serde_json::Value = serde_json::from_slice(&early.response.body).unwrap();
        assert_eq!(
            body["Message"],
            "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
        );
    }
}
