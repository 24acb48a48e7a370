//! The DNS record plan (pure): from the records wanted, the names to give up and the records
//! Cloudflare holds at those names, what to create, update and delete.
//!
//! Ownership: a record is this resource's when its comment is exactly [`comment`] of this
//! resource's purpose. A record at a wanted name that is not ours refuses the whole plan, naming
//! it (nothing is changed then), with two exceptions for ACM's validation CNAMEs: a record
//! someone else made with exactly the wanted content already validates (left alone, never
//! deleted), and one made by another oac-kit certificate with the same content (ACM gives one
//! account the same validation record for a name) is adopted (its comment rewritten to ours), so
//! deleting the replaced certificate later leaves it.

use cloudflare_api::{DnsRecord, NewDnsRecord};

/// The comment oac-kit's records carry: `oac-kit: <purpose> (managed by CloudFormation)`.
pub fn comment(purpose: &str) -> String {
    format!("oac-kit: {purpose} (managed by CloudFormation)")
}

/// A record this resource wants to exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// Fully qualified, lowercase, no trailing dot.
    pub name: String,
    /// The CNAME target.
    pub content: String,
    /// Proxied (the hostnames) or DNS-only (ACM's validation records).
    pub proxied: bool,
}

/// How foreign records at a wanted name are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy<'a> {
    /// Any record not ours at the name refuses the plan (the proxied hostnames).
    Exclusive,
    /// ACM validation: a foreign CNAME with the wanted content satisfies it; one whose comment
    /// starts with this prefix (another oac-kit certificate's) is adopted.
    Validation {
        /// The comment prefix of oac-kit's validation records.
        adopt_prefix: &'a str,
    },
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Create this record.
    Create(NewDnsRecord),
    /// Rewrite record `id` to this.
    Update {
        /// The record's id.
        id: String,
        /// What it becomes.
        record: NewDnsRecord,
    },
    /// Delete record `id` (named for the log).
    Delete {
        /// The record's id.
        id: String,
        /// Its name.
        name: String,
    },
}

/// TTL 1 = automatic (Cloudflare requires it for proxied records).
pub const TTL_AUTO: u32 = 1;

/// The plan. `existing` holds every record Cloudflare lists at the wanted names and at `give_up`
/// (names no longer wanted: our records there are deleted).
pub fn plan(
    wanted: &[Wanted],
    give_up: &[String],
    existing: &[DnsRecord],
    our_comment: &str,
    policy: Policy<'_>,
) -> Result<Vec<Action>, String> {
    let is_ours = |r: &DnsRecord| r.comment.as_deref() == Some(our_comment);
    let mut actions = Vec::new();
    for want in wanted {
        let new = NewDnsRecord {
            name: want.name.clone(),
            r#type: "CNAME".to_owned(),
            content: want.content.clone(),
            proxied: want.proxied,
            comment: our_comment.to_owned(),
            ttl: TTL_AUTO,
        };
        let at_name: Vec<&DnsRecord> = existing
            .iter()
            .filter(|r| same_name(&r.name, &want.name))
            .collect();
        let (ours, foreign): (Vec<&DnsRecord>, Vec<&DnsRecord>) =
            at_name.into_iter().partition(|r| is_ours(r));
        if let Policy::Validation { adopt_prefix } = policy {
            let same =
                |r: &&&DnsRecord| r.r#type == "CNAME" && same_name(&r.content, &want.content);
            if ours.is_empty() {
                if let Some(sibling) = foreign.iter().find(|r| {
                    same(r)
                        && r.comment
                            .as_deref()
                            .is_some_and(|c| c.starts_with(adopt_prefix))
                }) {
                    actions.push(Action::Update {
                        id: sibling.id.clone(),
                        record: new,
                    });
                    continue;
                }
                if foreign.iter().any(|r| same(&r)) {
                    continue;
                }
            }
        }
        if let Some(other) = foreign.first() {
            return Err(format!(
                "{} already has a {} record (id {}, content {}) that this resource did not create; \
                 remove it, or leave the name out",
                want.name, other.r#type, other.id, other.content
            ));
        }
        match ours.split_first() {
            None => actions.push(Action::Create(new)),
            Some((first, extra)) => {
                let current = (
                    first.r#type.as_str(),
                    first.content.as_str(),
                    first.proxied,
                    first.ttl,
                );
                if current != ("CNAME", new.content.as_str(), new.proxied, new.ttl) {
                    actions.push(Action::Update {
                        id: first.id.clone(),
                        record: new,
                    });
                }
                actions.extend(extra.iter().map(|r| delete(r)));
            }
        }
    }
    for name in give_up
        .iter()
        .filter(|n| !wanted.iter().any(|w| &w.name == *n))
    {
        actions.extend(
            existing
                .iter()
                .filter(|r| same_name(&r.name, name) && is_ours(r))
                .map(delete),
        );
    }
    Ok(actions)
}

fn delete(record: &DnsRecord) -> Action {
    Action::Delete {
        id: record.id.clone(),
        name: record.name.clone(),
    }
}

/// DNS names compare case-insensitively, a trailing dot or not.
fn same_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod tests;
