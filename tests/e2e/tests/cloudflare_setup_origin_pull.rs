//! Kind OriginPullCertificate through the real `cloudflare-setup` binary (the Lambda Runtime
//! API; moto's Secrets Manager; the Cloudflare stand-in; the KVS stand-in): Create, repeats,
//! Update, Delete owning only what is ours; the renewal walk issue → list → activate → retire with
//! both serials listed during the switch; failures named without a secret; no private key in
//! any log line, failure reason or Data.
//!
//! Time is the functions' `CR_TEST_NOW_FILE` (a file this test rewrites, [`Rig::set_now`]).

#[path = "cloudflare_setup/origin_pull.rs"]
mod origin_pull;
#[path = "cloudflare_setup/rig.rs"]
mod rig;

use std::collections::BTreeMap;

use cloudflare_standin::Permission;
use origin_pull::*;
use rig::*;
use serde_json::{Value, json};

#[tokio::test]
async fn create_repeat_update_delete_touch_only_our_certificates_hostnames_and_serials() {
    let mut rig = Rig::start(ALL, "60").await;
    let users_cert = seed_users_own(&rig);
    let props = origin_pull_props(&rig, &[A, B]);

    // Create.
    let answer = rig
        .on_event(&event("Create", &props, None, None))
        .await
        .unwrap();
    assert_eq!(answer["PhysicalResourceId"], PHYSICAL);
    assert_public(&answer["Data"]);
    let secret = rig.ca_secret().await;
    assert_eq!(
        secret["caCertificatePem"],
        answer["Data"]["CaCertificatePem"]
    );
    let certs = secret["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 1);
    let ours = &certs[0];
    assert_eq!(ours["state"], "active");
    assert_eq!(ours["serial"], answer["Data"]["ActiveSerial"]);
    let serial = ours["serial"].as_str().unwrap();
    assert_eq!(
        origin_pull_ca::Serial::of_certificate_pem(ours["certificatePem"].as_str().unwrap())
            .unwrap()
            .as_str(),
        serial
    );
    let our_id = ours["cloudflareId"].as_str().unwrap().to_owned();
    // Cloudflare holds our certificate with its key, beside the user's.
    let held = rig.cf.aop_certificates();
    assert_eq!(held.len(), 2);
    let (described, key) = held
        .iter()
        .find(|(c, _)| c["id"] == our_id.as_str())
        .unwrap();
    assert_eq!(described["certificate"], ours["certificatePem"]);
    assert_eq!(key, ours["privateKeyPem"].as_str().unwrap());
    let on = |id: &str| (id.to_owned(), json!(true));
    assert_eq!(
        associations(&rig),
        BTreeMap::from([
            (A.into(), on(&our_id)),
            (B.into(), on(&our_id)),
            (X.into(), on(&users_cert))
        ])
    );
    // The store lists our serial (contract 2's value), beside the user's.
    let listed = serials(&rig);
    let value: Value = serde_json::from_str(&listed[&format!("serial:{serial}")]).unwrap();
    assert_eq!(value["cn"], "oac-kit origin pull oac-kit-mtls-e2e");
    assert_eq!(value["notAfter"], ours["notAfter"]);
    assert_eq!(listed.len(), 2);
    let is_complete = rig
        .is_complete(&event("Create", &props, Some(PHYSICAL), None))
        .await
        .unwrap();
    assert_eq!(is_complete["IsComplete"], true);

    // The same Create again, and an Update with the same properties: nothing changes.
    let before = changes(&rig).await;
    assert_eq!(
        rig.on_event(&event("Create", &props, None, None))
            .await
            .unwrap(),
        answer
    );
    let same = event("Update", &props, Some(PHYSICAL), Some(&props));
    assert_eq!(rig.on_event(&same).await.unwrap(), answer);
    assert_eq!(changes(&rig).await, before, "a repeat changes nothing");

    // Update: B dropped (let go), C added.
    let new_props = origin_pull_props(&rig, &[A, C]);
    let update = event("Update", &new_props, Some(PHYSICAL), Some(&props));
    assert_eq!(rig.on_event(&update).await.unwrap(), answer);
    assert_eq!(
        associations(&rig),
        BTreeMap::from([
            (A.into(), on(&our_id)),
            (C.into(), on(&our_id)),
            (X.into(), on(&users_cert))
        ])
    );
    let before = changes(&rig).await;
    rig.on_event(&update).await.unwrap();
    assert_eq!(
        changes(&rig).await,
        before,
        "a repeated Update changes nothing"
    );

    // Delete, twice: only the user's certificate, hostname and serial are left.
    let secret = rig.ca_secret().await;
    let delete = event("Delete", &new_props, Some(PHYSICAL), None);
    rig.on_event(&delete).await.unwrap();
    assert_eq!(
        associations(&rig),
        BTreeMap::from([(X.into(), on(&users_cert))])
    );
    let held = rig.cf.aop_certificates();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].0["id"], users_cert.as_str());
    assert_eq!(
        serials(&rig).into_keys().collect::<Vec<_>>(),
        [USER_SERIAL_KEY]
    );
    let before = changes(&rig).await;
    rig.on_event(&delete).await.unwrap();
    assert_eq!(
        changes(&rig).await,
        before,
        "a repeated Delete changes nothing"
    );

    let mut secrets = keys_in(&secret);
    secrets.push(USER_KEY.to_owned());
    let logs = rig.finish_without(&secrets).await;
    assert!(
        logs.iter()
            .any(|l| l.contains("\"kind\":\"OriginPullCertificate\"")),
        "{logs:?}"
    );
}

