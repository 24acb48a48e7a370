//! Retries, refusals and what errors say (never the token or the secret).

mod support;

use cloudflare_api::{ApiToken, Client, Error, NewDnsRecord};
use cloudflare_standin::Permission;
use support::*;

#[tokio::test]
async fn a_429_is_retried_until_success() {
    let standin = full_standin().await;
    standin.fail_next(429, 2, Some(0));
    client(&standin)
        .set_ssl_mode(&zone(), "strict")
        .await
        .unwrap();
    let statuses: Vec<u16> = standin.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 200]);
    assert_eq!(standin.state()["ssl"], "strict");
}

#[tokio::test]
async fn exhausted_5xx_retries_give_a_clear_error() {
    let standin = full_standin().await;
    standin.fail_next(503, 100, None);
    let error = client(&standin).ssl_mode(&zone()).await.unwrap_err();
    assert!(
        matches!(&error, Error::GaveUp { attempts: 4, .. }),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(503));
    assert!(
        error
            .to_string()
            .starts_with("gave up after 4 attempts: Cloudflare API error 10001"),
        "{error}"
    );
    assert_eq!(standin.requests().len(), 4);
}

#[tokio::test]
async fn a_retry_after_beyond_the_time_budget_is_not_waited_for() {
    let standin = full_standin().await;
    standin.fail_next(429, 1, Some(3600));
    let error = client(&standin).ssl_mode(&zone()).await.unwrap_err();
    assert!(
        matches!(&error, Error::GaveUp { attempts: 1, .. }),
        "{error:?}"
    );
    assert_eq!(standin.requests().len(), 1);
}

#[tokio::test]
async fn a_token_without_dns_edit_gets_cloudflares_403_once() {
    let standin = standin(&[Permission::DnsRead, Permission::ZoneSettingsEdit]).await;
    let record = NewDnsRecord {
        name: "api.example.com".to_owned(),
        r#type: "CNAME".to_owned(),
        content: "d1.cloudfront.net".to_owned(),
        proxied: true,
        comment: "oac-kit: api (managed by CloudFormation)".to_owned(),
        ttl: 1,
    };
    let error = client(&standin)
        .create_dns_record(&zone(), &record)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Cloudflare API error 10000: Authentication error (HTTP 403)"
    );
    assert_eq!(standin.requests().len(), 1, "a 403 is not retried");
    assert!(standin.state()["records"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn plain_http_is_refused_unless_to_loopback() {
    for base in [
        "http://api.cloudflare.com/client/v4",
        "http://0.0.0.0:1/client/v4",
        "ftp://127.0.0.1/",
    ] {
        let refused = Client::new(base, ApiToken::new(TOKEN.to_owned()));
        assert!(matches!(refused, Err(Error::Invalid(_))), "{base}");
    }
    assert!(
        Client::new(
            cloudflare_api::DEFAULT_API_BASE,
            ApiToken::new(TOKEN.to_owned())
        )
        .is_ok()
    );
}

#[tokio::test]
async fn errors_and_debug_output_never_hold_the_token_or_the_secret() {
    let mut texts = vec![format!(
        "{:?} {}",
        ApiToken::new(TOKEN.to_owned()),
        ApiToken::new(TOKEN.to_owned())
    )];
    texts.push(format!("{:?}", rule(&["a.example.com"], SECRET)));
    let any = full_standin().await;
    texts.push(format!("{:?}", client(&any)));
    assert!(texts[2].contains("127.0.0.1"), "{}", texts[2]);

    let denied = standin(&[Permission::DnsRead]).await;
    texts.push(describe(
        client(&denied)
            .upsert_origin_secret_rule(&zone(), &rule(&["a.example.com"], SECRET))
            .await,
    ));
    let failing = full_standin().await;
    failing.fail_next(500, 100, None);
    texts.push(describe(
        client(&failing)
            .upsert_origin_secret_rule(&zone(), &rule(&["a.example.com"], SECRET))
            .await,
    ));
    let ok = full_standin().await;
    texts.push(describe(
        client(&ok)
            .upsert_origin_secret_rule(&zone(), &rule(&["a.example.com"], &SECRET[..20]))
            .await,
    ));
    texts.push(describe(
        client(&ok)
            .upsert_origin_secret_rule(&zone(), &rule(&["a b"], SECRET))
            .await,
    ));

    let closed = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let unreachable = Client::new(
        &format!("http://127.0.0.1:{port}/client/v4"),
        ApiToken::new(TOKEN.to_owned()),
    )
    .unwrap();
    texts.push(describe(unreachable.ssl_mode(&zone()).await));
    texts.push(describe(
        Client::new(
            &format!("https://user:{TOKEN}@api.cloudflare.com/"),
            ApiToken::new(TOKEN.to_owned()),
        )
        .map(|_| ()),
    ));
    texts.push(describe(
        Client::new(
            &format!("http://example.com/?t={TOKEN}"),
            ApiToken::new(TOKEN.to_owned()),
        )
        .map(|_| ()),
    ));

    for text in &texts {
        assert!(
            !text.contains(TOKEN) && !text.contains(&TOKEN[..12]),
            "token in {text}"
        );
        assert!(!text.contains(&SECRET[..12]), "secret in {text}");
    }
    assert!(
        texts[3].contains("10000: Authentication error"),
        "{}",
        texts[3]
    );
}

fn describe<T>(result: Result<T, Error>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => format!("{e} | {e:?}"),
    }
}
