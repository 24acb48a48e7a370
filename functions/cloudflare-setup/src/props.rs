//! `ResourceProperties`, checked: unknown or missing properties, a property of another kind, a
//! bad zone id, hostname, ARN, header name or rule ref are refused with a message naming the
//! property (none is secret). Kind OriginPullCertificate's own: [`crate::origin_pull_props`].

use cloudflare_api::ZoneId;
use cloudflare_api::ids::{check_hostname, check_rule_ref};
use ip_filter_core::origin_secret::check_header_name;
use serde::Deserialize;
use serde_json::Value;

use crate::origin_pull_props::{self, OriginPullProps};

/// The properties of one of the three kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Props {
    /// `Kind: Certificate`.
    Certificate(CertificateProps),
    /// `Kind: Zone`.
    Zone(ZoneProps),
    /// `Kind: OriginPullCertificate`.
    OriginPull(OriginPullProps),
}

/// `Kind: Certificate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateProps {
    /// The Cloudflare zone the validation records go into.
    pub zone_id: ZoneId,
    /// The certificate's names (the first is its domain name), lowercase, distinct.
    pub hostnames: Vec<String>,
    /// The secret whose SecretString is the Cloudflare API token.
    pub api_token_secret_arn: String,
}

/// `SslMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Refuse unless the zone is already Full (strict) (the default).
    RequireStrict,
    /// Set the zone to Full (strict).
    SetStrict,
}

/// `Kind: Zone`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneProps {
    /// The Cloudflare zone.
    pub zone_id: ZoneId,
    /// The proxied hostnames.
    pub hostnames: Vec<String>,
    /// The secret whose SecretString is the Cloudflare API token.
    pub api_token_secret_arn: String,
    /// The CloudFront distribution's domain name (the records' target).
    pub distribution_domain_name: String,
    /// The origin-secret Transform Rule's secret and header; `None` with viewer mTLS and the origin
    /// secret opted out (`viewerMtls.keepOriginSecret: false`): then no rule of ours may exist.
    pub origin_secret: Option<RuleSecret>,
    /// Check or set the SSL mode.
    pub ssl_mode: SslMode,
    /// The rule's `ref` (also in the physical id and the records' comment).
    pub rule_ref: String,
}

/// What the origin-secret Transform Rule sends: `OriginSecretArn` and `OriginSecretHeader`, both
/// or neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSecret {
    /// The origin secret (`{"current":…}`, optional `next`).
    pub arn: String,
    /// The header the rule sets.
    pub header: String,
}

impl ZoneProps {
    /// `cloudflare-zone:<ZoneId>:<RuleRef>`.
    pub fn physical_id(&self) -> String {
        format!(
            "cloudflare-zone:{}:{}",
            self.zone_id.as_str(),
            self.rule_ref
        )
    }
}

/// Every property of every kind (each kind refuses the others').
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub(crate) struct Raw {
    #[serde(default)]
    service_token: Option<String>,
    kind: String,
    zone_id: Option<String>,
    hostnames: Option<Value>,
    api_token_secret_arn: Option<String>,
    distribution_domain_name: Option<String>,
    origin_secret_arn: Option<String>,
    origin_secret_header: Option<String>,
    ssl_mode: Option<String>,
    rule_ref: Option<String>,
    pub(crate) ca_secret_arn: Option<String>,
    pub(crate) kvs_arn: Option<String>,
    pub(crate) client_validity_days: Option<Value>,
    pub(crate) renew_before_days: Option<Value>,
    #[serde(rename = "Ref")]
    pub(crate) r#ref: Option<String>,
}

impl Raw {
    /// The first property present that belongs to another kind than `kind`.
    fn foreign(&self, kind: &str) -> Option<&'static str> {
        let zone = [
            (
                "DistributionDomainName",
                self.distribution_domain_name.is_some(),
            ),
            ("OriginSecretArn", self.origin_secret_arn.is_some()),
            ("OriginSecretHeader", self.origin_secret_header.is_some()),
            ("SslMode", self.ssl_mode.is_some()),
            ("RuleRef", self.rule_ref.is_some()),
        ];
        let origin_pull = [
            ("CaSecretArn", self.ca_secret_arn.is_some()),
            ("KvsArn", self.kvs_arn.is_some()),
            ("ClientValidityDays", self.client_validity_days.is_some()),
            ("RenewBeforeDays", self.renew_before_days.is_some()),
            ("Ref", self.r#ref.is_some()),
        ];
        let others: Vec<(&'static str, bool)> = match kind {
            "Zone" => origin_pull.to_vec(),
            "OriginPullCertificate" => zone.to_vec(),
            "Certificate" => zone.iter().chain(&origin_pull).copied().collect(),
            _ => vec![],
        };
        others
            .into_iter()
            .find(|(_, present)| *present)
            .map(|(name, _)| name)
    }
}

