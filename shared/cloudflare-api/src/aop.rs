//! Per-hostname Authenticated Origin Pulls: the client certificates Cloudflare presents to an
//! origin for chosen hostnames (`/zones/{zone}/origin_tls_client_auth/hostnames/...`, token
//! permission *Zone / SSL and Certificates*: `#ssl:read` to read, `#ssl:edit` to change).
//!
//! - A certificate is uploaded with its private key ([`Client::upload_hostname_certificate`]);
//!   Cloudflare answers its id, and never returns the key. At most 10 per zone (Cloudflare's
//!   limit, in the operation's description).
//! - A hostname is pointed at a certificate and switched on or off with one `PUT` of
//!   `{config: [{hostname, cert_id, enabled}]}` ([`Client::set_hostname_aop`]); `enabled: null`
//!   voids the association. At most 100 hostnames per certificate.
//!
//! The key travels only in the upload's body: [`PrivateKeyPem`]'s `Debug` and `Display` are
//! redacted, and no [`Error`] is built from a request body.

use std::fmt;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::client::Client;
use crate::error::Error;
use crate::ids::{ZoneId, check_hostname, check_object_id};

/// Hostname certificates a zone may hold (Cloudflare's limit).
pub const MAX_HOSTNAME_CERTIFICATES: usize = 10;
/// Hostnames one certificate may be associated with (Cloudflare's limit).
pub const MAX_HOSTNAMES_PER_CERTIFICATE: usize = 100;

/// A PEM private key, sent only in an upload's body. `Debug`/`Display` print
/// `PrivateKeyPem(<redacted>)`.
///
/// ```
/// let key = cloudflare_api::PrivateKeyPem::new("-----BEGIN PRIVATE KEY-----x".to_owned());
/// assert_eq!(format!("{key:?} {key}"), "PrivateKeyPem(<redacted>) PrivateKeyPem(<redacted>)");
/// ```
#[derive(Clone)]
pub struct PrivateKeyPem(String);

impl PrivateKeyPem {
    /// Wraps `pem`.
    pub fn new(pem: String) -> Self {
        Self(pem)
    }
}

impl fmt::Debug for PrivateKeyPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKeyPem(<redacted>)")
    }
}

impl fmt::Display for PrivateKeyPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A hostname client certificate as Cloudflare describes it (upload, get and list answers; the
/// fields oac-kit reads). The list answers `id` or `cert_id` depending on the schema version;
/// [`HostnameCertificate::id`] gives whichever is set.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HostnameCertificate {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    cert_id: Option<String>,
    /// The certificate (PEM).
    #[serde(default)]
    pub certificate: Option<String>,
    /// The serial number as Cloudflare prints it (decimal in its examples).
    #[serde(default)]
    pub serial_number: Option<String>,
    /// `initializing`, `pending_deployment`, `active`, `pending_deletion`, `deleted`, ...
    #[serde(default)]
    pub status: Option<String>,
    /// When it expires (RFC 3339).
    #[serde(default)]
    pub expires_on: Option<String>,
}

impl HostnameCertificate {
    /// The certificate's id (`id`, else `cert_id`).
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref().or(self.cert_id.as_deref())
    }
}

/// A hostname's Authenticated Origin Pulls association.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HostnameAop {
    /// The hostname.
    #[serde(default)]
    pub hostname: Option<String>,
    /// The certificate it presents.
    #[serde(default)]
    pub cert_id: Option<String>,
    /// On, off, or `None` (no association).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// The association's status (`active`, `pending_deployment`, ...).
    #[serde(default)]
    pub status: Option<String>,
}

/// One entry of the hostnames `PUT`: `hostname` presents `cert_id` when `enabled` is
/// `Some(true)`, does not when `Some(false)`; `None` voids the association.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostnameAopConfig {
    /// The hostname.
    pub hostname: String,
    /// The certificate's id.
    pub cert_id: String,
    /// On, off, or void.
    pub enabled: Option<bool>,
}

