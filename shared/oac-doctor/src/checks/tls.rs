//! How viewers reach the distribution: HTTPS, and the certificate's TLS policy.

use super::{behavior_name, fail, not_applicable, pass};
use crate::model::Chain;
use crate::{Check, Verdict};

/// The viewer security policies that pass: TLS 1.2 with the 2021 cipher set, or later.
const STRONG_POLICIES: &[&str] = &["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

/// `viewer-tls`.
pub const VIEWER_TLS: Check = Check {
    id: "viewer-tls",
    title: "Viewers use HTTPS, and a custom certificate's minimum protocol is `TLSv1.2_2021` or later",
    symptom: "Requests (with their identity headers and bodies) travel in clear text over HTTP, or over TLS 1.0/1.1 or weak ciphers",
    fix: "Set every behaviour's ViewerProtocolPolicy to `redirect-to-https` or `https-only`, and the certificate's MinimumProtocolVersion to `TLSv1.3_2025` or `TLSv1.2_2025` (`TLSv1.2_2021` at least)",
    explanation: "`allow-all` serves plain HTTP: anything on the path can read and change requests, including `X-Fluid-Identity` values and origin secrets. With a custom certificate the distribution's security policy sets the oldest TLS version and ciphers it accepts; policies before `TLSv1.2_2021` accept TLS 1.0/1.1 or CBC ciphers. With the default `*.cloudfront.net` certificate CloudFront fixes the policy (TLSv1) and it cannot be chosen: that part is not applicable, say so, and use a custom domain to choose it.\n\nThe check fails any behaviour with ViewerProtocolPolicy `allow-all`, and a custom certificate whose MinimumProtocolVersion is not `TLSv1.2_2021`, `TLSv1.2_2025` or `TLSv1.3_2025` (or could not be read).",
    run: viewer_tls,
};

fn viewer_tls(chain: &Chain) -> Verdict {
    let plain: Vec<String> = chain
        .distribution
        .behaviors
        .iter()
        .filter(|b| b.viewer_protocol_policy == "allow-all")
        .map(|b| behavior_name(chain, b))
        .collect();
    let mut reasons = Vec::new();
    if !plain.is_empty() {
        reasons.push(format!(
            "{} allow plain HTTP (`allow-all`)",
            plain.join(", ")
        ));
    }
    let mut resources = plain;
    let cert = &chain.distribution.viewer_certificate;
    let resource = chain.distribution.resource.clone();
    if !cert.cloudfront_default {
        match cert.minimum_protocol_version.as_deref() {
            Some(v) if STRONG_POLICIES.contains(&v) => {}
            Some(v) => {
                reasons.push(format!(
                    "the certificate's minimum protocol is {v}, older than TLSv1.2_2021"
                ));
                resources.push(resource.clone());
            }
            None => {
                reasons.push("the certificate's minimum protocol could not be read".into());
                resources.push(resource.clone());
            }
        }
    }
    if !reasons.is_empty() {
        return fail(reasons.join("; "), resources);
    }
    if cert.cloudfront_default {
        return not_applicable(
            "every behaviour is HTTPS-only; the default *.cloudfront.net certificate's TLS policy is fixed by CloudFront (TLSv1) and cannot be chosen: use a custom domain and certificate to set one",
        );
    }
    let version = cert.minimum_protocol_version.as_deref().unwrap_or_default();
    pass(
        format!("every behaviour is HTTPS-only, minimum protocol {version}"),
        vec![resource],
    )
}

#[cfg(test)]
mod tests {
    use super::super::good;
    use super::*;
    use crate::Status;

    fn assert_fails(v: &Verdict, needle: &str) {
        assert_eq!(v.status, Status::Fail, "{}", v.reason);
        assert!(v.reason.contains(needle), "{}", v.reason);
    }

    #[test]
    fn https_and_a_2025_policy_pass() {
        for p in STRONG_POLICIES {
            let mut chain = good::chain();
            chain
                .distribution
                .viewer_certificate
                .minimum_protocol_version = Some((*p).into());
            let v = viewer_tls(&chain);
            assert_eq!(v.status, Status::Pass, "{}", v.reason);
            assert!(v.reason.contains(p));
        }
    }

    #[test]
    fn allow_all_fails() {
        let mut chain = good::chain();
        good::only_behavior(&mut chain).viewer_protocol_policy = "allow-all".into();
        let v = viewer_tls(&chain);
        assert_fails(&v, "allow plain HTTP");
        assert_eq!(
            v.resources,
            ["AWS::CloudFront::Distribution ApiDistribution2AD4699A behaviour default"]
        );
    }

    #[test]
    fn an_old_policy_fails() {
        for p in [
            "TLSv1",
            "TLSv1_2016",
            "TLSv1.1_2016",
            "TLSv1.2_2018",
            "TLSv1.2_2019",
            "SSLv3",
        ] {
            let mut chain = good::chain();
            chain
                .distribution
                .viewer_certificate
                .minimum_protocol_version = Some(p.into());
            assert_fails(&viewer_tls(&chain), "older than TLSv1.2_2021");
        }
    }

    #[test]
    fn an_unread_policy_fails() {
        let mut chain = good::chain();
        chain
            .distribution
            .viewer_certificate
            .minimum_protocol_version = None;
        assert_fails(&viewer_tls(&chain), "could not be read");
    }

    #[test]
    fn the_default_certificate_is_not_applicable_with_the_reason() {
        let mut chain = good::chain();
        chain.distribution.viewer_certificate.cloudfront_default = true;
        chain
            .distribution
            .viewer_certificate
            .minimum_protocol_version = Some("TLSv1".into());
        let v = viewer_tls(&chain);
        assert_eq!(v.status, Status::NotApplicable);
        assert!(v.reason.contains("fixed by CloudFront"), "{}", v.reason);
        good::only_behavior(&mut chain).viewer_protocol_policy = "allow-all".into();
        assert_fails(&viewer_tls(&chain), "allow plain HTTP");
    }
}
