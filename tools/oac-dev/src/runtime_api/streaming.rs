//! The Runtime API's side of response streaming
//! (<https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming>):
//! a `/response` posted with `Lambda-Runtime-Function-Response-Mode: streaming` and a chunked body
//! is read frame by frame and handed on as it arrives; the trailers
//! `Lambda-Runtime-Function-Error-Type` and `Lambda-Runtime-Function-Error-Body` (base64) report a
//! failure after the response started.

use axum::body::{Body, Bytes};
use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http_body_util::BodyExt as _;
use tokio::sync::mpsc;

use super::InvokeError;
use crate::http::stream::{FunctionFrame, FunctionStream};

/// The request header that makes a response a stream.
pub const RESPONSE_MODE: &str = "lambda-runtime-function-response-mode";
/// The trailer naming the error of a stream that failed.
pub const ERROR_TYPE_TRAILER: &str = "lambda-runtime-function-error-type";
/// The trailer carrying the error's body, base64-encoded.
pub const ERROR_BODY_TRAILER: &str = "lambda-runtime-function-error-body";

/// Whether the runtime posts its response as a stream.
pub fn is_streaming(headers: &HeaderMap) -> bool {
    headers
        .get(RESPONSE_MODE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("streaming"))
}

/// The `Content-Type` the runtime posted with.
pub fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The failure the trailers report, if they name an error type.
pub fn failure(trailers: &HeaderMap) -> Option<FunctionFrame> {
    let error_type = trailers.get(ERROR_TYPE_TRAILER)?.to_str().ok()?.to_owned();
    let raw = trailers
        .get(ERROR_BODY_TRAILER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let error_body = match STANDARD.decode(raw) {
        Ok(decoded) => String::from_utf8_lossy(&decoded).into_owned(),
        Err(_) => raw.to_owned(),
    };
    Some(FunctionFrame::Failed {
        error_type,
        error_body,
    })
}

/// Reads the posted body to its end, handing each frame on as it arrives. A receiver that went
/// away (the viewer left) does not stop the reading: the function runs on, as on Lambda.
pub async fn forward(mut body: Body, frames: mpsc::Sender<FunctionFrame>) {
    loop {
        let frame = match body.frame().await {
            None => return,
            Some(Err(e)) => {
                let _ = frames.send(FunctionFrame::Broken(e.to_string())).await;
                return;
            }
            Some(Ok(frame)) => frame,
        };
        let item = match frame.into_data() {
            Ok(data) if data.is_empty() => continue,
            Ok(data) => FunctionFrame::Data(data),
            Err(frame) => match frame.into_trailers().ok().as_ref().and_then(failure) {
                Some(failed) => failed,
                None => continue,
            },
        };
        let _ = frames.send(item).await;
    }
}

/// A stream read whole, for callers that want the answer at once: the bytes as posted, or the
/// error the trailers report (a broken body is a `Runtime.TruncatedResponse`).
pub async fn collect(mut stream: FunctionStream) -> Result<Bytes, InvokeError> {
    let mut out = Vec::new();
    while let Some(frame) = stream.frames.recv().await {
        match frame {
            FunctionFrame::Data(data) => out.extend_from_slice(&data),
            FunctionFrame::Failed {
                error_type,
                error_body,
            } => {
                return Err(InvokeError::Function {
                    error_type,
                    error_message: error_body,
                });
            }
            FunctionFrame::Broken(why) => {
                return Err(InvokeError::Function {
                    error_type: "Runtime.TruncatedResponse".into(),
                    error_message: why,
                });
            }
        }
    }
    Ok(out.into())
}

#[cfg(test)]
#[path = "streaming_tests.rs"]
mod tests;
