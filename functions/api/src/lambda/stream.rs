//! The streaming adapter (`API_INVOKE_MODE=response_stream`): every invocation is answered through
//! Lambda's response-streaming protocol — a prelude (status, headers, cookies), eight NUL bytes,
//! then the body as the router produces it. A Function URL in `RESPONSE_STREAM` mode streams every
//! answer, so buffered routes go the same way as a stream of one chunk.
//!
//! `lambda_http`'s [`StreamAdapter`] converts the event synchronously inside `call`, so the same
//! guard and `catch_unwind` as the buffered adapter keep its panics away. The body is re-typed to
//! never yield an `Err`: `lambda_runtime` 1.5 would write an error item into the body as text
//! (`Lambda-Runtime-Function-Error-Type: …`) rather than as the protocol's error trailers, so a
//! body error is logged and ends the stream instead (the routes end their formats in-band first).

use std::convert::Infallible;
use std::fmt::Display;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use futures_util::future::ready;
use futures_util::{Stream, StreamExt, stream};
use lambda_http::lambda_runtime::{MetadataPrelude, StreamResponse};
use lambda_http::request::LambdaRequest;
use lambda_http::{LambdaEvent, Service, StreamAdapter};

use super::{guard, log_rejected};
use crate::error::ApiError;
use crate::observe::REQUEST_ID_HEADER;

/// The body of a streamed answer: chunks, never an error.
pub type AnswerStream = Pin<Box<dyn Stream<Item = Result<Bytes, Infallible>> + Send>>;

/// Serves the router on the Lambda Runtime API with response streaming until the process ends.
pub async fn run_streaming(router: Router) -> Result<(), lambda_http::Error> {
    lambda_http::lambda_runtime::run(lambda_http::service_fn(
        move |event: LambdaEvent<LambdaRequest>| {
            let router = router.clone();
            async move { Ok::<_, Infallible>(stream_event(router, event).await) }
        },
    ))
    .await
}

/// One streamed invocation: guard, convert, route; the prelude and the body stream.
pub async fn stream_event(
    router: Router,
    event: LambdaEvent<LambdaRequest>,
) -> StreamResponse<AnswerStream> {
    let LambdaEvent { payload, context } = event;
    let request_id = match guard(&payload) {
        Ok(request_id) => request_id,
        Err((request_id, error)) => return rejected(&request_id, &error),
    };
    let mut adapter = StreamAdapter::<_, axum::body::Body>::from(router);
    // The conversion (where lambda_http may panic) runs synchronously inside `call`.
    let Ok(answer) = catch_unwind(AssertUnwindSafe(|| {
        adapter.call(LambdaEvent::new(payload, context))
    })) else {
        return rejected(&request_id, &ApiError::InvalidRequest);
    };
    match answer.await {
        Ok(StreamResponse {
            metadata_prelude,
            stream,
        }) => StreamResponse {
            metadata_prelude,
            stream: until_error(stream, request_id),
        },
        Err(never) => match never {},
    }
}

/// `body` up to its first error (logged, then the stream ends), without empty chunks (an empty
/// chunk means nothing to the client and some encoders take it for the end).
fn until_error<S, E>(body: S, request_id: String) -> AnswerStream
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: Display,
{
    Box::pin(
        body.scan(request_id, |request_id, item| {
            ready(match item {
                Ok(bytes) => Some(Ok(bytes)),
                Err(e) => {
                    tracing::error!(request_id = %request_id, error = %e, "response body failed; stream ended");
                    None
                }
            })
        })
        .filter(|item: &Result<Bytes, Infallible>| ready(item.as_ref().is_ok_and(|b| !b.is_empty()))),
    )
}

/// A streamed problem for an event that never reached the router (logged like any request).
fn rejected(request_id: &str, error: &ApiError) -> StreamResponse<AnswerStream> {
    let problem = log_rejected(request_id, error);
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(problem_details::CONTENT_TYPE),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID_HEADER, value);
    }
    let body = Bytes::from(problem.to_json());
    StreamResponse {
        metadata_prelude: MetadataPrelude {
            status_code: StatusCode::from_u16(problem.status()).unwrap_or(StatusCode::BAD_REQUEST),
            headers,
            cookies: Vec::new(),
        },
        stream: Box::pin(stream::once(ready(Ok(body)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_body_error_ends_the_stream_and_empty_chunks_are_dropped() {
        let body = stream::iter([
            Ok(Bytes::from_static(b"a")),
            Ok(Bytes::new()),
            Ok(Bytes::from_static(b"b")),
            Err("disk on fire"),
            Ok(Bytes::from_static(b"never")),
        ]);
        let sent: Vec<Bytes> = until_error(body, "r1".to_owned())
            .map(|chunk| match chunk {
                Ok(bytes) => bytes,
                Err(never) => match never {},
            })
            .collect()
            .await;
        assert_eq!(sent, [Bytes::from_static(b"a"), Bytes::from_static(b"b")]);
    }
}
