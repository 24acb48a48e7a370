//! Per-hostname Authenticated Origin Pulls: the zone's hostname client certificates (at most
//! [`MAX_CERTIFICATES`], as Cloudflare allows) and each hostname's association with one of them.
//! A private key is kept apart from the certificate's description and never answered, as
//! Cloudflare never returns it; tests read it with [`Zone::aop_private_key`]. Pure.
//!
//! What the stand-in decides where Cloudflare documents nothing (its own codes, marked): an
//! upload is `active` at once (Cloudflare: `pending_deployment`, then `active` "within a few
//! minutes"); a certificate still enabled on a hostname cannot be deleted (400, code 1406 is the
//! stand-in's); an association with an unknown certificate is a 404 (code 1405 is the
//! stand-in's).

use serde_json::{Value, json};

use crate::reply::{self, Reply};
use crate::zone::Zone;

/// Hostname certificates per zone (Cloudflare's limit, in the upload operation's description).
pub const MAX_CERTIFICATES: usize = 10;

impl Zone {
    /// `GET origin_tls_client_auth/hostnames/certificates`
    pub fn list_aop_certificates(&self) -> Reply {
        let all: Vec<Value> = self.aop_certificates.clone();
        let count = all.len() as u64;
        reply::page(all, 1, count.max(1), count)
    }

    /// `POST origin_tls_client_auth/hostnames/certificates` (body already shape-checked).
    pub fn upload_aop_certificate(&mut self, body: &Value) -> Reply {
        let certificate = body["certificate"].as_str().unwrap_or_default();
        let key = body["private_key"].as_str().unwrap_or_default();
        if !certificate.contains("-----BEGIN CERTIFICATE-----") || !key.contains("PRIVATE KEY-----")
        {
            return reply::error(
                400,
                1402,
                "The certificate or private key is not valid PEM.",
            );
        }
        if self.aop_certificates.len() >= MAX_CERTIFICATES {
            return reply::error(
                400,
                1404,
                "The zone already has the maximum number of hostname certificates.",
            );
        }
        let id = self.new_id();
        let described = json!({
            "id": id, "certificate": certificate, "issuer": "oac-kit (stand-in)", "signature": "ECDSAWithSHA256",
            "status": "active", "uploaded_on": "2026-01-01T00:00:00Z",
        });
        self.aop_certificates.push(described.clone());
        self.aop_keys.insert(id, key.to_owned());
        reply::ok(described)
    }

    /// `GET origin_tls_client_auth/hostnames/certificates/{id}`
    pub fn get_aop_certificate(&self, id: &str) -> Reply {
        match self.aop_certificates.iter().find(|c| c["id"] == id) {
            Some(c) => reply::ok(c.clone()),
            None => certificate_not_found(),
        }
    }

    /// `DELETE origin_tls_client_auth/hostnames/certificates/{id}`
    pub fn delete_aop_certificate(&mut self, id: &str) -> Reply {
        if !self.aop_certificates.iter().any(|c| c["id"] == id) {
            return certificate_not_found();
        }
        let in_use = self
            .aop_hostnames
            .values()
            .any(|h| h["cert_id"] == id && h["enabled"] == true);
        if in_use {
            return reply::error(
                400,
                1406,
                "The certificate is in use by a hostname; disable the hostname first.",
            );
        }
        self.aop_certificates.retain(|c| c["id"] != id);
        self.aop_keys.remove(id);
        self.aop_hostnames.retain(|_, h| h["cert_id"] != id);
        reply::ok(json!({"id": id, "status": "pending_deletion"}))
    }

