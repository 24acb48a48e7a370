//! Kind OriginPullCertificate's pure decisions about what is *there*: which hostnames to point at
//! our certificate, which to let go, and which to refuse because another certificate holds
//! them; which serial keys of the Connection Function's store to put or delete. (What the CA
//! secret's certificates become is `origin_pull_ca::renewal`'s.)
//!
//! Ownership: a hostname's Authenticated Origin Pulls association is ours when its certificate
//! is one of ours (its `cloudflareId` in the CA secret). An association with any other
//! certificate is the user's: a hostname we are asked to serve that has one is refused, naming
//! it; a hostname we let go that has one is left alone.

use std::collections::BTreeMap;

use cloudflare_api::{HostnameAop, HostnameAopConfig};

/// The hostnames' changes so that every `wanted` one presents `target` (enabled) and every
/// `dropped` one that presents one of `ours` has its association voided. `current` holds each
/// hostname's association as read (`None`: it has none). Nothing for a hostname already right.
///
/// A wanted hostname whose association is with a certificate not in `ours` is refused (the
/// user's configuration is never replaced).
pub fn hostname_changes(
    wanted: &[String],
    dropped: &[String],
    current: &BTreeMap<String, Option<HostnameAop>>,
    ours: &[String],
    target: &str,
) -> Result<Vec<HostnameAopConfig>, String> {
    let mut changes = Vec::new();
    for hostname in wanted {
        let now = current.get(hostname).cloned().flatten();
        let cert = now.as_ref().and_then(|a| a.cert_id.clone());
        let enabled = now.as_ref().and_then(|a| a.enabled);
        match (cert.as_deref(), enabled) {
            (Some(id), Some(true)) if id == target => continue,
            (Some(id), Some(_)) if !ours.iter().any(|o| o == id) => {
                return Err(format!(
                    "the hostname {hostname} already presents another Authenticated Origin Pulls \
                     certificate ({id}), not one of this resource's: remove that association in \
                     Cloudflare or leave {hostname} out"
                ));
            }
            _ => changes.push(HostnameAopConfig {
                hostname: hostname.clone(),
                cert_id: target.to_owned(),
                enabled: Some(true),
            }),
        }
    }
    for hostname in dropped {
        let now = current.get(hostname).cloned().flatten();
        let cert = now.as_ref().and_then(|a| a.cert_id.clone());
        let associated = now.as_ref().is_some_and(|a| a.enabled.is_some());
        if let Some(id) = cert.filter(|id| associated && ours.iter().any(|o| o == id)) {
            changes.push(HostnameAopConfig {
                hostname: hostname.clone(),
                cert_id: id,
                enabled: None,
            });
        }
    }
    Ok(changes)
}

/// The store's changes so that all of `listed` (key → value, `serial:<hex>` as
/// `CertificateFacts::kvs_item` makes them) is there and none of `forget` (keys): puts for the
/// missing ones (or a changed value), deletes for forgotten ones still present. `present` holds
/// the store's `serial:` keys; no other key is ever touched.
pub fn serial_changes(
    listed: &BTreeMap<String, String>,
    forget: &[String],
    present: &BTreeMap<String, String>,
) -> (Vec<(String, String)>, Vec<String>) {
    let puts = listed
        .iter()
        .filter(|(key, value)| present.get(*key) != Some(*value))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let deletes = forget
        .iter()
        .filter(|key| present.contains_key(*key) && !listed.contains_key(*key))
        .cloned()
        .collect();
    (puts, deletes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "a.example.com";
    const B: &str = "b.example.com";

    fn assoc(cert: &str, enabled: Option<bool>) -> Option<HostnameAop> {
        Some(HostnameAop {
            hostname: None,
            cert_id: Some(cert.to_owned()),
            enabled,
            status: None,
        })
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn hostnames_already_on_our_certificate_are_not_written() {
        let current = BTreeMap::from([(A.to_owned(), assoc("new", Some(true)))]);
        let changes =
            hostname_changes(&names(&[A]), &[], &current, &names(&["new"]), "new").unwrap();
        assert!(changes.is_empty());
    }

    #[test]
    fn a_switch_points_our_hostnames_at_the_next_certificate() {
        let current = BTreeMap::from([
            (A.to_owned(), assoc("old", Some(true))),
            (B.to_owned(), None),
        ]);
        let ours = names(&["old", "new"]);
        let changes = hostname_changes(&names(&[A, B]), &[], &current, &ours, "new").unwrap();
        assert_eq!(changes.len(), 2);
        assert!(
            changes
                .iter()
                .all(|c| c.cert_id == "new" && c.enabled == Some(true))
        );
    }

    #[test]
    fn a_hostname_held_by_another_certificate_is_refused_by_name() {
        let current = BTreeMap::from([(A.to_owned(), assoc("theirs", Some(false)))]);
        let err =
            hostname_changes(&names(&[A]), &[], &current, &names(&["ours"]), "ours").unwrap_err();
        assert!(err.contains(A) && err.contains("theirs"), "{err}");
    }

    #[test]
    fn a_void_association_with_another_certificate_is_free_to_take() {
        let current = BTreeMap::from([(A.to_owned(), assoc("theirs", None))]);
        let changes =
            hostname_changes(&names(&[A]), &[], &current, &names(&["ours"]), "ours").unwrap();
        assert_eq!(changes[0].cert_id, "ours");
    }

    #[test]
    fn dropped_hostnames_lose_only_our_associations() {
        let current = BTreeMap::from([
            (A.to_owned(), assoc("ours", Some(true))),
            (B.to_owned(), assoc("theirs", Some(true))),
        ]);
        let changes =
            hostname_changes(&[], &names(&[A, B]), &current, &names(&["ours"]), "ours").unwrap();
        assert_eq!(
            changes,
            [HostnameAopConfig {
                hostname: A.to_owned(),
                cert_id: "ours".to_owned(),
                enabled: None
            }]
        );
    }

    #[test]
    fn serials_are_put_when_missing_and_deleted_when_forgotten() {
        let value = r#"{"notAfter":"2027-01-01T00:00:00Z","cn":"c"}"#.to_owned();
        let listed = BTreeMap::from([("serial:ab".to_owned(), value.clone())]);
        let present = BTreeMap::from([
            ("serial:cd".to_owned(), "{}".to_owned()),
            ("serial:ef".to_owned(), "{}".to_owned()),
        ]);
        let forget = names(&["serial:cd", "serial:99", "serial:ab"]);
        let (puts, deletes) = serial_changes(&listed, &forget, &present);
        assert_eq!(puts, [("serial:ab".to_owned(), value.clone())]);
        assert_eq!(deletes, ["serial:cd"], "the user's serial:ef stays");
        let present = BTreeMap::from([("serial:ab".to_owned(), value)]);
        assert_eq!(serial_changes(&listed, &[], &present), (vec![], vec![]));
    }
}
