//! Why a call failed, in words that name the call: the reason a part reads as unknown.

use std::error::Error as StdError;
use std::fmt::Debug;

use aws_sdk_cloudfront::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// `<Call> <target>: <code>: <message>` (AWS's error code and message), or the transport error
/// with its causes when the service never answered. Neither holds credentials.
pub fn reason<E, R>(call: &str, target: &str, err: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + StdError + 'static,
    R: Debug,
{
    match (err.code(), err.message()) {
        (Some(code), Some(message)) => format!("{call} {target}: {code}: {message}"),
        (Some(code), None) => format!("{call} {target}: {code}"),
        _ => format!("{call} {target}: {}", DisplayErrorContext(err)),
    }
}