impl Client {
    /// Uploads a hostname client certificate (`certificate_pem` and its key); Cloudflare's
    /// description of it (with its id).
    pub async fn upload_hostname_certificate(
        &self,
        zone: &ZoneId,
        certificate_pem: &str,
        private_key: &PrivateKeyPem,
    ) -> Result<HostnameCertificate, Error> {
        if !certificate_pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(Error::Invalid("a PEM certificate expected".to_owned()));
        }
        let path = format!("/zones/{zone}/origin_tls_client_auth/hostnames/certificates");
        let body = json!({ "certificate": certificate_pem, "private_key": private_key.0 });
        let uploaded: HostnameCertificate = self
            .call(Method::POST, &path, &[], Some(&body))
            .await?
            .result;
        match uploaded.id() {
            Some(id) => checked(id)?,
            None => return Err(Error::Malformed("an upload answered no id".to_owned())),
        };
        Ok(uploaded)
    }

    /// Every hostname client certificate of the zone.
    pub async fn hostname_certificates(
        &self,
        zone: &ZoneId,
    ) -> Result<Vec<HostnameCertificate>, Error> {
        let path = format!("/zones/{zone}/origin_tls_client_auth/hostnames/certificates");
        Ok(self.call(Method::GET, &path, &[], None).await?.result)
    }

    /// The certificate `id`, or `None` when Cloudflare does not know it (404).
    pub async fn hostname_certificate(
        &self,
        zone: &ZoneId,
        id: &str,
    ) -> Result<Option<HostnameCertificate>, Error> {
        checked(id)?;
        let path = format!("/zones/{zone}/origin_tls_client_auth/hostnames/certificates/{id}");
        match self.call(Method::GET, &path, &[], None).await {
            Ok(answer) => Ok(Some(answer.result)),
            Err(Error::Cloudflare { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deletes the certificate `id`; one Cloudflare does not know (404) is already gone.
    pub async fn delete_hostname_certificate(&self, zone: &ZoneId, id: &str) -> Result<(), Error> {
        checked(id)?;
        let path = format!("/zones/{zone}/origin_tls_client_auth/hostnames/certificates/{id}");
        match self
            .call::<serde_json::Value>(Method::DELETE, &path, &[], None)
            .await
        {
            Ok(_) | Err(Error::Cloudflare { status: 404, .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The hostname's association, or `None` when it has none (404).
    pub async fn hostname_aop(
        &self,
        zone: &ZoneId,
        hostname: &str,
    ) -> Result<Option<HostnameAop>, Error> {
        check_hostname(hostname)?;
        let path = format!("/zones/{zone}/origin_tls_client_auth/hostnames/{hostname}");
        match self
            .call::<HostnameAop>(Method::GET, &path, &[], None)
            .await
        {
            Ok(answer) => Ok(Some(answer.result)),
            Err(Error::Cloudflare { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Points each hostname of `config` at its certificate, on, off or void, in one `PUT`.
    pub async fn set_hostname_aop(
        &self,
        zone: &ZoneId,
        config: &[HostnameAopConfig],
    ) -> Result<Vec<HostnameAop>, Error> {
        if config.is_empty() || config.len() > MAX_HOSTNAMES_PER_CERTIFICATE {
            return Err(Error::Invalid(format!(
                "1-{MAX_HOSTNAMES_PER_CERTIFICATE} hostnames per change expected"
            )));
        }
        for entry in config {
            check_hostname(&entry.hostname)?;
            checked(&entry.cert_id)?;
        }
        let path = format!("/zones/{zone}/origin_tls_client_auth/hostnames");
        let body = json!({ "config": config });
        let answer: Option<Vec<HostnameAop>> = self
            .call(Method::PUT, &path, &[], Some(&body))
            .await?
            .result;
        Ok(answer.unwrap_or_default())
    }
}

fn checked(id: &str) -> Result<(), Error> {
    check_object_id("certificate", id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_read_from_id_or_cert_id() {
        let a: HostnameCertificate = serde_json::from_str(r#"{"id":"a1"}"#).unwrap();
        let b: HostnameCertificate = serde_json::from_str(r#"{"cert_id":"b2"}"#).unwrap();
        assert_eq!((a.id(), b.id()), (Some("a1"), Some("b2")));
    }

    #[test]
    fn a_void_association_is_sent_as_null() {
        let entry = HostnameAopConfig {
            hostname: "a.example.com".into(),
            cert_id: "c1".into(),
            enabled: None,
        };
        assert_eq!(
            serde_json::to_value(&entry).unwrap(),
            json!({"hostname": "a.example.com", "cert_id": "c1", "enabled": null})
        );
    }
}
