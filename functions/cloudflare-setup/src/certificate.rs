//! Kind Certificate: the physical id is the certificate's ARN. Create (and an Update that
//! changes the hostnames or the zone) requests a certificate; isComplete writes the validation
//! CNAMEs ACM asks for and waits for ISSUED; Delete removes this certificate's validation
//! records, then the certificate.

use crate::acm;
use crate::acm_state::{self, Progress, is_certificate_arn, validation_comment, validation_prefix};
use crate::event::{Event, IsCompleteAnswer, OnEventAnswer, RequestType, data};
use crate::handler::Env;
use crate::props::{CertificateProps, Props, parse};
use crate::records::{self, Policy};
use crate::secrets::api_token;
use crate::zone_io;

/// onEvent.
pub async fn on_event(
    env: &Env,
    event: &Event,
    props: &CertificateProps,
) -> Result<OnEventAnswer, String> {
    let current = event
        .physical_resource_id
        .as_deref()
        .filter(|id| is_certificate_arn(id));
    let arn = match (event.request_type, current) {
        (RequestType::Delete, None) => {
            return Ok(answer(
                event.physical_resource_id.as_deref().unwrap_or_default(),
            ));
        }
        (RequestType::Delete, Some(arn)) => {
            delete(env, props, arn).await?;
            arn.to_owned()
        }
        (RequestType::Update, Some(arn)) if !needs_new(event, props) => arn.to_owned(),
        _ => {
            let token = acm_state::idempotency_token(
                &event.stack_id,
                &event.logical_resource_id,
                &props.hostnames,
            );
            acm::request(&env.acm, &props.hostnames, &token).await?
        }
    };
    Ok(answer(&arn))
}

/// isComplete.
pub async fn is_complete(
    env: &Env,
    event: &Event,
    props: &CertificateProps,
) -> Result<IsCompleteAnswer, String> {
    let arn = event.physical_resource_id.as_deref().unwrap_or_default();
    if event.request_type == RequestType::Delete {
        return Ok(IsCompleteAnswer {
            is_complete: true,
            data: Default::default(),
        });
    }
    if !is_certificate_arn(arn) {
        return Err(format!(
            "isComplete without a certificate ARN as the physical id ({arn:?})"
        ));
    }
    let view = acm::describe(&env.acm, arn)
        .await?
        .ok_or_else(|| format!("the ACM certificate {arn} no longer exists"))?;
    let progress = acm_state::progress(&view);
    if let Progress::Failed(reason) = progress {
        return Err(format!("{arn}: {reason}"));
    }
    let wanted = acm_state::validation_wanted(&view);
    if !wanted.is_empty() {
        let client = zone_io::client(
            &env.cloudflare_base,
            api_token(&env.secrets, &props.api_token_secret_arn).await?,
        )?;
        let names: Vec<&str> = wanted.iter().map(|w| w.name.as_str()).collect();
        let existing = zone_io::records_at(&client, &props.zone_id, &names).await?;
        let prefix = validation_prefix();
        let policy = Policy::Validation {
            adopt_prefix: &prefix,
        };
        let actions = records::plan(&wanted, &[], &existing, &validation_comment(arn), policy)?;
        zone_io::apply(&client, &props.zone_id, &actions).await?;
    }
    let all_records = view.validation.iter().all(Option::is_some);
    Ok(IsCompleteAnswer {
        is_complete: progress == Progress::Issued && all_records,
        data: data("CertificateArn", arn),
    })
}

fn answer(arn: &str) -> OnEventAnswer {
    OnEventAnswer {
        physical_resource_id: arn.to_owned(),
        data: data("CertificateArn", arn),
    }
}

/// An Update needs a new certificate when the hostnames or the zone changed.
fn needs_new(event: &Event, props: &CertificateProps) -> bool {
    match event.old_resource_properties.as_ref().map(parse) {
        Some(Ok(Props::Certificate(old))) => {
            old.hostnames != props.hostnames || old.zone_id != props.zone_id
        }
        _ => true,
    }
}

async fn delete(env: &Env, props: &CertificateProps, arn: &str) -> Result<(), String> {
    let Some(view) = acm::describe(&env.acm, arn).await? else {
        return Ok(());
    };
    let give_up: Vec<String> = acm_state::validation_wanted(&view)
        .into_iter()
        .map(|w| w.name)
        .collect();
    if !give_up.is_empty() {
        let client = zone_io::client(
            &env.cloudflare_base,
            api_token(&env.secrets, &props.api_token_secret_arn).await?,
        )?;
        let names: Vec<&str> = give_up.iter().map(String::as_str).collect();
        let existing = zone_io::records_at(&client, &props.zone_id, &names).await?;
        let actions = records::plan(
            &[],
            &give_up,
            &existing,
            &validation_comment(arn),
            Policy::Exclusive,
        )?;
        zone_io::apply(&client, &props.zone_id, &actions).await?;
    }
    acm::delete(&env.acm, arn).await
}
