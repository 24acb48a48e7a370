//! The four steps (the I/O edges around [`crate::event`]'s pure checks). Each is harmless to
//! repeat, and none drops the old secret's hash before finishSecret.

use cloudflare_api::{ApiToken, Client, OriginSecretRule};
use range_sync::kvs::SdkStore;
use range_sync::secret_string::{SecretStrings, rule_value};
use range_sync::secrets::read_secret_strings;
use range_sync::sync::sync_secrets;
use serde_json::json;

use crate::config::Config;
use crate::event::current_version;
use crate::event::{AWSCURRENT, AWSPENDING, RotationEvent, Staging, Step, check_staging};
use crate::log::{Failure, Outcome, StepLog};
use crate::probe::until_2xx;
use crate::secret::generate;
use crate::secrets::SecretsManager;

/// The clients and configuration, made once per Lambda instance.
#[derive(Debug)]
pub struct Rotation {
    config: Config,
    secrets: SecretsManager,
    store: SdkStore,
}

fn cloudflare_failure(e: cloudflare_api::Error) -> Failure {
    Failure::new("cloudflare", e.to_string())
}

fn secret_failure(e: range_sync::secret_string::SecretStringError) -> Failure {
    Failure::new("secret", e.to_string())
}

impl Rotation {
    /// Clients for `config` from the SDK's configuration.
    pub fn new(config: Config, sdk_config: &aws_config::SdkConfig) -> Self {
        Self {
            secrets: SecretsManager::new(sdk_config, config.secretsmanager_endpoint.as_deref()),
            store: SdkStore::new(sdk_config, &config.kvs_arn, config.kvs_endpoint.as_deref()),
            config,
        }
    }

    /// Runs the event's step and logs its one line.
    pub async fn run(&self, event: &RotationEvent) -> Result<Outcome, Failure> {
        let result = self.handle(event).await;
        println!(
            "{}",
            StepLog::of(&event.step, &event.secret_id, &result).line()
        );
        result
    }

    async fn handle(&self, event: &RotationEvent) -> Result<Outcome, Failure> {
        let step = Step::parse(&event.step).map_err(|e| Failure::new("event", e.to_string()))?;
        let (id, token) = (event.secret_id.as_str(), event.token.as_str());
        let (enabled, versions) = self.secrets.describe(id).await?;
        let staging = check_staging(enabled, &versions, token)
            .map_err(|e| Failure::new("staging", e.to_string()))?;
        let stages = &versions[token];
        match (step, staging) {
            (Step::Finish, _) => {
                let current = current_version(&versions).filter(|v| *v != token);
                self.finish(id, token, stages, current).await
            }
            (_, Staging::AlreadyCurrent) => Ok(Outcome::NothingToDo),
            (Step::Create, Staging::Pending) => self.create(id, token).await,
            (Step::Set, Staging::Pending) => self.set(id, token).await,
            (Step::Test, Staging::Pending) => self.test(id, token).await,
        }
    }

    /// A new secret as the pending version, unless it already has one.
    async fn create(&self, id: &str, token: &str) -> Result<Outcome, Failure> {
        let current = self.secrets.current(id).await?;
        if self
            .secrets
            .value(id, Some(token), AWSPENDING)
            .await?
            .is_some()
        {
            return Ok(Outcome::NothingToDo);
        }
        let pending =
            json!({ "current": generate().map_err(|m| Failure::new("generate", m))? }).to_string();
        // Both stages must fit the store before anything is staged.
        let both = SecretStrings {
            current,
            pending: Some(pending.clone()),
        };
        both.origin_secrets_value().map_err(secret_failure)?;
        self.secrets.put_pending(id, token, &pending).await?;
        Ok(Outcome::Done)
    }

    /// Both hashes admitted, then the rule sends the new secret.
    async fn set(&self, id: &str, token: &str) -> Result<Outcome, Failure> {
        let pending = self.secrets.pending(id, token).await?;
        let new = rule_value(&pending).map_err(secret_failure)?;
        let both = SecretStrings {
            current: self.secrets.current(id).await?,
            pending: Some(pending),
        };
        let stored = self.write_store(both).await?;
        let cloudflare = self.cloudflare().await?;
        let sent = self.rule_value(&cloudflare).await?;
        if sent.as_deref() == Some(new.as_str()) {
            return Ok(if stored {
                Outcome::Done
            } else {
                Outcome::NothingToDo
            });
        }
        cloudflare
            .upsert_origin_secret_rule(&self.config.zone, &self.rule(new))
            .await
            .map_err(cloudflare_failure)?;
        Ok(Outcome::Done)
    }