#[tokio::test]
async fn renewal_walks_issue_list_activate_retire_with_both_serials_listed_during_the_switch() {
    let mut rig = Rig::start(ALL, "60").await;
    let mut props = origin_pull_props(&rig, &[A, B]);
    props["ClientValidityDays"] = json!("30");
    props["RenewBeforeDays"] = json!("10");
    rig.on_event(&event("Create", &props, None, None))
        .await
        .unwrap();
    let first = states(&rig).await;
    let (s1, _, Some(id1)) = first[0].clone() else {
        panic!("{first:?}")
    };
    let key = |s: &str| format!("serial:{s}");

    // Far from expiry: nothing to do, nothing written.
    let before = changes(&rig).await;
    assert_eq!(
        renew_at(&mut rig, &props, "2027-01-10T00:00:00Z").await,
        "Idle"
    );
    assert_eq!(changes(&rig).await, before);

    // (a) Within 10 days of the end (2027-01-31): issue the next certificate, nothing else yet.
    assert_eq!(
        renew_at(&mut rig, &props, "2027-01-22T00:00:00Z").await,
        "Issue"
    );
    let now = states(&rig).await;
    assert_eq!(now.len(), 2);
    let s2 = now[1].0.clone();
    assert_eq!((now[0].1.as_str(), now[1].1.as_str()), ("active", "issued"));
    assert_eq!(serials(&rig).into_keys().collect::<Vec<_>>(), [key(&s1)]);
    assert_eq!(rig.cf.aop_certificates().len(), 1);

    // (b) List: both serials pass; Cloudflare still presents the first.
    assert_eq!(
        renew_at(&mut rig, &props, "2027-01-23T00:00:00Z").await,
        "List"
    );
    let mut both = vec![key(&s1), key(&s2)];
    both.sort();
    assert_eq!(serials(&rig).into_keys().collect::<Vec<_>>(), both);
    assert!(associations(&rig).values().all(|(id, _)| *id == id1));
    // A run right after waits for the store to spread, and changes nothing.
    let before = changes(&rig).await;
    assert_eq!(
        renew_at(&mut rig, &props, "2027-01-23T00:10:00Z").await,
        "Wait"
    );
    assert_eq!(changes(&rig).await, before);

    // (c) Activate: Cloudflare presents the next; both serials still listed.
    assert_eq!(
        renew_at(&mut rig, &props, "2027-01-24T00:00:00Z").await,
        "Activate"
    );
    let now = states(&rig).await;
    let id2 = now[1].2.clone().unwrap();
    assert_ne!(id2, id1);
    assert_eq!(
        (now[0].1.as_str(), now[1].1.as_str()),
        ("retiring", "active")
    );
    assert!(
        associations(&rig)
            .values()
            .all(|(id, on)| *id == id2 && on == &json!(true))
    );
    assert_eq!(associations(&rig).len(), 2);
    assert_eq!(rig.cf.aop_certificates().len(), 2);
    assert_eq!(serials(&rig).into_keys().collect::<Vec<_>>(), both);

    // (d) Retire: only the next is left anywhere.
    assert_eq!(
        renew_at(&mut rig, &props, "2027-01-25T00:00:00Z").await,
        "Retire"
    );
    assert_eq!(
        states(&rig).await,
        [(s2.clone(), "active".to_owned(), Some(id2.clone()))]
    );
    assert_eq!(serials(&rig).into_keys().collect::<Vec<_>>(), [key(&s2)]);
    let held = rig.cf.aop_certificates();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].0["id"], id2.as_str());
    assert_eq!(
        renew_at(&mut rig, &props, "2027-01-26T00:00:00Z").await,
        "Idle"
    );

    // The resource's Data follows: a repeated Update answers the new serial.
    let answer = rig
        .on_event(&event("Update", &props, Some(PHYSICAL), Some(&props)))
        .await
        .unwrap();
    assert_eq!(answer["Data"]["ActiveSerial"], s2.as_str());
    let secret = rig.ca_secret().await;
    rig.finish_without(&keys_in(&secret)).await;
}

