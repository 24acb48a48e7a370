//! Every check, in the order the report prints them. Each is one small pure function over a
//! [`Chain`] in the submodule of the part of the chain it looks at; this module holds the list and
//! the few helpers they share (which behaviours reach a Function URL, which headers a policy
//! sends to the origin, how a verdict is written).
//!
//! Every check fails closed: a fact the source could not read ([`Known::Unknown`]) is a failure
//! naming the reason, never a pass.

mod behaviors;
mod caching;
mod edge;
mod functions;
mod grants;
mod mtls;
mod oac;
mod tls;

#[cfg(test)]
pub(crate) mod good;

use crate::model::{Behavior, Chain, FunctionUrl, Headers, Known, Origin, OriginKind};
use crate::{Check, Status, Verdict};

static ALL: [Check; 15] = [
    oac::ORIGIN_TYPE,
    oac::SIGNING,
    oac::FUNCTION_URL_AUTH,
    grants::INVOKE_FUNCTION_URL,
    grants::INVOKE_FUNCTION,
    behaviors::HOST_NOT_FORWARDED,
    behaviors::BODY_HASH,
    behaviors::VIEWER_FILTER,
    edge::EDGE_FUNCTION_VERSION,
    caching::IDENTITY_NOT_CACHED,
    caching::STREAMING_ACCEPT_ENCODING,
    tls::VIEWER_TLS,
    mtls::VIEWER_MTLS,
    functions::KVS_ASSOCIATION,
    functions::ORIGIN_SECRET_HEADER,
];

/// Every check.
pub fn all() -> &'static [Check] {
    &ALL
}

/// The check with this ID.
///
/// ```
/// assert_eq!(oac_doctor::checks::find("body-hash").unwrap().id, "body-hash");
/// assert!(oac_doctor::checks::find("nope").is_none());
/// ```
pub fn find(id: &str) -> Option<&'static Check> {
    ALL.iter().find(|c| c.id == id)
}

/// A behaviour that sends requests to a Function URL origin.
struct Route<'a> {
    behavior: &'a Behavior,
    origin: &'a Origin,
    url: &'a Known<FunctionUrl>,
}

/// The behaviours whose target origin is a Function URL, in the distribution's order.
fn function_url_routes(chain: &Chain) -> Vec<Route<'_>> {
    chain
        .distribution
        .behaviors
        .iter()
        .filter_map(|behavior| {
            let origin = chain
                .distribution
                .origins
                .iter()
                .find(|o| o.id == behavior.target_origin_id)?;
            match &origin.kind {
                OriginKind::FunctionUrl(url) => Some(Route {
                    behavior,
                    origin,
                    url,
                }),
                _ => None,
            }
        })
        .collect()
}

/// The Function URL origins with their Function URL.
fn function_url_origins(chain: &Chain) -> Vec<(&Origin, &Known<FunctionUrl>)> {
    chain
        .distribution
        .origins
        .iter()
        .filter_map(|o| match &o.kind {
            OriginKind::FunctionUrl(url) => Some((o, url)),
            _ => None,
        })
        .collect()
}

/// What a check found on one behaviour to a Function URL.
enum Judged {
    /// The check does not concern it (e.g. it allows no body methods).
    Skip,
    /// It is as the check requires.
    Pass,
    /// It is not, for these reasons.
    Fail(Vec<String>),
}