    /// The rule sends the new secret and the hostname answers; else the rule is put back.
    async fn test(&self, id: &str, token: &str) -> Result<Outcome, Failure> {
        let new = rule_value(&self.secrets.pending(id, token).await?).map_err(secret_failure)?;
        let old = rule_value(&self.secrets.current(id).await?).map_err(secret_failure)?;
        let cloudflare = self.cloudflare().await?;
        let Err(failure) = self.prove(&cloudflare, &new).await else {
            return Ok(Outcome::Done);
        };
        let restored = cloudflare
            .upsert_origin_secret_rule(&self.config.zone, &self.rule(old))
            .await;
        let message = match restored {
            Ok(()) => format!(
                "{}; Cloudflare's rule sends the old secret again",
                failure.message
            ),
            Err(e) => format!(
                "{}; putting the old secret back in the rule failed: {e}",
                failure.message
            ),
        };
        Err(Failure::new(failure.reason, message))
    }

    async fn prove(&self, cloudflare: &Client, new: &str) -> Result<(), Failure> {
        if self.rule_value(cloudflare).await?.as_deref() != Some(new) {
            return Err(Failure::new(
                "test",
                "Cloudflare's rule does not send the new secret",
            ));
        }
        let c = &self.config;
        until_2xx(&c.test_url, c.test_attempts, c.test_delay)
            .await
            .map(drop)
            .map_err(|m| Failure::new("test", m))
    }

    /// AWSCURRENT moves to the new version (only while the rule sends it), AWSPENDING leaves
    /// it, then the store admits AWSCURRENT's secrets (and another rotation's pending) only.
    async fn finish(
        &self,
        id: &str,
        token: &str,
        stages: &[String],
        current: Option<&str>,
    ) -> Result<Outcome, Failure> {
        let mut changed = false;
        if !stages.iter().any(|s| s == AWSCURRENT) {
            let new =
                rule_value(&self.secrets.pending(id, token).await?).map_err(secret_failure)?;
            if self.rule_value(&self.cloudflare().await?).await?.as_deref() != Some(new.as_str()) {
                return Err(Failure::new(
                    "finish",
                    "Cloudflare's rule does not send the new secret: the old one stays current",
                ));
            }
            self.secrets
                .move_stage(id, AWSCURRENT, Some(token), current)
                .await?;
            changed = true;
        }
        if stages.iter().any(|s| s == AWSPENDING) {
            self.secrets
                .move_stage(id, AWSPENDING, None, Some(token))
                .await?;
            changed = true;
        }
        let strings = read_secret_strings(self.secrets.client(), id)
            .await
            .map_err(|m| Failure::new("secrets-manager", m))?;
        changed |= self.write_store(strings).await?;
        Ok(if changed {
            Outcome::Done
        } else {
            Outcome::NothingToDo
        })
    }

    /// `origin-secrets` from `strings` through range-sync's writer; whether it changed.
    async fn write_store(&self, strings: SecretStrings) -> Result<bool, Failure> {
        let report = sync_secrets(&self.store, strings).await;
        if !report.succeeded() {
            let reason = report.reason.unwrap_or("failed");
            let message = report.message.unwrap_or_default();
            return Err(Failure::new("kvs", format!("{reason}: {message}")));
        }
        Ok(report.changed)
    }

    async fn cloudflare(&self) -> Result<Client, Failure> {
        let token = self
            .secrets
            .value(&self.config.token_secret_arn, None, AWSCURRENT)
            .await?
            .ok_or_else(|| {
                Failure::new(
                    "secrets-manager",
                    "the Cloudflare token secret has no value",
                )
            })?;
        Client::new(
            &self.config.cloudflare_api_base,
            ApiToken::new(token.trim().to_owned()),
        )
        .map_err(cloudflare_failure)
    }

    async fn rule_value(&self, cloudflare: &Client) -> Result<Option<String>, Failure> {
        cloudflare
            .origin_secret_rule_value(&self.config.zone, &self.config.rule_ref)
            .await
            .map_err(cloudflare_failure)
    }

    fn rule(&self, value: String) -> OriginSecretRule {
        OriginSecretRule {
            rule_ref: self.config.rule_ref.clone(),
            hostnames: self.config.hostnames.clone(),
            header: self.config.header.clone(),
            value,
        }
    }
}
