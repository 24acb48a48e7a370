//! Kind OriginPullCertificate's properties: the CA secret, the Connection Function's store, the
//! client certificates' validity and when to renew, the owner ref. Each refusal names its
//! property; none is secret.

use cloudflare_api::ZoneId;
use cloudflare_api::ids::check_rule_ref;
use ip_filter_core::kvs_arn::KvsArn;

use crate::props::{Raw, need, secret_arn};

/// `ClientValidityDays` when absent.
pub const DEFAULT_VALIDITY_DAYS: u32 = 90;
/// `RenewBeforeDays` when absent.
pub const DEFAULT_RENEW_BEFORE_DAYS: u32 = 30;
/// The longest validity accepted (a client certificate of one zone, rotated automatically).
pub const MAX_VALIDITY_DAYS: u32 = 825;
/// A renewal takes four `renew` runs (issue, list, switch, drop); with a daily schedule, fewer
/// days than this would not leave room for it and a retry.
pub const MIN_RENEW_BEFORE_DAYS: u32 = 7;

/// `Kind: OriginPullCertificate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginPullProps {
    /// The Cloudflare zone.
    pub zone_id: ZoneId,
    /// The hostnames whose origin pulls present the certificate.
    pub hostnames: Vec<String>,
    /// The secret whose SecretString is the Cloudflare API token.
    pub api_token_secret_arn: String,
    /// The CA's secret (contract 4; created empty by CDK, written only here).
    pub ca_secret_arn: String,
    /// The Connection Function's KeyValueStore (the serials allowed).
    pub kvs_arn: String,
    /// Each client certificate's validity.
    pub client_validity_days: u32,
    /// A certificate is renewed when it expires within this many days.
    pub renew_before_days: u32,
    /// The owner tag (in the physical id and every certificate's CN).
    pub owner_ref: String,
}

impl OriginPullProps {
    /// `origin-pull:<Ref>`.
    pub fn physical_id(&self) -> String {
        format!("origin-pull:{}", self.owner_ref)
    }
}

