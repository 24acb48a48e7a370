//! Cloudflare I/O shared by both kinds: reading the records at some names, applying a record
//! plan. Errors are Cloudflare's (`cloudflare_api::Error`'s Display), with what was being done.

use cloudflare_api::{Client, DnsRecord, ZoneId};

use crate::records::Action;

/// Every record at each of `names`.
pub async fn records_at(
    client: &Client,
    zone: &ZoneId,
    names: &[&str],
) -> Result<Vec<DnsRecord>, String> {
    let mut all = Vec::new();
    for name in names {
        let found = client
            .dns_records(zone, name)
            .await
            .map_err(|e| format!("reading the DNS records of {name}: {e}"))?;
        all.extend(found);
    }
    Ok(all)
}

/// Applies `actions` in order; the first failure stops (a retry re-plans from what is there).
pub async fn apply(client: &Client, zone: &ZoneId, actions: &[Action]) -> Result<(), String> {
    for action in actions {
        let done = match action {
            Action::Create(record) => client.create_dns_record(zone, record).await.map(drop),
            Action::Update { id, record } => {
                client.update_dns_record(zone, id, record).await.map(drop)
            }
            Action::Delete { id, .. } => client.delete_dns_record(zone, id).await,
        };
        done.map_err(|e| format!("{}: {e}", describe(action)))?;
    }
    Ok(())
}

/// `creating the DNS record a.example.com`, ...
pub fn describe(action: &Action) -> String {
    match action {
        Action::Create(r) => format!("creating the DNS record {}", r.name),
        Action::Update { record, .. } => format!("updating the DNS record {}", record.name),
        Action::Delete { name, .. } => format!("deleting the DNS record {name}"),
    }
}

/// A Cloudflare client for `base` with the token.
pub fn client(base: &str, token: cloudflare_api::ApiToken) -> Result<Client, String> {
    Client::new(base, token).map_err(|e| format!("CLOUDFLARE_API_BASE: {e}"))
}
