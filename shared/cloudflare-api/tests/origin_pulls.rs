//! Per-hostname Authenticated Origin Pulls against the stand-in: upload, list, get, point the
//! hostnames, void, delete; the token's permission; the private key only in the upload's body.

mod support;

use cloudflare_api::{Error, HostnameAopConfig, PrivateKeyPem};
use cloudflare_standin::Permission;
use support::*;

/// A PEM certificate as far as the client and the stand-in look (they do not parse it).
const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUb2FjLWtpdC10ZXN0\n-----END CERTIFICATE-----\n";
/// A known key that must appear only in the upload's body.
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49-known-key\n-----END PRIVATE KEY-----\n";

fn on(hostname: &str, cert: &str, enabled: Option<bool>) -> HostnameAopConfig {
    HostnameAopConfig {
        hostname: hostname.to_owned(),
        cert_id: cert.to_owned(),
        enabled,
    }
}

fn assert_key_only_in_uploads(standin: &cloudflare_standin::CloudflareStandIn) {
    for request in standin.requests() {
        let upload = request.method == "POST" && request.uri.ends_with("/hostnames/certificates");
        let elsewhere = format!("{} {}", request.uri, request.other_headers.join("\n"));
        assert!(!elsewhere.contains("known-key"), "{}", request.uri);
        if !upload {
            assert!(
                !request.body.contains("known-key"),
                "{} {}",
                request.method,
                request.uri
            );
        }
    }
}

#[tokio::test]
async fn a_certificate_is_uploaded_pointed_at_voided_and_deleted() {
    let standin = full_standin().await;
    let client = client(&standin);
    let key = PrivateKeyPem::new(KEY.to_owned());
    let uploaded = client
        .upload_hostname_certificate(&zone(), CERT, &key)
        .await
        .unwrap();
    let id = uploaded.id().unwrap().to_owned();
    assert_eq!(standin.aop_certificates()[0].1, KEY);
    let listed = client.hostname_certificates(&zone()).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id(), Some(id.as_str()));
    assert_eq!(listed[0].certificate.as_deref(), Some(CERT));
    assert!(
        client
            .hostname_certificate(&zone(), &id)
            .await
            .unwrap()
            .is_some()
    );

    assert_eq!(
        client.hostname_aop(&zone(), "a.example.com").await.unwrap(),
        None
    );
    client
        .set_hostname_aop(
            &zone(),
            &[
                on("a.example.com", &id, Some(true)),
                on("b.example.com", &id, Some(true)),
            ],
        )
        .await
        .unwrap();
    let a = client
        .hostname_aop(&zone(), "a.example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (a.cert_id.as_deref(), a.enabled),
        (Some(id.as_str()), Some(true))
    );
    assert_eq!(standin.aop_hostnames().len(), 2);

    client
        .set_hostname_aop(
            &zone(),
            &[
                on("a.example.com", &id, None),
                on("b.example.com", &id, None),
            ],
        )
        .await
        .unwrap();
    assert!(standin.aop_hostnames().is_empty());
    client
        .delete_hostname_certificate(&zone(), &id)
        .await
        .unwrap();
    assert!(
        client
            .hostname_certificate(&zone(), &id)
            .await
            .unwrap()
            .is_none()
    );
    client
        .delete_hostname_certificate(&zone(), &id)
        .await
        .expect("deleting a deleted certificate is done");
    assert!(standin.aop_certificates().is_empty());
    assert_clean(&standin);
    assert_key_only_in_uploads(&standin);
}

#[tokio::test]
async fn an_upload_without_ssl_edit_is_cloudflares_403_and_never_quotes_the_key() {
    let standin = standin(&[Permission::SslRead]).await;
    let client = client(&standin);
    let key = PrivateKeyPem::new(KEY.to_owned());
    let error = client
        .upload_hostname_certificate(&zone(), CERT, &key)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(403));
    assert!(!format!("{error} {error:?}").contains("known-key"));
    assert!(format!("{key:?} {client:?}").contains("<redacted>"));
    assert!(
        client
            .hostname_certificates(&zone())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(standin.requests().len(), 2, "a 403 is not retried");
}

#[tokio::test]
async fn input_that_could_leave_its_path_segment_is_refused_before_any_request() {
    let standin = full_standin().await;
    let client = client(&standin);
    let key = PrivateKeyPem::new(KEY.to_owned());
    for bad in ["../x", "A", ""] {
        assert!(matches!(
            client.delete_hostname_certificate(&zone(), bad).await,
            Err(Error::Invalid(_))
        ));
    }
    assert!(matches!(
        client.hostname_aop(&zone(), "a/../b.example.com").await,
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        client
            .set_hostname_aop(&zone(), &[on("*.example.com", "c1", Some(true))])
            .await,
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        client.set_hostname_aop(&zone(), &[]).await,
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        client
            .upload_hostname_certificate(&zone(), "not pem", &key)
            .await,
        Err(Error::Invalid(_))
    ));
    assert!(standin.requests().is_empty());
}
