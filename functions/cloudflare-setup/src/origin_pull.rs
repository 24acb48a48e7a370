//! Kind OriginPullCertificate: the CA of viewer mTLS and the client certificate Cloudflare
//! presents to CloudFront (per-hostname Authenticated Origin Pulls). Physical id
//! `origin-pull:<Ref>`; Data `CaCertificatePem`, `CaSha256`, `ActiveSerial` (public only).
//!
//! - **Create / Update** ([`on_event`]): the CA (unless the secret holds one) and a first client
//!   certificate, stored in the CA secret *before* anything outside it changes (a retry finds
//!   the same certificate); its serial in the Connection Function's store; the certificate
//!   uploaded to Cloudflare; every hostname pointed at it with AOP on. A step already done is
//!   not done again, so a repeated event writes nothing. An Update lets go of the hostnames it
//!   dropped (only those presenting one of our certificates).
//! - **Delete**: AOP voided on our hostnames, our certificates deleted from Cloudflare, our
//!   serials deleted from the store. The secret is CDK's (CloudFormation deletes it).
//! - **Renew** ([`crate::origin_pull_renew`], `CR_PHASE=renew`): one step of
//!   `origin_pull_ca::renewal::plan` per scheduled run.
//!
//! No key or token reaches a log line, an error or Data.

use std::collections::BTreeMap;

use origin_pull_ca::secret::{CaSecret, CertState};
use serde_json::Map;
use time::OffsetDateTime;

use crate::event::{Event, OnEventAnswer, RequestType};
use crate::handler::Env;
use crate::origin_pull_io::{
    delete_certificates, point_hostnames, refuse_foreign_hostnames, sync_serials,
};
use crate::origin_pull_props::OriginPullProps;
use crate::origin_pull_state::{
    active, io, listed, new_ca, our_ids, public_data, read_secret, set_state, upload, write_secret,
};
use crate::props::{Props, parse};

/// onEvent.
pub async fn on_event(
    env: &Env,
    event: &Event,
    props: &OriginPullProps,
    now: OffsetDateTime,
) -> Result<OnEventAnswer, String> {
    let physical_id = props.physical_id();
    if event.request_type == RequestType::Delete {
        // Not ours when the id differs (a Create that failed before answering).
        if event.physical_resource_id.as_deref() == Some(physical_id.as_str()) {
            delete(env, props).await?;
        }
        return Ok(OnEventAnswer {
            physical_resource_id: event.physical_resource_id.clone().unwrap_or(physical_id),
            data: Map::new(),
        });
    }
    let old = match event.old_resource_properties.as_ref().map(parse) {
        Some(Ok(Props::OriginPull(old))) => Some(old),
        _ => None,
    };
    if let Some(reason) = old.as_ref().and_then(|old| replacement_refusal(old, props)) {
        return Err(reason);
    }
    let dropped: Vec<String> = old
        .map(|o| o.hostnames)
        .unwrap_or_default()
        .into_iter()
        .filter(|h| !props.hostnames.contains(h))
        .collect();
    let secret = ensure(env, props, &dropped, now).await?;
    Ok(OnEventAnswer {
        physical_resource_id: physical_id,
        data: public_data(&secret),
    })
}

/// What an Update may not change in place: the zone or the CA secret under the same `Ref` (the
/// old one's certificates and hostnames would be left behind), or the `Ref` with the same CA
/// secret (CloudFormation's Delete of the old resource would take the new one's certificates).
pub fn replacement_refusal(old: &OriginPullProps, new: &OriginPullProps) -> Option<String> {
    let same_ref = old.owner_ref == new.owner_ref;
    if same_ref && old.zone_id != new.zone_id {
        return Some("ZoneId cannot change in place: give the resource a new Ref".to_owned());
    }
    if same_ref && old.ca_secret_arn != new.ca_secret_arn {
        return Some("CaSecretArn cannot change in place: give the resource a new Ref".to_owned());
    }
    if !same_ref && old.ca_secret_arn == new.ca_secret_arn {
        return Some(
            "Ref cannot change with the same CaSecretArn (the old resource's Delete would remove \
             the new one's certificates): give it a new CA secret too"
                .to_owned(),
        );
    }
    None
}

