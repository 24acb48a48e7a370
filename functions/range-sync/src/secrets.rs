//! The origin secret's SecretString from Secrets Manager (`GetSecretValue`). What it holds is
//! judged by [`crate::secret_string`]; no error here quotes it.

use aws_sdk_secretsmanager as sdk;
use aws_sdk_secretsmanager::error::DisplayErrorContext;

/// The SecretString of secret `id` (name or ARN).
pub async fn read_secret_string(client: &sdk::Client, id: &str) -> Result<String, String> {
    let out = client
        .get_secret_value()
        .secret_id(id)
        .send()
        .await
        .map_err(|e| format!("GetSecretValue {id}: {}", DisplayErrorContext(&e)))?;
    out.secret_string()
        .map(str::to_owned)
        .ok_or_else(|| format!("the secret {id} has no SecretString (a binary secret)"))
}
