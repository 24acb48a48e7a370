//! `CR_PHASE=renew` of Kind OriginPullCertificate: at most one step of
//! `origin_pull_ca::renewal::plan` per scheduled run, carried out, then recorded in the CA
//! secret (contract 6): (a) `Issue` the next certificate; (b) `List` its serial — both pass the
//! Connection Function; (c) `Activate`: upload it to Cloudflare and point the hostnames at it;
//! (d) `Retire` the old one from the store and from Cloudflare. The plan's waits (a serial
//! listed, or a certificate retired, too recently) are `Wait`. The answer: `{"Step", "Data"}`.

use origin_pull_ca::renewal::{self, Policy, Step};
use origin_pull_ca::secret::CaSecret;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::handler::Env;
use crate::origin_pull_io::{delete_certificates, point_hostnames, sync_serials};
use crate::origin_pull_props::OriginPullProps;
use crate::origin_pull_state::{
    io, listed, our_ids, public_data, read_secret, restore, upload, write_secret,
};

/// One renewal run at `now`.
pub async fn renew(
    env: &Env,
    props: &OriginPullProps,
    now: OffsetDateTime,
) -> Result<Value, String> {
    let mut secret = read_secret(env, props)
        .await?
        .ok_or("the CA secret holds no CA yet: nothing to renew before the resource's Create")?;
    let policy = Policy::from_days(props.client_validity_days, props.renew_before_days)
        .map_err(|e| e.to_string())?;
    let step = renewal::plan(&secret, now, &policy).map_err(|e| format!("renewal: {e}"))?;
    let name = match &step {
        Step::Idle => "Idle",
        Step::Wait { .. } => "Wait",
        Step::Issue { .. } => "Issue",
        Step::List { .. } => "List",
        Step::Activate { .. } => "Activate",
        Step::Retire { .. } => "Retire",
    };
    take(env, props, &mut secret, &step, now).await?;
    Ok(json!({"Step": name, "Data": public_data(&secret)}))
}

/// Carries `step` out and records it in the secret.
async fn take(
    env: &Env,
    props: &OriginPullProps,
    secret: &mut CaSecret,
    step: &Step,
    now: OffsetDateTime,
) -> Result<(), String> {
    let index = |serial: &origin_pull_ca::Serial| {
        secret
            .certificates
            .iter()
            .position(|c| &c.serial == serial)
            .ok_or_else(|| format!("renewal: {serial} is not in the CA secret"))
    };
    match step {
        Step::Idle | Step::Wait { .. } => return Ok(()),
        Step::Issue {
            subject_cn,
            validity,
        } => {
            let ca = restore(secret)?;
            let next = ca
                .issue_client(subject_cn, *validity)
                .map_err(|e| format!("issuing the next client certificate: {e}"))?;
            renewal::record_issued(secret, next, now);
            return write_secret(env, props, secret).await;
        }
        Step::List { serial } => {
            let at = index(serial)?;
            let io = io(env, props).await?;
            sync_serials(&io.kvs, &listed(secret, Some(at))?, &[]).await?;
        }
        Step::Activate { next, .. } => {
            let at = index(next)?;
            let io = io(env, props).await?;
            let id = upload(env, props, &io, secret, at).await?;
            point_hostnames(
                &io.cloudflare,
                &props.zone_id,
                &props.hostnames,
                &[],
                &our_ids(secret),
                &id,
            )
            .await?;
        }
        Step::Retire { serial } => {
            let at = index(serial)?;
            let io = io(env, props).await?;
            let mut keep = listed(secret, None)?;
            keep.remove(&serial.kvs_key());
            sync_serials(&io.kvs, &keep, &[serial.kvs_key()]).await?;
            let id = secret.certificates[at].cloudflare_id.clone();
            delete_certificates(&io.cloudflare, &props.zone_id, id.as_slice()).await?;
        }
    }
    renewal::apply(secret, step, now).map_err(|e| format!("renewal: {e}"))?;
    write_secret(env, props, secret).await
}