/// Kind OriginPullCertificate from the common properties and the raw rest.
pub(crate) fn parse(
    raw: &Raw,
    zone_id: ZoneId,
    hostnames: Vec<String>,
    api_token_secret_arn: String,
) -> Result<OriginPullProps, String> {
    let ca_secret_arn = secret_arn(
        need(raw.ca_secret_arn.clone(), "CaSecretArn")?,
        "CaSecretArn",
    )?;
    let kvs_arn = need(raw.kvs_arn.clone(), "KvsArn")?;
    KvsArn::parse(&kvs_arn).map_err(|e| format!("KvsArn {kvs_arn:?}: {e}"))?;
    let owner_ref = need(raw.r#ref.clone(), "Ref")?;
    check_rule_ref(&owner_ref).map_err(|e| format!("Ref: {e}"))?;
    let client_validity_days = days(
        raw.client_validity_days.as_ref(),
        "ClientValidityDays",
        DEFAULT_VALIDITY_DAYS,
    )?;
    if !(MIN_RENEW_BEFORE_DAYS + 1..=MAX_VALIDITY_DAYS).contains(&client_validity_days) {
        return Err(format!(
            "ClientValidityDays {client_validity_days}: {}-{MAX_VALIDITY_DAYS} expected",
            MIN_RENEW_BEFORE_DAYS + 1
        ));
    }
    let renew_before_days = days(
        raw.renew_before_days.as_ref(),
        "RenewBeforeDays",
        DEFAULT_RENEW_BEFORE_DAYS,
    )?;
    if renew_before_days < MIN_RENEW_BEFORE_DAYS || renew_before_days >= client_validity_days {
        return Err(format!(
            "RenewBeforeDays {renew_before_days}: at least {MIN_RENEW_BEFORE_DAYS} and less than \
             ClientValidityDays ({client_validity_days}) expected"
        ));
    }
    Ok(OriginPullProps {
        zone_id,
        hostnames,
        api_token_secret_arn,
        ca_secret_arn,
        kvs_arn,
        client_validity_days,
        renew_before_days,
        owner_ref,
    })
}

/// A string integer (CloudFormation passes every property as a string), or `default`.
fn days(value: Option<&serde_json::Value>, name: &str, default: u32) -> Result<u32, String> {
    let expected = || format!("{name}: a whole number of days as a string (\"90\") expected");
    match value {
        None => Ok(default),
        Some(serde_json::Value::String(text)) => text.parse().map_err(|_| expected()),
        Some(_) => Err(expected()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use serde_json::{Value, json};

    use super::OriginPullProps;
    use crate::props::{Props, parse};

    /// Parsed sample properties (other modules' tests).
    pub(crate) fn sample() -> OriginPullProps {
        let Props::OriginPull(p) = parse(&props()).unwrap() else {
            panic!()
        };
        p
    }

    const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
    const TOKEN_ARN: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cf-token-AbCdEf";
    const CA_ARN: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ca-AbCdEf";
    const KVS: &str =
        "arn:aws:cloudfront::123456789012:key-value-store/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";

    fn props() -> Value {
        json!({
            "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:p",
            "Kind": "OriginPullCertificate", "ZoneId": ZONE, "Hostnames": ["a.example.com", "b.example.com"],
            "ApiTokenSecretArn": TOKEN_ARN, "CaSecretArn": CA_ARN, "KvsArn": KVS, "Ref": "oac-kit-mtls-abc"
        })
    }

    fn with(mut v: Value, key: &str, value: Value) -> Value {
        v[key] = value;
        v
    }

    fn without(mut v: Value, key: &str) -> Value {
        v.as_object_mut().unwrap().remove(key);
        v
    }

    #[test]
    fn it_parses_with_the_default_days() {
        let Props::OriginPull(p) = parse(&props()).unwrap() else {
            panic!()
        };
        assert_eq!((p.client_validity_days, p.renew_before_days), (90, 30));
        assert_eq!(p.physical_id(), "origin-pull:oac-kit-mtls-abc");
        assert_eq!(p.kvs_arn, KVS);
        let custom = with(
            with(props(), "ClientValidityDays", json!("30")),
            "RenewBeforeDays",
            json!("10"),
        );
        let Props::OriginPull(p) = parse(&custom).unwrap() else {
            panic!()
        };
        assert_eq!((p.client_validity_days, p.renew_before_days), (30, 10));
    }

    #[test]
    fn every_refusal_names_the_property() {
        let cases = [
            (without(props(), "CaSecretArn"), "CaSecretArn"),
            (with(props(), "CaSecretArn", json!("ca")), "CaSecretArn"),
            (without(props(), "KvsArn"), "KvsArn"),
            (
                with(props(), "KvsArn", json!("arn:aws:s3:::bucket")),
                "KvsArn",
            ),
            (without(props(), "Ref"), "Ref"),
            (with(props(), "Ref", json!("a b")), "Ref"),
            (
                with(props(), "ClientValidityDays", json!("ninety")),
                "ClientValidityDays",
            ),
            (
                with(props(), "ClientValidityDays", json!(90)),
                "ClientValidityDays",
            ),
            (
                with(props(), "ClientValidityDays", json!("5000")),
                "ClientValidityDays",
            ),
            (
                with(props(), "RenewBeforeDays", json!("90")),
                "RenewBeforeDays",
            ),
            (
                with(props(), "RenewBeforeDays", json!("1")),
                "RenewBeforeDays",
            ),
            (with(props(), "RuleRef", json!("r")), "RuleRef"),
            (
                with(props(), "OriginSecretArn", json!(CA_ARN)),
                "OriginSecretArn",
            ),
            (without(props(), "Hostnames"), "Hostnames"),
        ];
        for (props, named) in cases {
            let err = parse(&props).unwrap_err();
            assert!(err.contains(named), "{named}: {err}");
        }
    }

    #[test]
    fn the_other_kinds_refuse_its_properties() {
        let zone = json!({"Kind": "Certificate", "ZoneId": ZONE, "Hostnames": ["a.example.com"],
                          "ApiTokenSecretArn": TOKEN_ARN, "KvsArn": KVS});
        assert!(parse(&zone).unwrap_err().contains("KvsArn"));
    }
}
