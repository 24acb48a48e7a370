//! What every test against the stand-in shares: the zone, the known token and secret, a client
//! with short retry waits, and the check that the client's requests were clean.

#![allow(dead_code)]

use std::time::Duration;

use cloudflare_api::{ApiToken, Client, OriginSecretRule, RetryPolicy, ZoneId};
use cloudflare_standin::{CloudflareStandIn, Permission, Tokens, Zone};

/// The zone served.
pub const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// The token (a known value that must appear only in `Authorization`).
pub const TOKEN: &str = "cf-known-token-9e1c2b7a44d0";
/// The rule's secret (a known value that must appear only in rule bodies).
pub const SECRET: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
/// The rule's ref.
pub const RULE_REF: &str = "oac-kit-origin-secret-test";
/// The late-transform phase.
pub const PHASE: &str = "http_request_late_transform";

/// A stand-in where [`TOKEN`] has `permissions`.
pub async fn standin(permissions: &[Permission]) -> CloudflareStandIn {
    let mut tokens = Tokens::default();
    tokens.grant(TOKEN, permissions);
    CloudflareStandIn::start(Zone::new(ZONE, "example.com"), tokens)
        .await
        .unwrap()
}

/// A stand-in where [`TOKEN`] may do everything.
pub async fn full_standin() -> CloudflareStandIn {
    standin(&Permission::ALL).await
}

/// The retry policy of the tests: the real policy's logic with millisecond waits.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        max_total: Duration::from_secs(30),
    }
}

/// A client of `standin` with [`TOKEN`].
pub fn client(standin: &CloudflareStandIn) -> Client {
    Client::new(&standin.base_url(), ApiToken::new(TOKEN.to_owned()))
        .unwrap()
        .with_retry_policy(fast_retries())
}

/// The zone id.
pub fn zone() -> ZoneId {
    ZoneId::parse(ZONE).unwrap()
}

/// oac-kit's rule for `hostnames` with `value`.
pub fn rule(hostnames: &[&str], value: &str) -> OriginSecretRule {
    OriginSecretRule {
        rule_ref: RULE_REF.to_owned(),
        hostnames: hostnames.iter().map(|h| (*h).to_owned()).collect(),
        header: "x-origin-secret".to_owned(),
        value: value.to_owned(),
    }
}

/// Every request passed the stand-in's shape check; the token appeared only as the bearer
/// credential, and the secret only in the bodies of rule writes.
pub fn assert_clean(standin: &CloudflareStandIn) {
    for request in standin.requests() {
        assert_ne!(
            request.status, 400,
            "a request broke its derived shape: {request:?}"
        );
        assert_eq!(
            request.authorization.as_deref(),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        let elsewhere = format!(
            "{} {} {}",
            request.uri,
            request.other_headers.join("\n"),
            request.body
        );
        assert!(
            !elsewhere.contains(TOKEN),
            "token outside Authorization: {}",
            request.uri
        );
        let rule_write = request.uri.contains("/rulesets/")
            && request.method != "GET"
            && request.method != "DELETE";
        if !rule_write {
            assert!(
                !elsewhere.contains(SECRET),
                "secret in {} {}",
                request.method,
                request.uri
            );
        }
    }
}
