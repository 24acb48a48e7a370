//! The Function URL's invoke mode (`InvokeMode`): what a `RESPONSE_STREAM` URL does with a
//! streamed answer — the prelude read ([`prelude`]), `content-encoding` stripped and the body
//! decoded ([`content_encoding`]), the 200 MB cap and the bandwidth after 6 MB ([`limits`]), the
//! body handed on as it arrives ([`pump`]) — and the two mismatches between the URL's mode and the
//! runtime's.
//! <https://docs.aws.amazon.com/lambda/latest/dg/config-rs-invoke-furls.html>

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::response;
use crate::config::InvokeMode;
use crate::http::HttpResponse;
use crate::http::stream::{
    CHANNEL_FRAMES, FunctionAnswer, FunctionFrame, FunctionStream, OriginResponse, StreamedResponse,
};
use crate::stage::Early;

pub mod content_encoding;
pub mod limits;
pub mod prelude;
pub mod pump;

use limits::{Bandwidth, ResponseCap};
use prelude::{PreludeError, PreludeReader};

/// The `Content-Type` of a streamed answer that starts with a prelude.
pub const HTTP_INTEGRATION_RESPONSE: &str = "application/vnd.awslambda.http-integration-response";

/// How a streamed response is relayed.
#[derive(Debug, Clone, Copy)]
pub struct StreamRules {
    /// Lambda's pacing after the burst (`None`: off).
    pub bandwidth: Option<Bandwidth>,
    /// The most body bytes passed on.
    pub cap: u64,
    /// The function's timeout, which bounds the whole stream.
    pub timeout: Duration,
    /// When that timeout ends (counted from the invocation).
    pub deadline: Instant,
}

/// The URL's answer and the notes it adds to the chain's line.
#[derive(Debug)]
pub struct UrlAnswer {
    /// What goes back towards the viewer.
    pub response: OriginResponse,
    /// What the URL did that the log should say.
    pub notes: Vec<String>,
}

/// The URL's answer in its invoke mode (`deadline`: when the function's `timeout` ends); Lambda's
/// bandwidth applies with `bandwidth_cap`.
pub async fn answer(
    mode: InvokeMode,
    answer: FunctionAnswer,
    timeout: Duration,
    deadline: Instant,
) -> Result<UrlAnswer, Early> {
    match mode {
        InvokeMode::Buffered => Ok(buffered(answer, deadline).await),
        InvokeMode::ResponseStream { bandwidth_cap } => {
            let rules = StreamRules {
                bandwidth: bandwidth_cap.then_some(Bandwidth::LAMBDA),
                cap: limits::RESPONSE_CAP,
                timeout,
                deadline,
            };
            response_stream(answer, rules).await
        }
    }
}

/// A `BUFFERED` URL: the payload mapped as today; a streamed answer (the runtime streams, the
/// URL does not) is read to its end and answered 200 with an empty body — what Middy's docs and
/// aws-lambda-rust-runtime#805 report.
pub async fn buffered(answer: FunctionAnswer, deadline: Instant) -> UrlAnswer {
    match answer {
        FunctionAnswer::Buffered(payload) => UrlAnswer {
            response: response::response(&payload).into(),
            notes: Vec::new(),
        },
        FunctionAnswer::Streamed(mut stream) => {
            let _ = tokio::time::timeout_at(deadline, async {
                while stream.frames.recv().await.is_some() {}
            })
            .await;
            UrlAnswer {
                response: HttpResponse::json(200, Vec::new()).into(),
                notes: vec![
                    "invoke mode mismatch: the function streamed behind a BUFFERED URL → 200, empty body"
                        .into(),
                ],
            }
        }
    }
}

/// A `RESPONSE_STREAM` URL: the answer's prelude read, its body relayed as it arrives. A
/// buffered answer (the runtime does not stream) is passed as a 200 `application/json` body, its
/// payload as it is (localstack's AWS-validated handling; not documented by AWS).
pub async fn response_stream(
    answer: FunctionAnswer,
    rules: StreamRules,
) -> Result<UrlAnswer, Early> {
    let stream = match answer {
        FunctionAnswer::Buffered(payload) => {
            return Ok(UrlAnswer {
                response: HttpResponse::json(200, payload.to_vec()).into(),
                notes: vec![
                    "invoke mode mismatch: a buffered answer behind a RESPONSE_STREAM URL → 200 application/json, the payload as the body"
                        .into(),
                ],
            });
        }
        FunctionAnswer::Streamed(stream) => stream,
    };
    let FunctionStream {
        content_type,
        mut frames,
    } = stream;
    let (status, mut headers, first) = if content_type.as_deref() == Some(HTTP_INTEGRATION_RESPONSE)
    {
        let (prelude, first) = read_prelude(&mut frames, &rules).await?;
        let mut headers = prelude.headers;
        headers.extend(
            prelude
                .cookies
                .into_iter()
                .map(|c| ("set-cookie".to_owned(), c)),
        );
        (prelude.status, headers, first)
    } else {
        let content_type = content_type.unwrap_or_else(|| "application/octet-stream".into());
        (
            200,
            vec![("content-type".to_owned(), content_type)],
            Vec::new(),
        )
    };
    let (stripped, decoder) = content_encoding::strip(&mut headers);
    let (out, body) = mpsc::channel(CHANNEL_FRAMES);
    let pump = pump::Pump {
        frames,
        decoder,
        cap: ResponseCap::new(rules.cap),
        bandwidth: rules.bandwidth,
        deadline: rules.deadline,
        timeout: rules.timeout,
        out,
    };
    tokio::spawn(pump.run(first));
    Ok(UrlAnswer {
        response: OriginResponse::Streamed(StreamedResponse {
            status,
            headers,
            body,
        }),
        notes: stripped.note().into_iter().collect(),
    })
}

/// The prelude, and the body bytes that came after it; a refusal is a 502 (a 504 at the
/// function's timeout), with the cause in the log.
async fn read_prelude(
    frames: &mut mpsc::Receiver<FunctionFrame>,
    rules: &StreamRules,
) -> Result<(prelude::Prelude, Vec<u8>), Early> {
    let mut reader = PreludeReader::default();
    loop {
        let frame = match tokio::time::timeout_at(rules.deadline, frames.recv()).await {
            Err(_) => {
                return Err(refusal(
                    504,
                    format!(
                        "function timed out after {:?} before its prelude",
                        rules.timeout
                    ),
                ));
            }
            Ok(frame) => frame,
        };
        let data = match frame {
            Some(FunctionFrame::Data(data)) => data,
            None => return Err(prelude_refused(PreludeError::Ended)),
            Some(FunctionFrame::Failed {
                error_type,
                error_body,
            }) => {
                return Err(refusal(
                    502,
                    format!("function error {error_type} before its prelude ({error_body})"),
                ));
            }
            Some(FunctionFrame::Broken(why)) => {
                return Err(refusal(
                    502,
                    format!("the function's response broke off before its prelude ({why})"),
                ));
            }
        };
        if let Some(done) = reader.feed(&data).map_err(prelude_refused)? {
            return Ok(done);
        }
    }
}

fn prelude_refused(e: PreludeError) -> Early {
    refusal(502, format!("streamed response refused: {e}"))
}

fn refusal(status: u16, log: String) -> Early {
    Early::cloudfront_error(status, "{\"Message\":\"Internal Server Error\"}", log)
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