/// One verdict over every behaviour to a Function URL: `judge` gives each its finding (each
/// failure reason is prefixed with the behaviour's name); not applicable, for `skipped`, when no
/// behaviour is concerned.
fn judge_routes(
    chain: &Chain,
    skipped: &str,
    passed_reason: &str,
    judge: impl Fn(&Route<'_>) -> Judged,
) -> Verdict {
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    for route in function_url_routes(chain) {
        let name = behavior_name(chain, route.behavior);
        match judge(&route) {
            Judged::Skip => {}
            Judged::Pass => passed.push(name),
            Judged::Fail(reasons) => {
                for r in reasons {
                    failures.push((name.clone(), format!("{name}: {r}")));
                }
            }
        }
    }
    if failures.is_empty() && passed.is_empty() {
        return not_applicable(skipped);
    }
    combine(failures, passed, passed_reason.into())
}

/// The reason a check gives for a fact the source could not read.
fn unreadable(what: &str, why: &str) -> String {
    format!("{what} could not be read ({why})")
}

/// How the report names a behaviour: `<distribution> behaviour default` or `… behaviour /api/*`.
fn behavior_name(chain: &Chain, behavior: &Behavior) -> String {
    let pattern = behavior.path_pattern.as_deref().unwrap_or("default");
    format!("{} behaviour {pattern}", chain.distribution.resource)
}

/// Whether `headers` includes the viewer header `name` (lower case).
fn includes(headers: &Headers, name: &str) -> bool {
    let listed = |list: &[String]| list.iter().any(|h| h.eq_ignore_ascii_case(name));
    match headers {
        Headers::None => false,
        Headers::AllViewer | Headers::AllViewerAndCloudFront(_) => true,
        Headers::AllExcept(except) => !listed(except),
        Headers::Only(list) => listed(list),
    }
}

/// A passing verdict.
fn pass(reason: impl Into<String>, resources: Vec<String>) -> Verdict {
    verdict(Status::Pass, reason, resources)
}

/// A failing verdict.
fn fail(reason: impl Into<String>, resources: Vec<String>) -> Verdict {
    verdict(Status::Fail, reason, resources)
}

/// A verdict for a chain the check does not concern.
fn not_applicable(reason: impl Into<String>) -> Verdict {
    verdict(Status::NotApplicable, reason, Vec::new())
}

fn verdict(status: Status, reason: impl Into<String>, resources: Vec<String>) -> Verdict {
    Verdict {
        status,
        reason: reason.into(),
        resources,
    }
}

/// One verdict from per-item findings `(resource, reason)`: a failure if any item failed (every
/// non-empty reason joined, each resource listed once), else a pass naming what was looked at.
fn combine(failures: Vec<(String, String)>, passed: Vec<String>, pass_reason: String) -> Verdict {
    if failures.is_empty() {
        pass(pass_reason, passed)
    } else {
        let reason = failures
            .iter()
            .map(|(_, r)| r.as_str())
            .filter(|r| !r.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        let mut resources: Vec<String> = Vec::new();
        for (r, _) in failures {
            if !resources.contains(&r) {
                resources.push(r);
            }
        }
        fail(reason, resources)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_every_text_is_filled() {
        let mut ids: Vec<&str> = all().iter().map(|c| c.id).collect();
        for c in all() {
            assert!(
                c.id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{}",
                c.id
            );
            for text in [c.title, c.symptom, c.fix, c.explanation] {
                assert!(!text.trim().is_empty(), "{}", c.id);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 15);
    }

    #[test]
    fn the_good_chain_passes_or_is_not_applicable_everywhere() {
        let chain = good::chain();
        for c in all() {
            let v = (c.run)(&chain);
            assert_ne!(v.status, Status::Fail, "{}: {}", c.id, v.reason);
        }
    }

    #[test]
    fn docs_doctor_md_names_exactly_the_checks_in_order() {
        let doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/doctor.md"));
        let headed: Vec<&str> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("### `")?.strip_suffix('`'))
            .collect();
        let ids: Vec<&str> = all().iter().map(|c| c.id).collect();
        assert_eq!(headed, ids, "docs/doctor.md's `### `id`` headings");
    }

    #[test]
    fn includes_reads_every_header_shape() {
        let host = |h: &Headers| includes(h, "host");
        assert!(!host(&Headers::None));
        assert!(host(&Headers::AllViewer));
        assert!(host(&Headers::AllViewerAndCloudFront(vec![])));
        assert!(!host(&Headers::AllExcept(vec!["Host".into()])));
        assert!(host(&Headers::AllExcept(vec!["origin".into()])));
        assert!(host(&Headers::Only(vec!["HOST".into()])));
        assert!(!host(&Headers::Only(vec!["origin".into()])));
    }
}
