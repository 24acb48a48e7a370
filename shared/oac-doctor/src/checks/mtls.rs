//! Viewer mTLS, when the distribution has it: what AWS documents as required or unsupported, and
//! what oac-kit's zone binding needs (the certificate required and its expiry checked, the
//! Connection Function that admits only listed serials).

use super::{behavior_name, fail, not_applicable, pass};
use crate::model::Chain;
use crate::{Check, Verdict};

/// The HttpVersion values that serve HTTP/3.
const WITH_HTTP3: &[&str] = &["http3", "http2and3"];

/// `viewer-mtls`.
pub const VIEWER_MTLS: Check = Check {
    id: "viewer-mtls",
    title: "Viewer mTLS, when on, requires a certificate with its expiry checked, runs a Connection Function, and serves no HTTP/3 and no plain HTTP",
    symptom: "The distribution cannot be deployed (mTLS with HTTP/3 or with a behaviour that accepts HTTP), or it admits viewers without a certificate, with an expired one, or with any certificate of the CA (no serial can be revoked)",
    fix: "Set ViewerMtlsConfig.Mode `required` with a TrustStoreConfig (IgnoreCertificateExpiry false), associate the Connection Function (ConnectionFunctionAssociation), set HttpVersion `http2`, and every behaviour's ViewerProtocolPolicy to `https-only`; oac-kit's construct does all of it with `viewerMtls`",
    explanation: "CloudFront can require a client certificate from its viewers (`ViewerMtlsConfig`): oac-kit requires the one its own CA issued to the Cloudflare zone (Authenticated Origin Pulls), and its Connection Function admits only the serials listed in its KeyValueStore, so a certificate is revoked without a deploy. AWS's prerequisites (\"Enable mutual TLS for CloudFront distributions\"): a trust store associated, every cache behaviour HTTPS-only (\"You cannot enable mTLS on a distribution with any cache behaviors that support HTTP connections\"), and HTTP/2 (\"Viewer mTLS is not supported on HTTP/3\"). `optional` mode lets viewers without a certificate through, and `IgnoreCertificateExpiry` admits expired certificates: neither binds the connection to the zone.\n\nWithout a ViewerMtlsConfig the check is not applicable. With one it fails a mode other than `required`, no trust store, IgnoreCertificateExpiry true, no Connection Function associated, an HttpVersion with HTTP/3 (`http3`, `http2and3`), and each behaviour whose ViewerProtocolPolicy is `redirect-to-https` (`allow-all` is `viewer-tls`'s failure).",
    run: viewer_mtls,
};

fn viewer_mtls(chain: &Chain) -> Verdict {
    let d = &chain.distribution;
    let Some(m) = &d.viewer_mtls else {
        return not_applicable("the distribution has no viewer mTLS (no ViewerMtlsConfig)");
    };
    let mut reasons = Vec::new();
    let mut resources = Vec::new();
    let mut distribution_fails = |reason: String, resources: &mut Vec<String>| {
        reasons.push(reason);
        if !resources.contains(&d.resource) {
            resources.push(d.resource.clone());
        }
    };
    if m.mode != "required" {
        distribution_fails(
            format!(
                "mode `{}` admits viewers without a certificate (`required` binds every connection)",
                m.mode
            ),
            &mut resources,
        );
    }
    if m.trust_store.is_none() {
        distribution_fails("no trust store is configured".into(), &mut resources);
    }
    if m.ignore_certificate_expiry {
        distribution_fails(
            "IgnoreCertificateExpiry is true: expired certificates are admitted".into(),
            &mut resources,
        );
    }
    if m.connection_function.is_none() {
        distribution_fails(
            "no Connection Function is associated: every certificate of the trust store's CAs passes, none can be revoked"
                .into(),
            &mut resources,
        );
    }
    if let Some(v) = d.http_version.as_deref().filter(|v| WITH_HTTP3.contains(v)) {
        distribution_fails(
            format!("HttpVersion `{v}` includes HTTP/3, where AWS does not support viewer mTLS"),
            &mut resources,
        );
    }
    let plain: Vec<String> = d
        .behaviors
        .iter()
        // `allow-all` is `viewer-tls`'s failure already: one fault, one check.
        .filter(|b| b.viewer_protocol_policy == "redirect-to-https")
        .map(|b| behavior_name(chain, b))
        .collect();
    if !plain.is_empty() {
        reasons.push(format!(
            "{} accept HTTP connections to redirect them (`redirect-to-https`; mTLS needs `https-only`)",
            plain.join(", ")
        ));
        resources.extend(plain);
    }
    if !reasons.is_empty() {
        return fail(reasons.join("; "), resources);
    }
    pass(
        "viewer mTLS is required against a trust store, expiry checked, with a Connection Function, on HTTP/2 and HTTPS only",
        vec![d.resource.clone()],
    )
}

