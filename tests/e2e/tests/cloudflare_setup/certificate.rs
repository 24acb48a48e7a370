//! Kind Certificate against moto's ACM (in us-east-1 while the function's region is eu-west-1).

use serde_json::json;

use super::rig::*;

const A: &str = "a.example.com";
const B: &str = "b.example.com";

fn acm(rig: &Rig) -> aws_sdk_acm::Client {
    let config = aws_sdk_acm::Config::builder()
        .behavior_version(aws_sdk_acm::config::BehaviorVersion::latest())
        .region(aws_sdk_acm::config::Region::new("us-east-1"))
        .endpoint_url(&rig.moto.endpoint)
        .credentials_provider(test_support::moto::Moto::credentials())
        .build();
    aws_sdk_acm::Client::from_conf(config)
}

fn validation_records(rig: &Rig) -> Vec<(String, String, String, bool, Option<String>)> {
    rig.records()
        .into_iter()
        .filter(|r| r.0.starts_with('_'))
        .collect()
}

#[tokio::test]
async fn issued_certificate_lifecycle_with_dns_only_validation_records() {
    // moto issues at the first DescribeCertificate.
    let mut rig = Rig::start(ALL, "0").await;
    let props = cert_props(&rig, &[A, B]);
    let create = event("Create", &props, None, None);
    let answer = rig.on_event(&create).await.unwrap();
    let arn = answer["PhysicalResourceId"].as_str().unwrap().to_owned();
    assert!(arn.starts_with("arn:aws:acm:us-east-1:"), "{arn}");
    assert_eq!(answer["Data"], json!({"CertificateArn": arn}));
    // The same Create again: the same certificate (ACM's idempotency token).
    assert_eq!(rig.on_event(&create).await.unwrap(), answer);

    let poll = event("Create", &props, Some(&arn), None);
    let done = rig.is_complete(&poll).await.unwrap();
    assert_eq!(
        done,
        json!({"IsComplete": true, "Data": {"CertificateArn": arn}})
    );
    let id = arn.rsplit('/').next().unwrap();
    let records = validation_records(&rig);
    assert_eq!(records.len(), 2, "{records:?}");
    for (name, kind, content, proxied, comment) in &records {
        assert!(name.ends_with(A) || name.ends_with(B), "{name}");
        assert_eq!(kind, "CNAME");
        assert!(content.ends_with("acm-validations.aws") && !proxied);
        assert_eq!(
            comment.as_deref(),
            Some(format!("oac-kit: acm-validation {id} (managed by CloudFormation)").as_str())
        );
    }
    let changes = rig.changes();
    rig.is_complete(&poll).await.unwrap();
    assert_eq!(rig.changes(), changes, "a repeated poll changes nothing");

    // An Update that keeps the names keeps the certificate.
    let same = event("Update", &props, Some(&arn), Some(&props));
    assert_eq!(
        rig.on_event(&same).await.unwrap()["PhysicalResourceId"],
        arn
    );

    let delete = event("Delete", &props, Some(&arn), None);
    rig.on_event(&delete).await.unwrap();
    assert!(validation_records(&rig).is_empty());
    let gone = acm(&rig)
        .describe_certificate()
        .certificate_arn(&arn)
        .send()
        .await;
    assert!(gone.is_err(), "the certificate is deleted");
    rig.on_event(&delete).await.unwrap();
    rig.finish().await;
}

#[tokio::test]
async fn pending_certificate_waits_with_its_records_written_and_new_names_get_a_new_certificate() {
    let mut rig = Rig::start(ALL, "3600").await;
    let props = cert_props(&rig, &[A]);
    let arn = rig
        .on_event(&event("Create", &props, None, None))
        .await
        .unwrap()["PhysicalResourceId"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = rig
        .is_complete(&event("Create", &props, Some(&arn), None))
        .await
        .unwrap();
    assert_eq!(done["IsComplete"], false);
    assert_eq!(validation_records(&rig).len(), 1);

    let new_props = cert_props(&rig, &[A, B]);
    let update = event("Update", &new_props, Some(&arn), Some(&props));
    let new_arn = rig.on_event(&update).await.unwrap()["PhysicalResourceId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(new_arn, arn);
    rig.is_complete(&event("Update", &new_props, Some(&new_arn), Some(&props)))
        .await
        .unwrap();
    // moto gives every name one validation record name prefix; the new certificate adopted A's.
    let new_id = new_arn.rsplit('/').next().unwrap();
    assert!(
        validation_records(&rig)
            .iter()
            .all(|r| r.4.as_deref().unwrap().contains(new_id))
    );
    // CloudFormation's cleanup of the old certificate leaves the adopted records.
    let before = validation_records(&rig);
    rig.on_event(&event("Delete", &props, Some(&arn), None))
        .await
        .unwrap();
    assert_eq!(validation_records(&rig), before);
    rig.finish().await;
}

#[tokio::test]
async fn a_token_without_dns_edit_fails_the_poll_with_cloudflares_message() {
    let mut rig = Rig::start(&[cloudflare_standin::Permission::DnsRead], "0").await;
    let props = cert_props(&rig, &[A]);
    let arn = rig
        .on_event(&event("Create", &props, None, None))
        .await
        .unwrap()["PhysicalResourceId"]
        .as_str()
        .unwrap()
        .to_owned();
    let err = rig
        .is_complete(&event("Create", &props, Some(&arn), None))
        .await
        .unwrap_err();
    assert!(err.contains("Authentication error"), "{err}");
    rig.finish().await;
}
