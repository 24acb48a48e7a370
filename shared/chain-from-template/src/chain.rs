//! One [`Chain`] per `AWS::CloudFront::Distribution` of the assembly. Pure.

use oac_doctor::model::{
    Chain, CloudflareRule, Distribution, Source, ViewerCertificate, ViewerMtls,
};
use serde_json::Value;

use crate::behavior::behaviors;
use crate::input::Assembly;
use crate::locate::{Res, all, resolve};
use crate::origin::origin;
use crate::render::render;

/// The type of oac-kit's Cloudflare zone custom resource (`infra/cdk/lib/cloudflare-setup.ts`).
const CLOUDFLARE_ZONE: &str = "Custom::OacKitCloudflareZone";

/// Every distribution's chain, in stack and resource order.
pub fn chains(a: &Assembly) -> Vec<Chain> {
    all(a)
        .filter(|r| r.ty() == "AWS::CloudFront::Distribution")
        .map(|d| Chain {
            source: Source::Template {
                path: a.stacks[d.stack].path.clone(),
            },
            distribution: distribution(a, d),
            cloudflare_rule: cloudflare_rule(a, d),
        })
        .collect()
}

fn distribution(a: &Assembly, d: Res<'_>) -> Distribution {
    let config = d.prop("DistributionConfig").unwrap_or(&Value::Null);
    Distribution {
        resource: d.label(),
        arn: format!(
            "arn:${{AWS::Partition}}:cloudfront::${{AWS::AccountId}}:distribution/${{{}}}",
            d.logical
        ),
        origins: config
            .get("Origins")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|o| origin(a, d.stack, o))
            .collect(),
        behaviors: behaviors(a, d.stack, config),
        viewer_certificate: viewer_certificate(config.get("ViewerCertificate")),
        http_version: config.get("HttpVersion").map(render),
        viewer_mtls: viewer_mtls(config),
    }
}

/// `ViewerMtlsConfig` and `ConnectionFunctionAssociation`, when there is the first.
fn viewer_mtls(config: &Value) -> Option<ViewerMtls> {
    let m = config.get("ViewerMtlsConfig")?;
    let trust = m.get("TrustStoreConfig");
    Some(ViewerMtls {
        // CloudFormation's default mode is `required`.
        mode: m.get("Mode").map_or_else(|| "required".to_owned(), render),
        trust_store: trust.and_then(|t| t.get("TrustStoreId")).map(render),
        ignore_certificate_expiry: trust
            .and_then(|t| t.get("IgnoreCertificateExpiry"))
            .map(render)
            .as_deref()
            == Some("true"),
        connection_function: config
            .get("ConnectionFunctionAssociation")
            .and_then(|c| c.get("Id"))
            .map(render),
    })
}

/// No `ViewerCertificate`, or `CloudFrontDefaultCertificate: true`, is the default certificate.
fn viewer_certificate(cert: Option<&Value>) -> ViewerCertificate {
    let default = cert.is_none_or(|c| {
        c.get("CloudFrontDefaultCertificate").map(render).as_deref() == Some("true")
    });
    ViewerCertificate {
        cloudfront_default: default,
        minimum_protocol_version: cert
            .filter(|_| !default)
            .and_then(|c| c.get("MinimumProtocolVersion"))
            .map(render),
    }
}

/// The origin-secret rule of oac-kit's Cloudflare zone resource whose `DistributionDomainName` is
/// this distribution's; none when that resource writes no rule (no `OriginSecretHeader`: viewer mTLS
/// without the origin secret).
fn cloudflare_rule(a: &Assembly, d: Res<'_>) -> Option<CloudflareRule> {
    all(a)
        .filter(|r| r.ty() == CLOUDFLARE_ZONE)
        .filter(|r| r.prop("Kind").map(render).as_deref() == Some("Zone"))
        .find(|r| {
            r.prop("DistributionDomainName")
                .and_then(|v| resolve(a, r.stack, v).ok())
                .is_some_and(|t| t.stack == d.stack && t.logical == d.logical)
        })
        .and_then(|r| {
            Some(CloudflareRule {
                resource: r.label(),
                header: render(r.prop("OriginSecretHeader")?),
            })
        })
}
