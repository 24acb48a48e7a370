//! DNS records and the ssl setting against the stand-in over loopback HTTP.

mod support;

use cloudflare_api::{Error, NewDnsRecord};
use serde_json::json;
use support::*;

fn cname(name: &str) -> NewDnsRecord {
    NewDnsRecord {
        name: name.to_owned(),
        r#type: "CNAME".to_owned(),
        content: "d111111abcdef8.cloudfront.net".to_owned(),
        proxied: true,
        comment: "oac-kit: api hostname (managed by CloudFormation)".to_owned(),
        ttl: 1,
    }
}

#[tokio::test]
async fn records_are_created_listed_updated_and_deleted() {
    let standin = full_standin().await;
    let client = client(&standin);
    let created = client
        .create_dns_record(&zone(), &cname("api.example.com"))
        .await
        .unwrap();
    assert_eq!(
        (created.name.as_str(), created.proxied, created.ttl),
        ("api.example.com", true, 1)
    );
    assert_eq!(
        created.comment.as_deref(),
        Some("oac-kit: api hostname (managed by CloudFormation)")
    );

    let listed = client
        .dns_records(&zone(), "api.example.com")
        .await
        .unwrap();
    assert_eq!(listed, vec![created.clone()]);
    assert!(
        client
            .dns_records(&zone(), "other.example.com")
            .await
            .unwrap()
            .is_empty()
    );

    let mut changed = cname("api.example.com");
    changed.content = "d222222abcdef8.cloudfront.net".to_owned();
    let updated = client
        .update_dns_record(&zone(), &created.id, &changed)
        .await
        .unwrap();
    assert_eq!(
        (updated.id.as_str(), updated.content.as_str()),
        (created.id.as_str(), "d222222abcdef8.cloudfront.net")
    );
    assert_eq!(
        standin.state()["records"][0]["content"],
        "d222222abcdef8.cloudfront.net"
    );

    client
        .delete_dns_record(&zone(), &created.id)
        .await
        .unwrap();
    assert_eq!(standin.state()["records"], json!([]));
    let gone = client
        .delete_dns_record(&zone(), &created.id)
        .await
        .unwrap_err();
    assert_eq!(gone.status(), Some(404));
    assert_clean(&standin);
}

#[tokio::test]
async fn every_page_is_read() {
    let standin = full_standin().await;
    standin.with_zone(|z| {
        for i in 0..250 {
            z.records.push(json!({"id": format!("{i:032x}"), "name": "_v.example.com", "type": "TXT", "content": i.to_string(), "proxied": false, "ttl": 1, "comment": null}));
        }
        z.records.push(json!({"id": "f".repeat(32), "name": "other.example.com", "type": "TXT", "content": "x", "ttl": 1}));
    });
    let records = client(&standin)
        .dns_records(&zone(), "_v.example.com")
        .await
        .unwrap();
    assert_eq!(records.len(), 250);
    assert_eq!(records[249].content, "249");
    let pages: Vec<String> = standin.requests().iter().map(|r| r.uri.clone()).collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(
        pages[2].contains("page=3") && pages[2].contains("per_page=100"),
        "{pages:?}"
    );
    assert_clean(&standin);
}

#[tokio::test]
async fn the_ssl_mode_is_read_and_set() {
    let standin = full_standin().await;
    let client = client(&standin);
    assert_eq!(client.ssl_mode(&zone()).await.unwrap(), "full");
    client.set_ssl_mode(&zone(), "strict").await.unwrap();
    assert_eq!(client.ssl_mode(&zone()).await.unwrap(), "strict");
    assert_eq!(standin.state()["ssl"], "strict");
    assert_clean(&standin);
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let standin = full_standin().await;
    let client = client(&standin);
    let refusals = [
        client
            .dns_records(&zone(), "a b.example.com")
            .await
            .unwrap_err(),
        client
            .dns_records(&zone(), "\"x\".example.com")
            .await
            .unwrap_err(),
        client
            .create_dns_record(&zone(), &cname("API.example.com"))
            .await
            .unwrap_err(),
        client
            .create_dns_record(
                &zone(),
                &NewDnsRecord {
                    ttl: 5,
                    ..cname("a.example.com")
                },
            )
            .await
            .unwrap_err(),
        client
            .update_dns_record(&zone(), "../settings/ssl", &cname("a.example.com"))
            .await
            .unwrap_err(),
        client.delete_dns_record(&zone(), "a/b").await.unwrap_err(),
        client
            .set_ssl_mode(&zone(), "full_strict")
            .await
            .unwrap_err(),
        client
            .upsert_origin_secret_rule(&zone(), &rule(&["a.example.com\" or true or \"b"], SECRET))
            .await
            .unwrap_err(),
        client
            .origin_secret_rule_value(&zone(), "a ref")
            .await
            .unwrap_err(),
        client
            .delete_origin_secret_rule(&zone(), "")
            .await
            .unwrap_err(),
    ];
    for refusal in refusals {
        assert!(matches!(refusal, Error::Invalid(_)), "{refusal:?}");
    }
    assert!(cloudflare_api::ZoneId::parse("023e105f4ecef8ad9ca31a8372d0c35/").is_err());
    assert!(standin.requests().is_empty(), "{:?}", standin.requests());
}

#[tokio::test]
async fn another_zone_is_cloudflares_404() {
    let standin = full_standin().await;
    let other = cloudflare_api::ZoneId::parse(&"a".repeat(32)).unwrap();
    let error = client(&standin).ssl_mode(&other).await.unwrap_err();
    assert!(
        matches!(&error, Error::Cloudflare { status: 404, errors } if errors[0].code == 7003),
        "{error:?}"
    );
}
