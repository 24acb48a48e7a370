//! `oac-echo`: a Lambda (Function URL, payload 2.0) that answers with what it received — method,
//! path, query, headers, the body's length and SHA-256, and the IAM caller — so the chain's
//! tests (and a developer) can see exactly what reaches a function behind OAC.
//!
//! With `OAC_ECHO_MODE=stream` it streams instead (`lambda_http`'s streaming runtime): a body
//! made to the query's order ([`stream`]), for the chain's streaming tests.

mod stream;

use lambda_http::{Body, Error, Request, RequestExt, Response, service_fn};
use serde_json::json;
use sha2::{Digest, Sha256};

async fn echo(request: Request) -> Result<Response<Body>, Error> {
    let body: &[u8] = request.body().as_ref();
    let headers: serde_json::Map<String, serde_json::Value> = request
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("<binary>").into()))
        .collect();
    let answer = json!({
        "method": request.method().as_str(),
        "path": request.raw_http_path(),
        "query": request.uri().query().unwrap_or(""),
        "headers": headers,
        "bodyLength": body.len(),
        "bodySha256": hex::encode(Sha256::digest(body)),
        "requestContext": serde_json::to_value(request.request_context()).unwrap_or_default(),
    });
    Ok(Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(Body::Text(answer.to_string()))?)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    if std::env::var("OAC_ECHO_MODE").as_deref() == Ok("stream") {
        lambda_http::run_with_streaming_response(service_fn(stream::answer)).await
    } else {
        lambda_http::run(service_fn(echo)).await
    }
}
