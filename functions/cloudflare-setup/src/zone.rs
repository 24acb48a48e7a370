//! Kind Zone: the physical id is `cloudflare-zone:<ZoneId>:<RuleRef>`. Create and Update: the
//! SSL mode (refused unless Full (strict), or set when `SslMode=set-strict`), every record planned
//! before anything changes (a record oac-kit did not create refuses, naming it), the rule with the
//! secret's value, then the records (names dropped by an Update lose their records). Delete: this
//! resource's records and its rule, nothing else (the SSL mode stays).

use cloudflare_api::{Client, OriginSecretRule};

use crate::event::{Event, OnEventAnswer, RequestType};
use crate::handler::Env;
use crate::props::{Props, SslMode, ZoneProps, parse};
use crate::records::{self, Policy, Wanted, comment};
use crate::secret_value::rule_value;
use crate::secrets::{api_token, origin_secret_string};
use crate::zone_io;

/// The SSL mode the zone must have.
pub const STRICT: &str = "strict";

/// The comment of this resource's proxied records.
pub fn record_comment(props: &ZoneProps) -> String {
    comment(&format!("proxied {}", props.rule_ref))
}

/// onEvent.
pub async fn on_event(
    env: &Env,
    event: &Event,
    props: &ZoneProps,
) -> Result<OnEventAnswer, String> {
    let physical_id = props.physical_id();
    let answer = |id: &str| OnEventAnswer {
        physical_resource_id: id.to_owned(),
        data: Default::default(),
    };
    if event.request_type == RequestType::Delete {
        if event.physical_resource_id.as_deref() != Some(physical_id.as_str()) {
            // Not a resource this function made (a Create that failed before answering).
            return Ok(answer(
                event.physical_resource_id.as_deref().unwrap_or_default(),
            ));
        }
        let client = cloudflare(env, props).await?;
        plan_and_apply(&client, props, &[], &props.hostnames).await?;
        client
            .delete_origin_secret_rule(&props.zone_id, &props.rule_ref)
            .await
            .map_err(|e| format!("deleting the origin-secret rule {}: {e}", props.rule_ref))?;
        return Ok(answer(&physical_id));
    }
    let client = cloudflare(env, props).await?;
    ssl(&client, props).await?;
    let wanted: Vec<Wanted> = props
        .hostnames
        .iter()
        .map(|h| Wanted {
            name: h.clone(),
            content: props.distribution_domain_name.clone(),
            proxied: true,
        })
        .collect();
    let dropped = dropped_names(event, props);
    // Planned (and refused) before the rule changes; applied after it.
    let actions = plan(&client, props, &wanted, &dropped).await?;
    match &props.origin_secret {
        Some(secret) => {
            let value = rule_value(&origin_secret_string(&env.secrets, &secret.arn).await?)?;
            let rule = OriginSecretRule {
                rule_ref: props.rule_ref.clone(),
                hostnames: props.hostnames.clone(),
                header: secret.header.clone(),
                value,
            };
            client
                .upsert_origin_secret_rule(&props.zone_id, &rule)
                .await
                .map_err(|e| format!("writing the origin-secret rule {}: {e}", props.rule_ref))?;
        }
        // No origin secret (viewer mTLS alone): a rule of ours left from before would send a
        // secret nothing checks any more; remove it.
        None => client
            .delete_origin_secret_rule(&props.zone_id, &props.rule_ref)
            .await
            .map_err(|e| format!("deleting the origin-secret rule {}: {e}", props.rule_ref))?,
    }
    zone_io::apply(&client, &props.zone_id, &actions).await?;
    Ok(answer(&physical_id))
}

async fn cloudflare(env: &Env, props: &ZoneProps) -> Result<Client, String> {
    zone_io::client(
        &env.cloudflare_base,
        api_token(&env.secrets, &props.api_token_secret_arn).await?,
    )
}

async fn ssl(client: &Client, props: &ZoneProps) -> Result<(), String> {
    let mode = client
        .ssl_mode(&props.zone_id)
        .await
        .map_err(|e| format!("reading the zone's SSL/TLS mode: {e}"))?;
    match (mode.as_str(), props.ssl_mode) {
        (STRICT, _) => Ok(()),
        (_, SslMode::SetStrict) => client
            .set_ssl_mode(&props.zone_id, STRICT)
            .await
            .map_err(|e| format!("setting the zone's SSL/TLS mode to Full (strict): {e}")),
        (other, SslMode::RequireStrict) => Err(format!(
            "the zone's SSL/TLS encryption mode is {other:?}, not Full (strict) (\"strict\"): CloudFront \
             would be reached without certificate checks; set it to Full (strict) in the dashboard, \
             or set sslMode 'set-strict'"
        )),
    }
}

/// The names an Update dropped (same zone and rule ref; otherwise the physical id changed and
/// CloudFormation deletes the old resource with its own properties).
fn dropped_names(event: &Event, props: &ZoneProps) -> Vec<String> {
    match event.old_resource_properties.as_ref().map(parse) {
        Some(Ok(Props::Zone(old))) if old.physical_id() == props.physical_id() => old
            .hostnames
            .into_iter()
            .filter(|h| !props.hostnames.contains(h))
            .collect(),
        _ => Vec::new(),
    }
}

async fn plan(
    client: &Client,
    props: &ZoneProps,
    wanted: &[Wanted],
    dropped: &[String],
) -> Result<Vec<records::Action>, String> {
    let names: Vec<&str> = wanted
        .iter()
        .map(|w| w.name.as_str())
        .chain(dropped.iter().map(String::as_str))
        .collect();
    let existing = zone_io::records_at(client, &props.zone_id, &names).await?;
    records::plan(
        wanted,
        dropped,
        &existing,
        &record_comment(props),
        Policy::Exclusive,
    )
}

async fn plan_and_apply(
    client: &Client,
    props: &ZoneProps,
    wanted: &[Wanted],
    dropped: &[String],
) -> Result<(), String> {
    let actions = plan(client, props, wanted, dropped).await?;
    zone_io::apply(client, &props.zone_id, &actions).await
}
