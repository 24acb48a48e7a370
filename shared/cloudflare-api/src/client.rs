//! The client, and oac-kit's rule in the late-transform entrypoint.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::envelope::{Answer, read};
use crate::error::Error;
use crate::ids::{ZoneId, check_rule_ref};
use crate::retry::RetryPolicy;
use crate::rule::{OriginSecretRule, PHASE, Ruleset};
use crate::token::ApiToken;
use crate::transport::Transport;

/// A Cloudflare v4 API client (see the crate documentation). Cheap to clone; `Debug` shows the
/// API base only.
#[derive(Clone)]
pub struct Client {
    transport: Transport,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.transport.base())
            .field("token", &"<redacted>")
            .finish()
    }
}

impl Client {
    /// A client of the API at `base` (e.g. [`crate::DEFAULT_API_BASE`]) with `token`; plain
    /// `http://` only to loopback. Retries per [`crate::retry::cloudflare_policy`].
    pub fn new(base: &str, token: ApiToken) -> Result<Client, Error> {
        Ok(Self {
            transport: Transport::new(base, token)?,
        })
    }

    /// The same client with another retry policy (tests shorten the waits).
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.transport.retry = policy;
        self
    }

    /// One call, read through the envelope.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<Answer<T>, Error> {
        let raw = self.transport.send(method, path, query, body).await?;
        read(raw.status, &raw.body)
    }

    /// The zone's late-transform entrypoint, or `None` when it does not exist (404).
    async fn entrypoint(&self, zone: &ZoneId) -> Result<Option<Ruleset>, Error> {
        let path = format!("/zones/{zone}/rulesets/phases/{PHASE}/entrypoint");
        match self.call::<Ruleset>(Method::GET, &path, &[], None).await {
            Ok(answer) => Ok(Some(answer.result)),
            Err(Error::Cloudflare { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// oac-kit's rule (found by `ref`) in the zone's `http_request_late_transform` entrypoint:
    /// created (the entrypoint created if missing), or updated in place (not written when it
    /// already is what it should be); the other rules of the phase are never changed, reordered
    /// or dropped.
    pub async fn upsert_origin_secret_rule(
        &self,
        zone: &ZoneId,
        rule: &OriginSecretRule,
    ) -> Result<(), Error> {
        let body = rule.to_json()?;
        let Some(ruleset) = self.entrypoint(zone).await? else {
            let path = format!("/zones/{zone}/rulesets/phases/{PHASE}/entrypoint");
            let create = json!({ "rules": [body] });
            let _: serde_json::Value = self
                .call(Method::PUT, &path, &[], Some(&create))
                .await?
                .result;
            return Ok(());
        };
        let base = format!("/zones/{zone}/rulesets/{}/rules", checked(&ruleset.id)?);
        let _: serde_json::Value = match ruleset.find(&rule.rule_ref) {
            Some(ours) if ours.is(&body) => return Ok(()),
            Some(ours) => {
                let path = format!("{base}/{}", checked(&ours.id)?);
                self.call(Method::PATCH, &path, &[], Some(&body))
                    .await?
                    .result
            }
            None => {
                self.call(Method::POST, &base, &[], Some(&body))
                    .await?
                    .result
            }
        };
        Ok(())
    }

    /// The rule's current header value, if the rule exists.
    pub async fn origin_secret_rule_value(
        &self,
        zone: &ZoneId,
        rule_ref: &str,
    ) -> Result<Option<String>, Error> {
        check_rule_ref(rule_ref)?;
        let ruleset = self.entrypoint(zone).await?;
        Ok(ruleset
            .as_ref()
            .and_then(|r| r.find(rule_ref))
            .and_then(|r| r.set_value()))
    }

    /// Deletes the rule with that ref, if present; nothing else.
    pub async fn delete_origin_secret_rule(
        &self,
        zone: &ZoneId,
        rule_ref: &str,
    ) -> Result<(), Error> {
        check_rule_ref(rule_ref)?;
        let Some(ruleset) = self.entrypoint(zone).await? else {
            return Ok(());
        };
        let Some(ours) = ruleset.find(rule_ref) else {
            return Ok(());
        };
        let path = format!(
            "/zones/{zone}/rulesets/{}/rules/{}",
            checked(&ruleset.id)?,
            checked(&ours.id)?
        );
        let _: serde_json::Value = self.call(Method::DELETE, &path, &[], None).await?.result;
        Ok(())
    }
}

/// An id read from Cloudflare, checked before it goes into a path.
fn checked(id: &str) -> Result<&str, Error> {
    crate::ids::check_object_id("ruleset or rule", id)
        .map_err(|e| Error::Malformed(e.to_string()))?;
    Ok(id)
}
