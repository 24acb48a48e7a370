//! What the OriginPullCertificate tests read back: the stand-ins' certificates, hostnames and
//! serials, the secret's keys, the change counts; the renewal runs and the certificates' states.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::rig::*;

pub const A: &str = "a.example.com";
pub const B: &str = "b.example.com";
pub const C: &str = "c.example.com";
pub const X: &str = "x.example.com";
pub const PHYSICAL: &str = "origin-pull:oac-kit-mtls-e2e";
/// The user's own certificate and key (must survive every event).
pub const USER_CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBusers\n-----END CERTIFICATE-----\n";
pub const USER_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEusers\n-----END PRIVATE KEY-----\n";
/// A serial the user listed by hand.
pub const USER_SERIAL_KEY: &str = "serial:7e57";

/// The user's own certificate on X, and a serial of theirs in the store.
pub fn seed_users_own(rig: &Rig) -> String {
    let id = rig.cf.with_zone(|z| {
        let (_, answer) =
            z.upload_aop_certificate(&json!({"certificate": USER_CERT, "private_key": USER_KEY}));
        let id = answer["result"]["id"].as_str().unwrap().to_owned();
        z.put_aop_hostnames(&json!({"config": [{"hostname": X, "cert_id": id, "enabled": true}]}));
        id
    });
    rig.kvs.with_store(|store| {
        let etag = store.etag().to_owned();
        store
            .update(&etag, &[(USER_SERIAL_KEY.to_owned(), "{}".to_owned())], &[])
            .unwrap();
    });
    id
}

/// The store's `serial:` keys and values.
pub fn serials(rig: &Rig) -> BTreeMap<String, String> {
    rig.kvs
        .store()
        .items()
        .filter(|(k, _)| k.starts_with("serial:"))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// hostname → (cert_id, enabled).
pub fn associations(rig: &Rig) -> BTreeMap<String, (String, Value)> {
    rig.cf
        .aop_hostnames()
        .into_iter()
        .map(|(h, a)| {
            (
                h,
                (
                    a["cert_id"].as_str().unwrap().to_owned(),
                    a["enabled"].clone(),
                ),
            )
        })
        .collect()
}

/// Every private key the CA secret holds (the CA's and each certificate's).
pub fn keys_in(secret: &Value) -> Vec<String> {
    let mut keys = vec![secret["caPrivateKeyPem"].as_str().unwrap().to_owned()];
    for cert in secret["certificates"].as_array().unwrap() {
        keys.push(cert["privateKeyPem"].as_str().unwrap().to_owned());
    }
    keys
}

/// Everything that counts as a change: Cloudflare writes, store writes, the secret.
pub async fn changes(rig: &Rig) -> (usize, usize, Value) {
    (
        rig.changes(),
        rig.kvs.count(kvs_standin::Operation::UpdateKeys),
        rig.ca_secret().await,
    )
}

pub fn assert_public(data: &Value) {
    let mut keys: Vec<&String> = data.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["ActiveSerial", "CaCertificatePem", "CaSha256"]);
    let pem = data["CaCertificatePem"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(
        data["CaSha256"],
        hex::encode(Sha256::digest(pem.as_bytes()))
    );
    assert!(!data.to_string().contains("PRIVATE KEY"));
}

/// One `renew` run at `now`: its step.
pub async fn renew_at(rig: &mut Rig, props: &Value, now: &str) -> String {
    rig.set_now(now);
    let answer = rig.renew(props).await.unwrap();
    answer["Step"].as_str().unwrap().to_owned()
}

/// (serial, state, cloudflareId) of each certificate in the secret.
pub async fn states(rig: &Rig) -> Vec<(String, String, Option<String>)> {
    rig.ca_secret().await["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["serial"].as_str().unwrap().to_owned(),
                c["state"].as_str().unwrap().to_owned(),
                c["cloudflareId"].as_str().map(str::to_owned),
            )
        })
        .collect()
}
