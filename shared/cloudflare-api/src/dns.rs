//! A zone's DNS records: listed by name (every page), created, updated, deleted.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::Error;
use crate::ids::{ZoneId, check_object_id};

/// Records asked for per page (Cloudflare's default is 100).
pub const PER_PAGE: u32 = 100;
/// The most pages read for one name (records of one name are few; this only bounds a loop).
pub const MAX_PAGES: u32 = 100;

/// A DNS record as Cloudflare returns it (the fields oac-kit reads).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DnsRecord {
    /// The record's id.
    pub id: String,
    /// Its name (fully qualified, no trailing dot).
    pub name: String,
    /// `A`, `CNAME`, `TXT`, ...
    #[serde(rename = "type")]
    pub r#type: String,
    /// Its content (a CNAME's target).
    pub content: String,
    /// Whether Cloudflare proxies it.
    #[serde(default)]
    pub proxied: bool,
    /// Its comment; oac-kit's records carry `oac-kit: <purpose> (managed by CloudFormation)`.
    #[serde(default)]
    pub comment: Option<String>,
    /// Its TTL in seconds (1 = automatic).
    pub ttl: u32,
}

/// A record to create, or what a record becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewDnsRecord {
    /// Its name (fully qualified).
    pub name: String,
    /// `CNAME`, ...
    #[serde(rename = "type")]
    pub r#type: String,
    /// Its content.
    pub content: String,
    /// Whether Cloudflare proxies it.
    pub proxied: bool,
    /// Its comment (Cloudflare allows 100 characters on the Free plan).
    pub comment: String,
    /// TTL in seconds: 1 (automatic) or 60–86400.
    pub ttl: u32,
}

/// A record name: labels of `[a-z0-9_-]` (an ACM validation name starts with `_`), at least two.
pub fn check_record_name(name: &str) -> Result<(), Error> {
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    };
    if name.len() <= 253 && name.split('.').count() >= 2 && name.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "record name {name:?}: a lowercase DNS name expected"
        )))
    }
}

impl NewDnsRecord {
    fn check(&self) -> Result<(), Error> {
        check_record_name(&self.name)?;
        if self.r#type.is_empty() || !self.r#type.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::Invalid(format!("record type {:?}", self.r#type)));
        }
        if self.content.is_empty() {
            return Err(Error::Invalid("empty record content".to_owned()));
        }
        if self.ttl != 1 && !(60..=86_400).contains(&self.ttl) {
            return Err(Error::Invalid(format!("ttl {}: 1 or 60-86400", self.ttl)));
        }
        Ok(())
    }
}

impl Client {
    /// Every record named `name` (all pages).
    pub async fn dns_records(&self, zone: &ZoneId, name: &str) -> Result<Vec<DnsRecord>, Error> {
        check_record_name(name)?;
        let path = format!("/zones/{zone}/dns_records");
        let mut records = Vec::new();
        for page in 1..=MAX_PAGES {
            let query = [
                ("name", name.to_owned()),
                ("page", page.to_string()),
                ("per_page", PER_PAGE.to_string()),
            ];
            let answer = self
                .call::<Vec<DnsRecord>>(Method::GET, &path, &query, None)
                .await?;
            let empty = answer.result.is_empty();
            records.extend(answer.result);
            let total_pages = answer.result_info.map_or(1, |i| i.total_pages);
            if page >= total_pages || empty {
                return Ok(records);
            }
        }
        Err(Error::Malformed(format!(
            "more than {MAX_PAGES} pages of records named {name}"
        )))
    }

    /// Creates `record`.
    pub async fn create_dns_record(
        &self,
        zone: &ZoneId,
        record: &NewDnsRecord,
    ) -> Result<DnsRecord, Error> {
        record.check()?;
        let body = serde_json::to_value(record).map_err(|e| Error::Invalid(e.to_string()))?;
        let path = format!("/zones/{zone}/dns_records");
        Ok(self
            .call(Method::POST, &path, &[], Some(&body))
            .await?
            .result)
    }

    /// Overwrites the record `id`'s name, type, content, proxied, comment and ttl.
    pub async fn update_dns_record(
        &self,
        zone: &ZoneId,
        id: &str,
        record: &NewDnsRecord,
    ) -> Result<DnsRecord, Error> {
        check_object_id("record", id)?;
        record.check()?;
        let body = serde_json::to_value(record).map_err(|e| Error::Invalid(e.to_string()))?;
        let path = format!("/zones/{zone}/dns_records/{id}");
        Ok(self
            .call(Method::PATCH, &path, &[], Some(&body))
            .await?
            .result)
    }

    /// Deletes the record `id`.
    pub async fn delete_dns_record(&self, zone: &ZoneId, id: &str) -> Result<(), Error> {
        check_object_id("record", id)?;
        let path = format!("/zones/{zone}/dns_records/{id}");
        let _: serde_json::Value = self.call(Method::DELETE, &path, &[], None).await?.result;
        Ok(())
    }
}
