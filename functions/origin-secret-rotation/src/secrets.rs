//! Secrets Manager, as the steps use it: DescribeSecret, GetSecretValue by stage or version,
//! PutSecretValue of the pending version, UpdateSecretVersionStage. No error quotes a value.

use std::collections::HashMap;

use aws_sdk_secretsmanager as sdk;
use aws_sdk_secretsmanager::error::DisplayErrorContext;

use crate::event::{AWSCURRENT, AWSPENDING};
use crate::log::Failure;

/// The Secrets Manager client.
#[derive(Debug, Clone)]
pub struct SecretsManager {
    client: sdk::Client,
}

fn failed(call: &str, e: impl std::error::Error) -> Failure {
    Failure::new(
        "secrets-manager",
        format!("{call}: {}", DisplayErrorContext(&e)),
    )
}

impl SecretsManager {
    /// A client from the SDK's configuration; `endpoint` (tests) replaces the service's URL.
    pub fn new(sdk_config: &aws_config::SdkConfig, endpoint: Option<&str>) -> Self {
        let mut config = sdk::config::Builder::from(sdk_config);
        if let Some(url) = endpoint {
            config = config.endpoint_url(url);
        }
        Self {
            client: sdk::Client::from_conf(config.build()),
        }
    }

    /// The SDK client (for range-sync's reader of AWSCURRENT and AWSPENDING).
    pub fn client(&self) -> &sdk::Client {
        &self.client
    }

    /// Whether rotation is enabled, and the stages of each version.
    pub async fn describe(
        &self,
        id: &str,
    ) -> Result<(bool, HashMap<String, Vec<String>>), Failure> {
        let out = self
            .client
            .describe_secret()
            .secret_id(id)
            .send()
            .await
            .map_err(|e| failed("DescribeSecret", e))?;
        let versions = out.version_ids_to_stages().cloned().unwrap_or_default();
        Ok((out.rotation_enabled().unwrap_or(false), versions))
    }

    /// The SecretString of `stage` (of version `version` if given); `None` when no such value.
    pub async fn value(
        &self,
        id: &str,
        version: Option<&str>,
        stage: &str,
    ) -> Result<Option<String>, Failure> {
        let out = self
            .client
            .get_secret_value()
            .secret_id(id)
            .set_version_id(version.map(str::to_owned))
            .version_stage(stage)
            .send()
            .await;
        match out {
            Ok(out) => out
                .secret_string()
                .map(|s| Some(s.to_owned()))
                .ok_or_else(|| {
                    Failure::new("secrets-manager", format!("{stage} has no SecretString"))
                }),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(failed(&format!("GetSecretValue ({stage})"), e)),
        }
    }

    /// AWSCURRENT's SecretString, which must exist.
    pub async fn current(&self, id: &str) -> Result<String, Failure> {
        self.value(id, None, AWSCURRENT)
            .await?
            .ok_or_else(|| Failure::new("secrets-manager", "the secret has no AWSCURRENT value"))
    }

    /// The pending version's SecretString, which must exist (createSecret ran).
    pub async fn pending(&self, id: &str, token: &str) -> Result<String, Failure> {
        self.value(id, Some(token), AWSPENDING)
            .await?
            .ok_or_else(|| {
                Failure::new(
                    "secrets-manager",
                    "the AWSPENDING version has no value (createSecret did not run)",
                )
            })
    }

    /// Puts `secret_string` as version `token`, staged AWSPENDING.
    pub async fn put_pending(
        &self,
        id: &str,
        token: &str,
        secret_string: &str,
    ) -> Result<(), Failure> {
        self.client
            .put_secret_value()
            .secret_id(id)
            .client_request_token(token)
            .secret_string(secret_string)
            .version_stages(AWSPENDING)
            .send()
            .await
            .map_err(|e| failed("PutSecretValue", e))?;
        Ok(())
    }

    /// Moves `stage` to version `to` (from `from`, if given), or only removes it from `from`.
    pub async fn move_stage(
        &self,
        id: &str,
        stage: &str,
        to: Option<&str>,
        from: Option<&str>,
    ) -> Result<(), Failure> {
        self.client
            .update_secret_version_stage()
            .secret_id(id)
            .version_stage(stage)
            .set_move_to_version_id(to.map(str::to_owned))
            .set_remove_from_version_id(from.map(str::to_owned))
            .send()
            .await
            .map_err(|e| failed(&format!("UpdateSecretVersionStage ({stage})"), e))?;
        Ok(())
    }
}