#[cfg(test)]
mod tests {
    use super::super::good;
    use super::super::good::assert_fails;
    use super::*;
    use crate::Status;
    use crate::model::ViewerMtls;

    /// The good chain with viewer mTLS as oac-kit's construct sets it.
    fn with_mtls() -> Chain {
        let mut chain = good::chain();
        chain.distribution.http_version = Some("http2".into());
        chain.distribution.viewer_mtls = Some(ViewerMtls {
            mode: "required".into(),
            trust_store: Some("${ApiViewerMtlsTrustStore.Id}".into()),
            ignore_certificate_expiry: false,
            connection_function: Some("${ApiViewerMtlsConnectionFunction.Id}".into()),
        });
        good::only_behavior(&mut chain).viewer_protocol_policy = "https-only".into();
        chain
    }

    fn mtls(chain: &mut Chain) -> &mut ViewerMtls {
        chain.distribution.viewer_mtls.as_mut().unwrap()
    }

    #[test]
    fn without_viewer_mtls_it_is_not_applicable() {
        let v = viewer_mtls(&good::chain());
        assert_eq!(v.status, Status::NotApplicable, "{}", v.reason);
    }

    #[test]
    fn the_construct_s_settings_pass() {
        let v = viewer_mtls(&with_mtls());
        assert_eq!(v.status, Status::Pass, "{}", v.reason);
        let mut absent = with_mtls();
        absent.distribution.http_version = None;
        assert_eq!(viewer_mtls(&absent).status, Status::Pass);
    }

    #[test]
    fn http3_fails() {
        for version in ["http2and3", "http3"] {
            let mut chain = with_mtls();
            chain.distribution.http_version = Some(version.into());
            assert_fails(&viewer_mtls(&chain), "includes HTTP/3");
        }
    }

    #[test]
    fn a_behaviour_that_redirects_http_fails() {
        let mut chain = with_mtls();
        good::only_behavior(&mut chain).viewer_protocol_policy = "redirect-to-https".into();
        let v = viewer_mtls(&chain);
        assert_fails(&v, "accept HTTP connections to redirect them");
        assert_eq!(
            v.resources,
            ["AWS::CloudFront::Distribution ApiDistribution2AD4699A behaviour default"]
        );
    }

    #[test]
    fn allow_all_is_left_to_viewer_tls() {
        let mut chain = with_mtls();
        good::only_behavior(&mut chain).viewer_protocol_policy = "allow-all".into();
        assert_eq!(viewer_mtls(&chain).status, Status::Pass);
        assert_fails(
            &(super::super::tls::VIEWER_TLS.run)(&chain),
            "allow plain HTTP",
        );
    }

    #[test]
    fn optional_mode_fails() {
        let mut chain = with_mtls();
        mtls(&mut chain).mode = "optional".into();
        assert_fails(&viewer_mtls(&chain), "admits viewers without a certificate");
    }

    #[test]
    fn no_trust_store_fails() {
        let mut chain = with_mtls();
        mtls(&mut chain).trust_store = None;
        assert_fails(&viewer_mtls(&chain), "no trust store");
    }

    #[test]
    fn ignoring_expiry_fails() {
        let mut chain = with_mtls();
        mtls(&mut chain).ignore_certificate_expiry = true;
        assert_fails(&viewer_mtls(&chain), "expired certificates are admitted");
    }

    #[test]
    fn no_connection_function_fails() {
        let mut chain = with_mtls();
        mtls(&mut chain).connection_function = None;
        assert_fails(&viewer_mtls(&chain), "none can be revoked");
    }
}