/// Parses and checks `ResourceProperties`.
pub fn parse(value: &Value) -> Result<Props, String> {
    let raw: Raw =
        serde_json::from_value(value.clone()).map_err(|e| format!("ResourceProperties: {e}"))?;
    let _ = raw.service_token;
    if let Some(name) = raw.foreign(&raw.kind) {
        return Err(format!("{name} is not a property of Kind {:?}", raw.kind));
    }
    let zone_id =
        ZoneId::parse(&need(raw.zone_id.clone(), "ZoneId")?).map_err(|e| format!("ZoneId: {e}"))?;
    let hostnames = hostnames(need(raw.hostnames.clone(), "Hostnames")?)?;
    let api_token_secret_arn = secret_arn(
        need(raw.api_token_secret_arn.clone(), "ApiTokenSecretArn")?,
        "ApiTokenSecretArn",
    )?;
    match raw.kind.as_str() {
        "Certificate" => Ok(Props::Certificate(CertificateProps {
            zone_id,
            hostnames,
            api_token_secret_arn,
        })),
        "Zone" => {
            let distribution_domain_name =
                need(raw.distribution_domain_name, "DistributionDomainName")?;
            check_hostname(&distribution_domain_name)
                .map_err(|e| format!("DistributionDomainName: {e}"))?;
            let origin_secret = rule_secret(raw.origin_secret_arn, raw.origin_secret_header)?;
            let rule_ref = need(raw.rule_ref, "RuleRef")?;
            check_rule_ref(&rule_ref).map_err(|e| format!("RuleRef: {e}"))?;
            let ssl_mode = match raw.ssl_mode.as_deref() {
                None | Some("require-strict") => SslMode::RequireStrict,
                Some("set-strict") => SslMode::SetStrict,
                Some(other) => {
                    return Err(format!(
                        "SslMode {other:?}: \"require-strict\" or \"set-strict\""
                    ));
                }
            };
            Ok(Props::Zone(ZoneProps {
                zone_id,
                hostnames,
                api_token_secret_arn,
                distribution_domain_name,
                origin_secret,
                ssl_mode,
                rule_ref,
            }))
        }
        "OriginPullCertificate" => {
            origin_pull_props::parse(&raw, zone_id, hostnames, api_token_secret_arn)
                .map(Props::OriginPull)
        }
        other => Err(format!(
            "Kind {other:?}: \"Certificate\", \"Zone\" or \"OriginPullCertificate\""
        )),
    }
}

/// Both (the rule) or neither (no rule: viewer mTLS without the origin secret); one alone is
/// refused, naming the missing one.
fn rule_secret(arn: Option<String>, header: Option<String>) -> Result<Option<RuleSecret>, String> {
    match (arn, header) {
        (None, None) => Ok(None),
        (arn, header) => {
            let header = need(header, "OriginSecretHeader")?;
            check_header_name(&header).map_err(|e| format!("OriginSecretHeader: {e}"))?;
            let arn = secret_arn(need(arn, "OriginSecretArn")?, "OriginSecretArn")?;
            Ok(Some(RuleSecret { arn, header }))
        }
    }
}

pub(crate) fn need<T>(value: Option<T>, name: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("the property {name} is missing"))
}

fn hostnames(names: Value) -> Result<Vec<String>, String> {
    let names: Vec<String> = serde_json::from_value(names)
        .map_err(|_| "Hostnames: a list of strings expected".to_owned())?;
    if names.is_empty() {
        return Err("Hostnames is empty".to_owned());
    }
    for (i, name) in names.iter().enumerate() {
        check_hostname(name).map_err(|e| format!("Hostnames: {e}"))?;
        if names[..i].contains(name) {
            return Err(format!("Hostnames: {name} is listed twice"));
        }
    }
    Ok(names)
}

pub(crate) fn secret_arn(arn: String, name: &str) -> Result<String, String> {
    if arn.starts_with("arn:") && arn.contains(":secretsmanager:") && arn.contains(":secret:") {
        Ok(arn)
    } else {
        Err(format!(
            "{name} {arn:?}: a Secrets Manager secret ARN expected"
        ))
    }
}

#[cfg(test)]
#[path = "props_tests.rs"]
mod tests;
