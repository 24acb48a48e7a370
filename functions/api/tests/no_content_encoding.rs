//! The accept-encoding decision (docs/api.md, "Streaming"): the api never compresses and never
//! sets `Content-Encoding`, whatever the viewer accepts — a Function URL in `RESPONSE_STREAM` mode
//! mangles encoded answers (aws-lambda-nodejs-runtime-interface-client#96) and CloudFront then
//! answers 502s (opennextjs-aws#1127). Checked on the streamed routes and on the list.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::streaming::*;
use common::*;

fn with_accept_encoding(path: &str, value: Option<&str>) -> Request<Body> {
    let mut request = get(path, Some(READER));
    if let Some(value) = value {
        request
            .headers_mut()
            .insert("accept-encoding", value.parse().unwrap());
    }
    request
}

#[tokio::test]
async fn the_list_and_the_export_are_the_same_bytes_unencoded_whatever_is_accepted() {
    let (app, store) = streaming_app(quick(Duration::from_secs(1)));
    seed(store.as_ref(), 5).await;
    for path in ["/v1/audit-events", "/v1/audit-events/export"] {
        let plain = open(&app, with_accept_encoding(path, None)).await;
        let plain = chunks(plain).await.concat();
        for accepted in ["gzip, br", "br;q=1.0, gzip;q=0.8, *;q=0.1", "zstd"] {
            let response = open(&app, with_accept_encoding(path, Some(accepted))).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert!(
                !response.headers().contains_key("content-encoding"),
                "{path} with {accepted}: {:?}",
                response.headers()
            );
            assert!(!response.headers().contains_key("vary"));
            assert_eq!(
                chunks(response).await.concat(),
                plain,
                "{path} with {accepted}"
            );
        }
    }
}

#[tokio::test]
async fn the_event_stream_is_unencoded_whatever_is_accepted() {
    let (app, _) = streaming_app(quick(Duration::from_millis(100)));
    let response = open(
        &app,
        with_accept_encoding("/v1/audit-events/stream", Some("gzip, br")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!response.headers().contains_key("content-encoding"));
    let body = chunks(response).await.concat();
    assert!(body.starts_with(b": stream open\n\n"), "{body:?}");
}
