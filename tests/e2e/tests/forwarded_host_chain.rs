//! The viewer's host through the chain: with either viewer filter (the generated CloudFront
//! Function, the Lambda@Edge bundle), a request from Cloudflare reaches the function (`oac-echo`)
//! with `x-forwarded-host` = the Host the viewer sent, as sent, while its own `Host` is the
//! Function URL's (`AllViewerExceptHostHeader`); a forged `x-forwarded-host` is replaced, never
//! merged (the Function URL would join repeated values with commas). Needs `target/edge` built.

mod common;

use common::{CLOUDFLARE_V4, answer, start};
use oac_dev::{ChainConfig, VIEWER_IP_HEADER, ViewerFilter};
use test_support::cargo_bin::cargo_bin;

/// What the echo function saw of `host` and `x-forwarded-host` for a request with viewer Host
/// `host` and the forged `x-forwarded-host` entries `forged`.
async fn seen(filter: ViewerFilter, host: &str, forged: &[&str]) -> (String, String) {
    let chain = start(ChainConfig {
        viewer_filter: filter,
        ..common::config(cargo_bin("oac-dev", "oac-echo"), vec![])
    })
    .await;
    let mut request = chain
        .client
        .get(format!("http://{}/v1/whoami", chain.address))
        .header(VIEWER_IP_HEADER, CLOUDFLARE_V4)
        .header("host", host);
    for value in forged {
        request = request.header("X-Forwarded-Host", *value);
    }
    let a = answer(request).await;
    assert_eq!(a.status, 200, "{}", a.text());
    let echo = a.json();
    let header = |name: &str| {
        echo["headers"][name]
            .as_str()
            .unwrap_or("<none>")
            .to_owned()
    };
    (header("host"), header("x-forwarded-host"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_function_sees_the_viewers_host_and_never_a_forged_one() {
    for filter in [ViewerFilter::CloudFrontFunction, ViewerFilter::LambdaEdge] {
        let (host, forwarded) = seen(filter, "api.example.com", &[]).await;
        assert_eq!(forwarded, "api.example.com", "{filter:?}");
        assert_ne!(
            host, "api.example.com",
            "{filter:?}: the policy drops the viewer's Host"
        );
        let forged = ["evil.example", "api.example.com, evil.example"];
        let (_, forwarded) = seen(filter, "API.Example.com:8443", &forged).await;
        assert_eq!(forwarded, "API.Example.com:8443", "{filter:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_viewer_filter_a_forged_value_goes_through() {
    // What the filter is for: with none (oac-dev --viewer-filter none), nothing replaces it.
    let (_, forwarded) = seen(ViewerFilter::Off, "api.example.com", &["evil.example"]).await;
    assert_eq!(forwarded, "evil.example");
}
