//! The in-memory zone: DNS records, the `ssl` setting, the late-transform entry point with its
//! rules, and per-hostname Authenticated Origin Pulls ([`crate::aop`]). Pure: requests come in as parsed JSON, answers go out as envelopes.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::reply::{self, Reply};

/// The default page size of the DNS list (Cloudflare's).
pub const DEFAULT_PER_PAGE: u64 = 100;

/// One zone's state.
#[derive(Debug, Clone)]
pub struct Zone {
    /// The zone id.
    pub id: String,
    /// The zone's name (`example.com`).
    pub name: String,
    /// The DNS records, as Cloudflare returns them.
    pub records: Vec<Value>,
    /// The `ssl` setting's value.
    pub ssl: String,
    /// Entry point rulesets by phase (at most the late-transform one is used).
    pub entrypoints: Map<String, Value>,
    /// Hostname client certificates (Authenticated Origin Pulls), as Cloudflare describes them.
    pub aop_certificates: Vec<Value>,
    /// Their private keys by certificate id (never answered).
    pub(crate) aop_keys: BTreeMap<String, String>,
    /// Hostname associations by hostname (`hostname`, `cert_id`, `enabled`, `status`).
    pub aop_hostnames: BTreeMap<String, Value>,
    next_id: u64,
}

impl Zone {
    /// An empty zone with `ssl` = `full`.
    pub fn new(id: &str, name: &str) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            records: vec![],
            ssl: "full".to_owned(),
            entrypoints: Map::new(),
            aop_certificates: vec![],
            aop_keys: BTreeMap::new(),
            aop_hostnames: BTreeMap::new(),
            next_id: 1,
        }
    }

    /// A fresh 32-hex id.
    pub fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("{:032x}", 0xc0ffee_u128 << 64 | u128::from(self.next_id))
    }

    /// The state as JSON (tests' dump; no private key).
    pub fn dump(&self) -> Value {
        json!({"id": self.id, "name": self.name, "records": self.records, "ssl": self.ssl, "entrypoints": self.entrypoints,
               "aop_certificates": self.aop_certificates, "aop_hostnames": self.aop_hostnames})
    }

    /// `GET dns_records?name=&page=&per_page=`
    pub fn list_records(&self, name: Option<&str>, page: u64, per_page: u64) -> Reply {
        let matching: Vec<&Value> = self
            .records
            .iter()
            .filter(|r| name.is_none_or(|n| r["name"] == n))
            .collect();
        let start = (page.max(1) - 1).saturating_mul(per_page) as usize;
        let slice = matching
            .iter()
            .skip(start)
            .take(per_page as usize)
            .map(|r| (*r).clone())
            .collect();
        reply::page(slice, page.max(1), per_page, matching.len() as u64)
    }

    /// `POST dns_records` (body already shape-checked).
    pub fn create_record(&mut self, body: &Value) -> Reply {
        let name = body["name"].as_str().unwrap_or_default();
        if self.records.iter().any(|r| {
            r["name"] == name
                && ["A", "AAAA", "CNAME"].contains(&r["type"].as_str().unwrap_or_default())
        }) {
            return reply::error(
                400,
                81053,
                "An A, AAAA, or CNAME record with that host already exists.",
            );
        }
        let id = self.new_id();
        let record = self.record(&id, body);
        self.records.push(record.clone());
        reply::ok(record)
    }

    /// `PATCH dns_records/{id}`
    pub fn patch_record(&mut self, id: &str, body: &Value) -> Reply {
        let Some(index) = self.records.iter().position(|r| r["id"] == id) else {
            return reply::record_not_found();
        };
        let mut record = self.records[index].clone();
        for (k, v) in body.as_object().into_iter().flatten() {
            record[k] = v.clone();
        }
        self.records[index] = record.clone();
        reply::ok(record)
    }

    /// `DELETE dns_records/{id}`
    pub fn delete_record(&mut self, id: &str) -> Reply {
        let before = self.records.len();
        self.records.retain(|r| r["id"] != id);
        if self.records.len() == before {
            reply::record_not_found()
        } else {
            reply::ok(json!({"id": id}))
        }
    }

    fn record(&self, id: &str, body: &Value) -> Value {
        json!({
            "id": id, "zone_id": self.id, "zone_name": self.name, "name": body["name"], "type": body["type"],
            "content": body["content"], "proxiable": true, "proxied": body.get("proxied").cloned().unwrap_or(json!(false)),
            "ttl": body.get("ttl").cloned().unwrap_or(json!(1)), "comment": body.get("comment").cloned().unwrap_or(Value::Null),
            "locked": false, "meta": {}, "created_on": "2026-01-01T00:00:00Z", "modified_on": "2026-01-01T00:00:00Z",
        })
    }

    /// `GET`/`PATCH settings/ssl`
    pub fn ssl_setting(&self) -> Reply {
        reply::ok(json!({"id": "ssl", "value": self.ssl, "editable": true, "modified_on": null}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_record_once() {
        let mut zone = Zone::new("z", "example.com");
        for i in 0..5 {
            zone.records
                .push(json!({"id": i, "name": "a.example.com", "type": "TXT"}));
        }
        zone.records
            .push(json!({"id": 9, "name": "b.example.com", "type": "TXT"}));
        let (_, p2) = zone.list_records(Some("a.example.com"), 2, 2);
        assert_eq!(p2["result_info"]["total_pages"], 3);
        assert_eq!(p2["result"].as_array().unwrap().len(), 2);
        let (_, p3) = zone.list_records(Some("a.example.com"), 3, 2);
        assert_eq!(p3["result"][0]["id"], 4);
    }

    #[test]
    fn a_second_cname_on_a_name_is_refused() {
        let mut zone = Zone::new("z", "example.com");
        let body = json!({"name": "a.example.com", "type": "CNAME", "content": "x.example.net"});
        assert_eq!(zone.create_record(&body).0, 200);
        assert_eq!(zone.create_record(&body).0, 400);
        assert_eq!(zone.delete_record("nope").0, 404);
    }
}
