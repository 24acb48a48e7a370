//! The viewer filter's two layers end to end, for both filter kinds: the KVS-mode CloudFront
//! Function (`target/edge/ip-filter-kvs.cloudfront.js`) with oac-dev's KeyValueStore, and the
//! ip-filter Lambda@Edge bundle in KVS mode fetching the store from oac-dev's KVS stand-in
//! (SigV4a-signed `GetKey`), each under Node.js with the real `oac-echo` behind it. A Cloudflare
//! address is not enough: the request must carry one of the origin secrets, which the filter
//! removes before the request goes on. Every test runs once per filter (`for_both_filters!`).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use cloudflare_ranges::{Snapshot, parse_cidr};
use common::{Answer, CLOUDFLARE_V4, DIRECT, Running, answer, problem_type, start};
use ip_filter_core::kvs_layout::{ORIGIN_SECRETS_KEY, encode_ranges};
use ip_filter_core::origin_secret::{DEFAULT_HEADER, secrets_value};
use oac_dev::config::OriginSecretConfig;
use oac_dev::model::KvsSource;
use oac_dev::{ChainConfig, ViewerFilter};
use serde_json::json;
use test_support::cargo_bin::cargo_bin;

const SECRET_A: &str = "e2e-secret-a-0123456789abcdefABCDEF";
const SECRET_B: &str = "e2e-secret-b-0123456789abcdefABCDEF";
const WRONG: &str = "e2e-secret-c-0123456789abcdefABCDEF";
/// Not a Cloudflare address; in the range a changed store adds.
const ADDED_VIEWER: &str = "5.8.1.1";

/// The chain with the echo function and `filter`'s origin secret layer reading `store`.
fn config(filter: ViewerFilter, store: KvsSource) -> ChainConfig {
    ChainConfig {
        viewer_filter: filter,
        origin_secret: Some(OriginSecretConfig {
            header: DEFAULT_HEADER.to_owned(),
            store,
        }),
        ..common::config(cargo_bin("oac-dev", "oac-echo"), vec![])
    }
}

/// Runs each named test (an `async fn(ViewerFilter)`) once with the CloudFront Function and once
/// with the Lambda@Edge bundle.
macro_rules! for_both_filters {
    ($($test:ident),* $(,)?) => {
        mod cloudfront_function {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(oac_dev::ViewerFilter::CloudFrontFunction).await
                }
            )*
        }
        mod lambda_edge {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(oac_dev::ViewerFilter::LambdaEdge).await
                }
            )*
        }
    };
}

for_both_filters!(
    a_cloudflare_address_without_the_secret_is_refused,
    a_cloudflare_address_with_a_wrong_secret_is_refused,
    either_of_two_secrets_passes_and_the_function_never_sees_the_header,
    a_failed_ranges_read_uses_the_compiled_ranges_and_still_needs_the_secret,
    an_unreadable_store_refuses_even_the_right_secret,
    a_changed_store_is_enforced_by_the_running_chain,
);

fn secrets(values: &[&str]) -> KvsSource {
    let values: Vec<String> = values.iter().map(|s| s.to_string()).collect();
    KvsSource::from_secrets(&values).unwrap()
}

/// GET /health from `viewer` with `secret` in the origin secret header (or none).
async fn get(chain: &Running, viewer: &str, secret: Option<&str>) -> Answer {
    let mut request = chain.request("GET", "/health", viewer);
    if let Some(secret) = secret {
        request = request.header(DEFAULT_HEADER, secret);
    }
    answer(request).await
}

/// The 403 of a wrong address: what every refusal must look like, byte for byte.
async fn assert_refused_like_a_wrong_address(chain: &Running, a: &Answer) {
    assert_eq!(a.status, 403, "{}", a.text());
    assert_eq!(problem_type(a), "not-from-cloudflare");
    let wrong_address = get(chain, DIRECT, Some(SECRET_A)).await;
    assert_eq!(a.body, wrong_address.body);
}

