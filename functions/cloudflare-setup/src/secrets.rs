//! Secrets Manager: the Cloudflare token, the origin secret (AWSPENDING's while a rotation is
//! pending, else AWSCURRENT's), and the CA's secret (read and written whole). No error quotes a
//! SecretString.

use aws_sdk_secretsmanager as sdk;
use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata};
use cloudflare_api::ApiToken;

/// The token: the secret's SecretString, surrounding whitespace trimmed.
pub async fn api_token(client: &sdk::Client, arn: &str) -> Result<ApiToken, String> {
    let text = read(client, arn, None)
        .await?
        .ok_or_else(|| format!("the secret {arn} has no AWSCURRENT version"))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(format!(
            "the secret {arn} is empty (the Cloudflare API token expected)"
        ));
    }
    Ok(ApiToken::new(token.to_owned()))
}

/// The origin secret's SecretString: AWSPENDING's if a rotation is pending, else AWSCURRENT's.
pub async fn origin_secret_string(client: &sdk::Client, arn: &str) -> Result<String, String> {
    if let Some(pending) = read(client, arn, Some("AWSPENDING")).await? {
        return Ok(pending);
    }
    current_string(client, arn).await
}

/// The SecretString of `arn` (AWSCURRENT).
pub async fn current_string(client: &sdk::Client, arn: &str) -> Result<String, String> {
    read(client, arn, None)
        .await?
        .ok_or_else(|| format!("the secret {arn} has no AWSCURRENT version"))
}

/// A new AWSCURRENT version of `arn` with `secret_string`.
pub async fn put_string(
    client: &sdk::Client,
    arn: &str,
    secret_string: String,
) -> Result<(), String> {
    client
        .put_secret_value()
        .secret_id(arn)
        .secret_string(secret_string)
        .send()
        .await
        .map(drop)
        .map_err(|e| format!("PutSecretValue {arn}: {}", DisplayErrorContext(&e)))
}

/// The SecretString of `arn` at `stage` (default AWSCURRENT); `None` if no version has it.
async fn read(
    client: &sdk::Client,
    arn: &str,
    stage: Option<&str>,
) -> Result<Option<String>, String> {
    let answer = client
        .get_secret_value()
        .secret_id(arn)
        .set_version_stage(stage.map(str::to_owned))
        .send()
        .await;
    match answer {
        Ok(out) => out
            .secret_string()
            .map(|s| Some(s.to_owned()))
            .ok_or_else(|| format!("the secret {arn} has no SecretString (a binary secret)")),
        Err(e) if stage.is_some() && e.code() == Some("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(format!("GetSecretValue {arn}: {}", DisplayErrorContext(&e))),
    }
}
