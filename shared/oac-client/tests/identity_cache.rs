//! The identity cache with a controllable clock: a value is reused while it has more than the
//! re-mint margin left and re-minted before it has less — also in the middle of a retry sequence.

mod scripted;

use std::time::Duration;

use oac_client::{DEFAULT_IDENTITY_LIFETIME, DEFAULT_REMINT_MARGIN};
use scripted::{Scripted, Server, client};

/// The time after which the default lifetime leaves exactly the margin.
const REMINT_AT: Duration = DEFAULT_IDENTITY_LIFETIME.saturating_sub(DEFAULT_REMINT_MARGIN);

#[tokio::test]
async fn the_cached_identity_is_reused_while_more_than_the_margin_is_left() {
    let server = Server::start(vec![]).await;
    let t = client(&server.url(), |b| b).await;
    t.client.get("/a").send().await.unwrap();
    t.clock.advance(REMINT_AT - Duration::from_secs(1));
    t.client.get("/b").send().await.unwrap();
    let received = server.received();
    assert_eq!(received[0].identity(), received[1].identity());
}

#[tokio::test]
async fn an_identity_with_only_the_margin_left_is_reminted() {
    let server = Server::start(vec![]).await;
    let t = client(&server.url(), |b| b).await;
    t.client.get("/a").send().await.unwrap();
    t.clock.advance(REMINT_AT);
    t.client.get("/b").send().await.unwrap();
    let received = server.received();
    assert_ne!(received[0].identity(), received[1].identity());
    assert!(
        received[1]
            .identity()
            .contains("X-Amz-Date=20250301T123856Z"),
        "signed at the new now"
    );
}

#[tokio::test]
async fn a_retry_after_a_long_wait_carries_a_fresh_identity() {
    let server = Server::start(vec![Scripted::status(503).header("retry-after", "250")]).await;
    let policy = oac_client::RetryPolicy {
        max_total: Duration::from_secs(600),
        ..Default::default()
    };
    let t = client(&server.url(), |b| b.retry_policy(policy)).await;
    t.client.get("/a").send().await.unwrap();
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_ne!(received[0].identity(), received[1].identity());
}

#[tokio::test]
async fn identities_are_minted_for_the_clients_audience() {
    let server = Server::start(vec![]).await;
    let t = client(&server.url(), |b| b).await;
    let other = t.client.with_audience("billing-api").unwrap();
    t.client.get("/a").send().await.unwrap();
    other.get("/b").send().await.unwrap();
    t.client.get("/c").send().await.unwrap();
    let ids: Vec<String> = server.received().iter().map(|r| r.identity()).collect();
    assert_ne!(ids[0], ids[1], "one value per audience");
    assert_eq!(ids[0], ids[2], "each audience keeps its own cached value");
}

#[tokio::test]
async fn session_credentials_that_expire_within_the_margin_are_refused() {
    let server = Server::start(vec![]).await;
    let expiry = scripted::start_time() + Duration::from_secs(30);
    let credentials = aws_credential_types::Credentials::new(
        "ASIAEXAMPLE000000000",
        "s",
        Some("t".into()),
        Some(expiry),
        "test",
    );
    let t = client(&server.url(), |b| b.credentials(credentials)).await;
    let err = t.client.get("/a").send().await.unwrap_err();
    assert!(matches!(err, oac_client::Error::Credentials(_)), "{err:?}");
    assert_eq!(server.attempts(), 0, "nothing was sent");
}
