//! The Lambda adapter: Function URL events (payload format 2.0) through `lambda_http` into the
//! router, with a guard in front.
//!
//! `lambda_http` converts an event to a request with `expect`s: a body flagged `isBase64Encoded`
//! that is not valid base64 panics it, and so can an unparsable host or query. [`handle_event`]
//! checks the body itself first (the same base64 engine `lambda_http` uses) and answers 400
//! `invalid-body-encoding`; any other conversion panic is caught and answered 400
//! `invalid-request`. Either way the function keeps serving.
//!
//! [`run`] answers buffered (one JSON payload per invocation, the Function URL's `BUFFERED`
//! mode); [`run_streaming`] answers every route through Lambda's response streaming (the URL's
//! `RESPONSE_STREAM` mode) with the same guard.

mod stream;

pub use stream::{AnswerStream, run_streaming, stream_event};

use std::convert::Infallible;
use std::panic::{AssertUnwindSafe, catch_unwind};

use axum::Router;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, LambdaEvent, Service};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::observe::{REQUEST_ID_HEADER, request_id_from};

/// Serves the router on the Lambda Runtime API (`AWS_LAMBDA_RUNTIME_API`) until the process ends.
pub async fn run(router: Router) -> Result<(), lambda_http::Error> {
    lambda_http::lambda_runtime::run(lambda_http::service_fn(
        move |event: LambdaEvent<LambdaRequest>| {
            let router = router.clone();
            async move { Ok::<Value, Infallible>(handle_event(router, event).await) }
        },
    ))
    .await
}

/// The guard before `lambda_http`'s conversion: the event's request ID, or the request ID and the
/// error to answer without routing (a base64 body that does not decode).
fn guard(payload: &LambdaRequest) -> Result<String, (String, ApiError)> {
    #[allow(irrefutable_let_patterns)] // only the `apigw_http` variant is compiled in
    if let LambdaRequest::ApiGatewayV2(request) = payload
        && request.is_base64_encoded
        && let Some(body) = request.body.as_deref()
        && STANDARD.decode(body).is_err()
    {
        let request_id = request_id_from(&request.headers);
        return Err((request_id, ApiError::InvalidBodyEncoding));
    }
    Ok(match payload {
        LambdaRequest::ApiGatewayV2(request) => request_id_from(&request.headers),
        #[allow(unreachable_patterns)]
        _ => request_id_from(&Default::default()),
    })
}

/// Logs an event answered before routing; the problem to answer.
fn log_rejected(request_id: &str, error: &ApiError) -> problem_details::Problem {
    let problem = error.to_problem();
    tracing::warn!(
        request_id = %request_id,
        status = problem.status(),
        problem = problem.type_uri(),
        "event rejected before routing"
    );
    problem
}

/// One invocation: guard, convert, route, and the response in the event's format.
pub async fn handle_event(router: Router, event: LambdaEvent<LambdaRequest>) -> Value {
    let LambdaEvent { payload, context } = event;
    let request_id = match guard(&payload) {
        Ok(request_id) => request_id,
        Err((request_id, error)) => return rejected(&request_id, &error),
    };
    let mut adapter = Adapter::from(router);
    // The conversion (where lambda_http may panic) runs synchronously inside `call`.
    let Ok(answer) = catch_unwind(AssertUnwindSafe(|| {
        adapter.call(LambdaEvent::new(payload, context))
    })) else {
        return rejected(&request_id, &ApiError::InvalidRequest);
    };
    match answer.await {
        Ok(response) => serde_json::to_value(response).unwrap_or_else(|e| {
            tracing::error!(error = %e, "response serialization failed");
            rejected(&request_id, &ApiError::Internal)
        }),
        Err(never) => match never {},
    }
}

/// A payload-2.0 response for an event that never reached the router (logged like any request).
fn rejected(request_id: &str, error: &ApiError) -> Value {
    let problem = log_rejected(request_id, error);
    json!({
        "statusCode": problem.status(),
        "headers": {
            "content-type": problem_details::CONTENT_TYPE,
            "cache-control": "no-store",
            REQUEST_ID_HEADER: request_id,
        },
        "multiValueHeaders": {},
        "body": problem.to_json(),
        "isBase64Encoded": false,
        "cookies": [],
    })
}