#[tokio::test]
async fn an_upload_refused_by_cloudflare_fails_with_its_reason_and_no_key() {
    let reads = [Permission::SslRead, Permission::DnsRead];
    let mut rig = Rig::start(&reads, "60").await;
    let props = origin_pull_props(&rig, &[A]);
    let err = rig
        .on_event(&event("Create", &props, None, None))
        .await
        .unwrap_err();
    assert!(
        err.contains("uploading the client certificate")
            && err.contains("Cloudflare API error 10000: Authentication error (HTTP 403)"),
        "{err}"
    );
    assert!(rig.cf.aop_hostnames().is_empty());
    let secret = rig.ca_secret().await;
    rig.finish_without(&keys_in(&secret)).await;
}

#[tokio::test]
async fn an_unreadable_or_foreign_ca_secret_fails_without_quoting_it() {
    let mut rig = Rig::start(ALL, "60").await;
    let mut props = origin_pull_props(&rig, &[A]);
    props["CaSecretArn"] =
        json!("arn:aws:secretsmanager:eu-west-1:123456789012:secret:oac-kit/missing-AbCdEf");
    let err = rig
        .on_event(&event("Create", &props, None, None))
        .await
        .unwrap_err();
    assert!(err.contains("reading the CA secret"), "{err}");

    const NOT_OURS: &str = "hunter2-not-a-ca-secret-4f9a";
    props["CaSecretArn"] = json!(rig.create_secret("oac-kit/other", NOT_OURS).await);
    let err = rig
        .on_event(&event("Create", &props, None, None))
        .await
        .unwrap_err();
    assert!(err.contains("is not a CA secret"), "{err}");
    assert!(!err.contains(NOT_OURS), "{err}");
    assert_eq!(rig.changes(), 0, "nothing written to Cloudflare");
    assert!(serials(&rig).is_empty());
    rig.finish_without(&[NOT_OURS.to_owned()]).await;
}

