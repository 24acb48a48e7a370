//! The origin secret's SecretStrings from Secrets Manager (`GetSecretValue` of AWSCURRENT, and of
//! AWSPENDING when a rotation has staged one). What they hold is judged by
//! [`crate::secret_string`]; no error here quotes them.

use aws_sdk_secretsmanager as sdk;
use aws_sdk_secretsmanager::error::DisplayErrorContext;

use crate::secret_string::SecretStrings;

/// The stage of the version in use.
pub const AWSCURRENT: &str = "AWSCURRENT";
/// The stage a rotation gives its new version until it is promoted.
pub const AWSPENDING: &str = "AWSPENDING";

/// AWSCURRENT's SecretString of secret `id` (name or ARN), and AWSPENDING's if there is one.
pub async fn read_secret_strings(client: &sdk::Client, id: &str) -> Result<SecretStrings, String> {
    let current = read_stage(client, id, AWSCURRENT)
        .await?
        .ok_or_else(|| format!("GetSecretValue {id}: the secret has no AWSCURRENT version"))?;
    let pending = read_stage(client, id, AWSPENDING).await?;
    Ok(SecretStrings { current, pending })
}

/// The SecretString of stage `stage` (named, never left to a default version); `None` when no
/// version has AWSPENDING.
async fn read_stage(client: &sdk::Client, id: &str, stage: &str) -> Result<Option<String>, String> {
    let label = stage;
    let out = match client
        .get_secret_value()
        .secret_id(id)
        .version_stage(stage)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e)
            if stage == AWSPENDING
                && e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            return Ok(None);
        }
        Err(e) => {
            return Err(format!(
                "GetSecretValue {id} ({label}): {}",
                DisplayErrorContext(&e)
            ));
        }
    };
    out.secret_string()
        .map(|s| Some(s.to_owned()))
        .ok_or_else(|| format!("the secret {id} ({label}) has no SecretString (a binary secret)"))
}
