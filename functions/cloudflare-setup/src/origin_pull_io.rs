//! Kind OriginPullCertificate's I/O at the edges, each step idempotent: the serial keys of the
//! Connection Function's store, and the Cloudflare side (a certificate uploaded once, hostnames
//! pointed at it or let go, a certificate deleted). What to change is decided by
//! [`crate::origin_pull_plan`]; errors say what was being done and never carry a key.

use std::collections::BTreeMap;

use cloudflare_api::{Client, HostnameAop, PrivateKeyPem, ZoneId};
use cloudfront_kvs::{KvsClient, UpdateError};

use mtls_connection_function::SERIAL_KEY_PREFIX;

use crate::origin_pull_plan::{hostname_changes, serial_changes};

/// How often a store write is re-planned after another writer moved its ETag.
const KVS_CONFLICT_RETRIES: u32 = 3;

/// Makes the store hold every item of `listed` (key → value) and none of the keys `forget`;
/// whether anything was written.
pub async fn sync_serials(
    kvs: &KvsClient,
    listed: &BTreeMap<String, String>,
    forget: &[String],
) -> Result<bool, String> {
    for _ in 0..=KVS_CONFLICT_RETRIES {
        let snapshot = kvs
            .read(|key| key.starts_with(SERIAL_KEY_PREFIX))
            .await
            .map_err(|e| format!("reading the Connection Function's KeyValueStore: {e}"))?;
        let (puts, deletes) = serial_changes(listed, forget, &snapshot.items);
        if puts.is_empty() && deletes.is_empty() {
            return Ok(false);
        }
        match kvs.update(&snapshot.etag, &puts, &deletes).await {
            Ok(_) => return Ok(true),
            Err(UpdateError::Conflict) => continue,
            Err(UpdateError::Other(e)) => {
                return Err(format!(
                    "writing the serials to the Connection Function's KeyValueStore: {e}"
                ));
            }
        }
    }
    Err(
        "writing the serials to the Connection Function's KeyValueStore: its ETag kept moving \
         (another writer)"
            .to_owned(),
    )
}

/// The id of the hostname certificate `certificate_pem` in Cloudflare: `known` if Cloudflare
/// still has it, else one Cloudflare already holds with the same PEM (an upload whose answer
/// was lost), else a new upload.
pub async fn ensure_uploaded(
    client: &Client,
    zone: &ZoneId,
    known: Option<&str>,
    certificate_pem: &str,
    private_key: &PrivateKeyPem,
) -> Result<String, String> {
    let listed = client
        .hostname_certificates(zone)
        .await
        .map_err(|e| format!("listing the zone's hostname client certificates: {e}"))?;
    let same_pem = |c: &&cloudflare_api::HostnameCertificate| {
        c.certificate.as_deref().map(str::trim) == Some(certificate_pem.trim())
    };
    if let Some(id) = known.filter(|id| listed.iter().any(|c| c.id() == Some(*id))) {
        return Ok(id.to_owned());
    }
    if let Some(id) = listed.iter().find(same_pem).and_then(|c| c.id()) {
        return Ok(id.to_owned());
    }
    let uploaded = client
        .upload_hostname_certificate(zone, certificate_pem, private_key)
        .await
        .map_err(|e| format!("uploading the client certificate to Cloudflare: {e}"))?;
    Ok(uploaded.id().unwrap_or_default().to_owned())
}

/// Refuses, naming it, a `wanted` hostname that presents a certificate not in `ours` — before
/// anything is changed.
pub async fn refuse_foreign_hostnames(
    client: &Client,
    zone: &ZoneId,
    wanted: &[String],
    ours: &[String],
) -> Result<(), String> {
    let current = associations(client, zone, wanted).await?;
    hostname_changes(wanted, &[], &current, ours, "").map(drop)
}

async fn associations(
    client: &Client,
    zone: &ZoneId,
    hostnames: &[String],
) -> Result<BTreeMap<String, Option<HostnameAop>>, String> {
    let mut current = BTreeMap::new();
    for hostname in hostnames {
        let association = client
            .hostname_aop(zone, hostname)
            .await
            .map_err(|e| format!("reading the Authenticated Origin Pulls of {hostname}: {e}"))?;
        current.insert(hostname.clone(), association);
    }
    Ok(current)
}

/// Points every `wanted` hostname at `target` (enabled) and voids our association on every
/// `dropped` one, in one `PUT` (none when all is already so); whether anything was written.
pub async fn point_hostnames(
    client: &Client,
    zone: &ZoneId,
    wanted: &[String],
    dropped: &[String],
    ours: &[String],
    target: &str,
) -> Result<bool, String> {
    let all: Vec<String> = wanted.iter().chain(dropped).cloned().collect();
    let current = associations(client, zone, &all).await?;
    let changes = hostname_changes(wanted, dropped, &current, ours, target)?;
    if changes.is_empty() {
        return Ok(false);
    }
    client
        .set_hostname_aop(zone, &changes)
        .await
        .map_err(|e| format!("setting the hostnames' Authenticated Origin Pulls: {e}"))?;
    Ok(true)
}

/// Deletes those of the hostname certificates `ids` Cloudflare still has (none is sent twice:
/// a repeated event writes nothing).
pub async fn delete_certificates(
    client: &Client,
    zone: &ZoneId,
    ids: &[String],
) -> Result<(), String> {
    let listed = client
        .hostname_certificates(zone)
        .await
        .map_err(|e| format!("listing the zone's hostname client certificates: {e}"))?;
    for id in ids
        .iter()
        .filter(|id| listed.iter().any(|c| c.id() == Some(id.as_str())))
    {
        client
            .delete_hostname_certificate(zone, id)
            .await
            .map_err(|e| format!("deleting the client certificate {id} from Cloudflare: {e}"))?;
    }
    Ok(())
}