#[tokio::test]
async fn a_retry_after_the_store_failed_finishes_with_the_certificate_first_issued() {
    let mut rig = Rig::start(ALL, "60").await;
    let props = origin_pull_props(&rig, &[A]);
    rig.kvs.set_unavailable(true);
    let err = rig
        .on_event(&event("Create", &props, None, None))
        .await
        .unwrap_err();
    assert!(err.contains("KeyValueStore"), "{err}");
    // The CA and the certificate were stored first; nothing reached Cloudflare.
    let first = rig.ca_secret().await;
    assert_eq!(first["certificates"][0]["state"], "issued");
    assert_eq!(rig.changes(), 0);

    rig.kvs.set_unavailable(false);
    let answer = rig
        .on_event(&event("Create", &props, None, None))
        .await
        .unwrap();
    assert_eq!(
        answer["Data"]["ActiveSerial"],
        first["certificates"][0]["serial"]
    );
    assert_eq!(
        answer["Data"]["CaCertificatePem"],
        first["caCertificatePem"]
    );
    assert_eq!(rig.cf.aop_certificates().len(), 1);
    assert_eq!(serials(&rig).len(), 1);
    let secret = rig.ca_secret().await;
    rig.finish_without(&keys_in(&secret)).await;
}

#[tokio::test]
async fn a_hostname_presenting_the_users_certificate_is_refused_by_name() {
    let mut rig = Rig::start(ALL, "60").await;
    let users_cert = seed_users_own(&rig);
    let props = origin_pull_props(&rig, &[A, X]);
    let err = rig
        .on_event(&event("Create", &props, None, None))
        .await
        .unwrap_err();
    assert!(err.contains(X) && err.contains(&users_cert), "{err}");
    assert_eq!(
        associations(&rig),
        BTreeMap::from([(X.into(), (users_cert, json!(true)))]),
        "the user's association is kept"
    );
    // Refused before anything changed: no CA, no upload, no serial.
    assert_eq!(rig.ca_secret().await, json!({}));
    assert_eq!(rig.cf.aop_certificates().len(), 1);
    assert_eq!(
        serials(&rig).into_keys().collect::<Vec<_>>(),
        [USER_SERIAL_KEY]
    );
    rig.finish_without(&[USER_KEY.to_owned()]).await;
}

#[tokio::test]
async fn an_upload_whose_answer_was_lost_is_found_again_by_its_pem_not_uploaded_twice() {
    let mut rig = Rig::start(ALL, "60").await;
    let props = origin_pull_props(&rig, &[A]);
    rig.on_event(&event("Create", &props, None, None))
        .await
        .unwrap();
    let done = rig.ca_secret().await;
    let id = done["certificates"][0]["cloudflareId"].clone();
    // What a run that uploaded but never read Cloudflare's answer left: the certificate at
    // Cloudflare, no id in the secret, no hostname pointed at it yet.
    let mut lost = done.clone();
    lost["certificates"][0]["cloudflareId"] = Value::Null;
    lost["certificates"][0]["state"] = json!("listed");
    rig.put_ca_secret(&lost).await;
    rig.cf.with_zone(|z| z.aop_hostnames.clear());
    let uploads = |rig: &Rig| {
        rig.cf
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    };
    assert_eq!(uploads(&rig), 1);
    let answer = rig
        .on_event(&event("Create", &props, None, None))
        .await
        .unwrap();
    assert_eq!(uploads(&rig), 1, "not uploaded twice");
    assert_eq!(rig.cf.aop_certificates().len(), 1);
    let healed = rig.ca_secret().await;
    assert_eq!(healed["certificates"][0]["cloudflareId"], id);
    assert_eq!(healed["certificates"][0]["state"], "active");
    assert_eq!(
        associations(&rig)[A],
        (id.as_str().unwrap().to_owned(), json!(true))
    );
    assert_eq!(
        answer["Data"]["ActiveSerial"],
        done["certificates"][0]["serial"]
    );
    rig.finish_without(&keys_in(&done)).await;
}
