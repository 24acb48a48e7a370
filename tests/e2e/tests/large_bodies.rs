//! Bodies beyond CloudFront's 1 MiB cut, end to end: the viewer sends the SHA-256 of the whole
//! body in `x-amz-content-sha256`, body-hash (which sees only the first MiB) forwards it, OAC
//! signs with it, and the Function URL checks the whole body against it and applies Lambda's
//! 6 MiB payload limit to the event. Bodies are random (`common::bodies`: seeded, replayable).
//! Needs `target/edge`; builds `oac-echo`.

mod common;

use common::bodies::{MIB, assert_echoed_byte_identical, random_bytes, random_text, rng};
use common::{
    Answer, CLOUDFLARE_V4, Running, answer, assert_lambda_invalid_signature,
    assert_lambda_payload_too_large, problem_type, start,
};
use oac_dev::sigv4_fixtures::sha256_hex;
use test_support::cargo_bin::cargo_bin;

async fn chain() -> Running {
    start(common::config(cargo_bin("oac-dev", "oac-echo"), vec![])).await
}

/// A POST of `body` with `x-amz-content-sha256: hash` (none when `hash` is `None`).
async fn upload(chain: &Running, content_type: &str, body: Vec<u8>, hash: Option<&str>) -> Answer {
    let mut request = chain
        .request("POST", "/v1/uploads", CLOUDFLARE_V4)
        .header("content-type", content_type)
        .body(body);
    if let Some(hash) = hash {
        request = request.header("x-amz-content-sha256", hash);
    }
    answer(request).await
}

/// The echo function got exactly `body`, signed with its hash.
fn assert_arrived_byte_identical(a: &Answer, body: &[u8]) {
    assert_eq!(a.status, 200, "{}", a.text());
    assert_echoed_byte_identical(&a.json(), body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2_mib_binary_upload_with_its_hash_arrives_byte_identical() {
    let chain = chain().await;
    let body = random_bytes(&mut rng(), 2 * MIB);
    let hash = sha256_hex(&body);
    let a = upload(
        &chain,
        "application/octet-stream",
        body.clone(),
        Some(&hash),
    )
    .await;
    assert_arrived_byte_identical(&a, &body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5_mib_text_upload_with_its_hash_arrives_byte_identical() {
    // Text travels in the event as text: 5 MiB of it fits Lambda's 6 MiB payload.
    let chain = chain().await;
    let body = random_text(&mut rng(), 5 * MIB);
    let hash = sha256_hex(&body);
    let a = upload(
        &chain,
        "text/plain; charset=utf-8",
        body.clone(),
        Some(&hash),
    )
    .await;
    assert_arrived_byte_identical(&a, &body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_upload_with_a_wrong_hash_is_refused_by_lambdas_signature_check() {
    let chain = chain().await;
    let body = random_bytes(&mut rng(), 2 * MIB);
    let mut other = body.clone();
    // The last byte: past the MiB body-hash sees, so only the Function URL can notice.
    *other.last_mut().unwrap() ^= 1;
    let a = upload(
        &chain,
        "application/octet-stream",
        body,
        Some(&sha256_hex(&other)),
    )
    .await;
    assert_lambda_invalid_signature(&a);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5_mib_binary_upload_is_over_lambdas_payload_limit() {
    // Binary travels base64-encoded in the event: 5 MiB becomes 6.67 MiB, over the 6 MiB limit.
    let chain = chain().await;
    let body = random_bytes(&mut rng(), 5 * MIB);
    let hash = sha256_hex(&body);
    let a = upload(&chain, "application/octet-stream", body, Some(&hash)).await;
    assert_lambda_payload_too_large(&a);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_6_mib_text_upload_is_over_lambdas_payload_limit() {
    // Exactly 6 MiB of body leaves no room for the rest of the event.
    let chain = chain().await;
    let body = random_text(&mut rng(), 6 * MIB);
    let hash = sha256_hex(&body);
    let a = upload(&chain, "text/plain", body, Some(&hash)).await;
    assert_lambda_payload_too_large(&a);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_upload_without_a_hash_is_refused_by_body_hash_with_413() {
    let chain = chain().await;
    let body = random_bytes(&mut rng(), 2 * MIB);
    let a = upload(&chain, "application/octet-stream", body, None).await;
    assert_eq!(a.status, 413);
    assert_eq!(problem_type(&a), "body-truncated");
    let detail = a.json()["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("x-amz-content-sha256"), "{detail}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_mib_upload_without_a_hash_is_hashed_at_the_edge() {
    let chain = chain().await;
    let body = random_bytes(&mut rng(), MIB);
    let a = upload(&chain, "application/octet-stream", body.clone(), None).await;
    assert_arrived_byte_identical(&a, &body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_upload_with_a_wrong_hash_is_refused_by_body_hash_with_400() {
    let chain = chain().await;
    let body = random_text(&mut rng(), 1024);
    let a = upload(
        &chain,
        "text/plain",
        body,
        Some(&sha256_hex(b"another body")),
    )
    .await;
    assert_eq!(a.status, 400, "{}", a.text());
    assert_eq!(problem_type(&a), "content-sha256-mismatch");
}