/// Create and Update: every step up to an active certificate presented on every hostname, each
/// skipped when already done; a hostname held by another certificate refuses before anything
/// changes. The first certificate goes live at once (nothing presents one
/// yet); later ones only through `renew`.
async fn ensure(
    env: &Env,
    props: &OriginPullProps,
    dropped: &[String],
    now: OffsetDateTime,
) -> Result<CaSecret, String> {
    let io = io(env, props).await?;
    let stored = read_secret(env, props).await?;
    let ours = stored.as_ref().map(our_ids).unwrap_or_default();
    refuse_foreign_hostnames(&io.cloudflare, &props.zone_id, &props.hostnames, &ours).await?;
    let mut secret = match stored {
        Some(secret) => secret,
        None => {
            let secret = new_ca(props, now)?;
            write_secret(env, props, &secret).await?;
            secret
        }
    };
    if secret.certificates.is_empty() {
        return Err("the CA secret holds a CA but no client certificate".to_owned());
    }
    let index = match active(&secret) {
        Some(index) => index,
        None => {
            let first = secret.certificates.len() - 1;
            sync_serials(&io.kvs, &listed(&secret, Some(first))?, &[]).await?;
            if secret.certificates[first].state == CertState::Issued {
                set_state(&mut secret, first, CertState::Listed, now);
                write_secret(env, props, &secret).await?;
            }
            first
        }
    };
    sync_serials(&io.kvs, &listed(&secret, None)?, &[]).await?;
    let id = upload(env, props, &io, &mut secret, index).await?;
    point_hostnames(
        &io.cloudflare,
        &props.zone_id,
        &props.hostnames,
        dropped,
        &our_ids(&secret),
        &id,
    )
    .await?;
    if secret.certificates[index].state != CertState::Active {
        set_state(&mut secret, index, CertState::Active, now);
        write_secret(env, props, &secret).await?;
    }
    Ok(secret)
}

/// Delete: our hostnames let go, our certificates out of Cloudflare and our serials out of the
/// store; nothing else.
async fn delete(env: &Env, props: &OriginPullProps) -> Result<(), String> {
    let Some(secret) = read_secret(env, props).await? else {
        return Ok(());
    };
    let io = io(env, props).await?;
    let ours = our_ids(&secret);
    point_hostnames(
        &io.cloudflare,
        &props.zone_id,
        &[],
        &props.hostnames,
        &ours,
        "",
    )
    .await?;
    delete_certificates(&io.cloudflare, &props.zone_id, &ours).await?;
    let keys: Vec<String> = secret
        .certificates
        .iter()
        .map(|c| c.serial.kvs_key())
        .collect();
    sync_serials(&io.kvs, &BTreeMap::new(), &keys).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(owner_ref: &str, secret: &str, zone: &str) -> OriginPullProps {
        OriginPullProps {
            zone_id: cloudflare_api::ZoneId::parse(zone).unwrap(),
            hostnames: vec!["a.example.com".to_owned()],
            api_token_secret_arn: "t".to_owned(),
            ca_secret_arn: secret.to_owned(),
            kvs_arn: "k".to_owned(),
            client_validity_days: 90,
            renew_before_days: 30,
            owner_ref: owner_ref.to_owned(),
        }
    }

    const Z1: &str = "023e105f4ecef8ad9ca31a8372d0c353";
    const Z2: &str = "123e105f4ecef8ad9ca31a8372d0c353";

    #[test]
    fn an_update_in_place_keeps_zone_and_secret_under_one_ref() {
        let old = props("r1", "s1", Z1);
        assert_eq!(replacement_refusal(&old, &old), None);
        let refusal = |new| replacement_refusal(&old, &new).unwrap();
        assert!(refusal(props("r1", "s1", Z2)).contains("ZoneId"));
        assert!(refusal(props("r1", "s2", Z1)).contains("CaSecretArn"));
        assert!(refusal(props("r2", "s1", Z1)).contains("Ref cannot change"));
        assert_eq!(replacement_refusal(&old, &props("r2", "s2", Z2)), None);
    }
}