    /// `PUT origin_tls_client_auth/hostnames` (body already shape-checked): every entry applied,
    /// or none when one names an unknown certificate.
    pub fn put_aop_hostnames(&mut self, body: &Value) -> Reply {
        let config = body["config"].as_array().cloned().unwrap_or_default();
        for entry in &config {
            if !self
                .aop_certificates
                .iter()
                .any(|c| c["id"] == entry["cert_id"])
            {
                return certificate_not_found();
            }
        }
        let mut answered = Vec::new();
        for entry in config {
            let hostname = entry["hostname"].as_str().unwrap_or_default().to_owned();
            if entry["enabled"].is_null() {
                self.aop_hostnames.remove(&hostname);
                answered.push(json!({"hostname": hostname, "cert_id": entry["cert_id"], "enabled": null, "status": "deleted"}));
                continue;
            }
            let association = json!({
                "hostname": hostname, "cert_id": entry["cert_id"], "enabled": entry["enabled"],
                "status": "active", "cert_status": "active", "updated_at": "2026-01-01T00:00:00Z",
            });
            self.aop_hostnames.insert(hostname, association.clone());
            answered.push(association);
        }
        let count = answered.len() as u64;
        reply::page(answered, 1, count.max(1), count)
    }

    /// `GET origin_tls_client_auth/hostnames/{hostname}`
    pub fn get_aop_hostname(&self, hostname: &str) -> Reply {
        match self.aop_hostnames.get(hostname) {
            Some(h) => reply::ok(h.clone()),
            None => reply::error(404, 1407, "No association found for this hostname."),
        }
    }

    /// The private key uploaded with certificate `id` (tests only: Cloudflare never returns it).
    pub fn aop_private_key(&self, id: &str) -> Option<&str> {
        self.aop_keys.get(id).map(String::as_str)
    }
}

/// An unknown certificate id (the stand-in's code 1405).
fn certificate_not_found() -> Reply {
    reply::error(404, 1405, "Certificate not found.")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

    fn upload(zone: &mut Zone) -> String {
        let (status, body) =
            zone.upload_aop_certificate(&json!({"certificate": CERT, "private_key": KEY}));
        assert_eq!(status, 200);
        assert!(body["result"].get("private_key").is_none());
        body["result"]["id"].as_str().unwrap().to_owned()
    }

    #[test]
    fn a_certificate_in_use_is_not_deleted_until_its_hostname_is_off() {
        let mut zone = Zone::new("z", "example.com");
        let id = upload(&mut zone);
        assert_eq!(zone.aop_private_key(&id), Some(KEY));
        let on = json!({"config": [{"hostname": "a.example.com", "cert_id": id, "enabled": true}]});
        assert_eq!(zone.put_aop_hostnames(&on).0, 200);
        assert_eq!(
            zone.get_aop_hostname("a.example.com").1["result"]["enabled"],
            true
        );
        assert_eq!(zone.delete_aop_certificate(&id).0, 400);
        let void =
            json!({"config": [{"hostname": "a.example.com", "cert_id": id, "enabled": null}]});
        assert_eq!(zone.put_aop_hostnames(&void).0, 200);
        assert_eq!(zone.get_aop_hostname("a.example.com").0, 404);
        assert_eq!(zone.delete_aop_certificate(&id).0, 200);
        assert_eq!(zone.delete_aop_certificate(&id).0, 404);
        assert_eq!(zone.aop_private_key(&id), None);
    }

    #[test]
    fn an_unknown_certificate_changes_no_hostname_and_the_limit_holds() {
        let mut zone = Zone::new("z", "example.com");
        let id = upload(&mut zone);
        let mixed = json!({"config": [
            {"hostname": "a.example.com", "cert_id": id, "enabled": true},
            {"hostname": "b.example.com", "cert_id": "nope", "enabled": true}]});
        assert_eq!(zone.put_aop_hostnames(&mixed).0, 404);
        assert!(zone.aop_hostnames.is_empty());
        for _ in 1..MAX_CERTIFICATES {
            upload(&mut zone);
        }
        let (status, _) =
            zone.upload_aop_certificate(&json!({"certificate": CERT, "private_key": KEY}));
        assert_eq!(status, 400);
        let (status, _) =
            zone.upload_aop_certificate(&json!({"certificate": "x", "private_key": KEY}));
        assert_eq!(status, 400);
    }
}