/// Writes a KVS stand-in state file, atomically (temp file + rename), as the stand-in does.
fn write_state(path: &Path, ranges: Option<&[&str]>, secrets: &[&str]) {
    let mut items = vec![];
    if let Some(extra) = ranges {
        let mut nets = Snapshot::bundled().unwrap().nets().unwrap();
        nets.extend(extra.iter().map(|c| parse_cidr(c).unwrap()));
        items.extend(encode_ranges(&nets).unwrap());
    }
    items.push((
        ORIGIN_SECRETS_KEY.to_owned(),
        secrets_value(secrets).unwrap(),
    ));
    let items: Vec<_> = items
        .into_iter()
        .map(|(key, value)| json!({"key": key, "value": value}))
        .collect();
    let temp = path.with_extension("tmp");
    std::fs::write(&temp, json!({"etag": "e1", "items": items}).to_string()).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

/// Sends the request until it gets `status` (the chain re-reads the file on its own schedule; the
/// Lambda@Edge bundle fetches the store again after `refreshSeconds`, 10 s here).
async fn until_status(chain: &Running, viewer: &str, secret: &str, status: u16) -> Answer {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let a = get(chain, viewer, Some(secret)).await;
        if a.status == status || Instant::now() > deadline {
            return a;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_cloudflare_address_without_the_secret_is_refused(filter: ViewerFilter) {
    let chain = start(config(filter, secrets(&[SECRET_A]))).await;
    let a = get(&chain, CLOUDFLARE_V4, None).await;
    assert_refused_like_a_wrong_address(&chain, &a).await;
}

async fn a_cloudflare_address_with_a_wrong_secret_is_refused(filter: ViewerFilter) {
    let chain = start(config(filter, secrets(&[SECRET_A, SECRET_B]))).await;
    let a = get(&chain, CLOUDFLARE_V4, Some(WRONG)).await;
    assert_refused_like_a_wrong_address(&chain, &a).await;
}

async fn either_of_two_secrets_passes_and_the_function_never_sees_the_header(filter: ViewerFilter) {
    let chain = start(config(filter, secrets(&[SECRET_A, SECRET_B]))).await;
    for secret in [SECRET_A, SECRET_B] {
        let a = get(&chain, CLOUDFLARE_V4, Some(secret)).await;
        assert_eq!(a.status, 200, "{}", a.text());
        let echo = a.json();
        assert!(
            echo["headers"].get(DEFAULT_HEADER).is_none(),
            "the origin saw the secret: {echo}"
        );
        assert!(!a.text().contains(secret));
    }
}

async fn a_failed_ranges_read_uses_the_compiled_ranges_and_still_needs_the_secret(
    filter: ViewerFilter,
) {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("kvs.json");
    write_state(&state, None, &[SECRET_A]);
    let chain = start(config(filter, KvsSource::File(state))).await;
    assert_eq!(get(&chain, CLOUDFLARE_V4, Some(SECRET_A)).await.status, 200);
    let no_secret = get(&chain, CLOUDFLARE_V4, None).await;
    assert_refused_like_a_wrong_address(&chain, &no_secret).await;
}

async fn an_unreadable_store_refuses_even_the_right_secret(filter: ViewerFilter) {
    let dir = tempfile::tempdir().unwrap();
    let chain = start(config(
        filter,
        KvsSource::File(dir.path().join("missing.json")),
    ))
    .await;
    let a = get(&chain, CLOUDFLARE_V4, Some(SECRET_A)).await;
    assert_refused_like_a_wrong_address(&chain, &a).await;
}

async fn a_changed_store_is_enforced_by_the_running_chain(filter: ViewerFilter) {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("kvs.json");
    write_state(&state, Some(&[]), &[SECRET_A]);
    let chain = start(config(filter, KvsSource::File(state.clone()))).await;
    assert_eq!(get(&chain, ADDED_VIEWER, Some(SECRET_A)).await.status, 403);

    write_state(&state, Some(&["5.8.0.0/16"]), &[SECRET_A]);
    let a = until_status(&chain, ADDED_VIEWER, SECRET_A, 200).await;
    assert_eq!(
        a.status,
        200,
        "the added range was not picked up: {}",
        a.text()
    );

    // Rotation done: only B is valid now.
    write_state(&state, Some(&["5.8.0.0/16"]), &[SECRET_B]);
    let a = until_status(&chain, ADDED_VIEWER, SECRET_A, 403).await;
    assert_refused_like_a_wrong_address(&chain, &a).await;
    assert_eq!(get(&chain, ADDED_VIEWER, Some(SECRET_B)).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_origin_secret_without_a_viewer_filter_is_refused_at_start() {
    let config = config(ViewerFilter::Off, secrets(&[SECRET_A]));
    let Err(e) = oac_dev::Chain::start(config).await else {
        panic!("the chain started without checking the secret");
    };
    assert!(e.to_string().contains("origin secret"), "{e:#}");
}
