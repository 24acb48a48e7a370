//! The viewer functions' own configuration: the KeyValueStore a CloudFront Function reads, and the
//! origin-secret header the filter and Cloudflare's rule must agree on.

use super::{combine, not_applicable};
use crate::model::{Chain, CloudFrontFunction, Known};
use crate::{Check, Verdict};

/// How oac-kit's generated CloudFront Function names its header (`var SECRET_HEADER = "…";`).
const SECRET_HEADER_DECLARATION: &str = "var SECRET_HEADER = \"";

/// `kvs-association`.
pub const KVS_ASSOCIATION: Check = Check {
    id: "kvs-association",
    title: "A CloudFront Function that reads a KeyValueStore has exactly one associated",
    symptom: "503 from CloudFront for every request on the behaviour (FunctionExecutionError: `cf.kvs()` throws without an associated store), or the function cannot be published",
    fix: "Associate the function's KeyValueStore (FunctionConfig.KeyValueStoreAssociations, one ARN; CDK: `keyValueStore` of `cloudfront.Function`), or deploy the address-only filter when no store exists",
    explanation: "A CloudFront Function reads a KeyValueStore with `cf.kvs()` (`import cf from 'cloudfront'`), which works only when exactly one store is associated with the function: without one the call throws and every request on the behaviour fails with 503; CloudFront accepts no more than one. oac-kit's KVS-mode viewer filter reads the Cloudflare ranges and the origin secrets' hashes from its store.\n\nThe check looks at every CloudFront Function the behaviours associate: one whose code calls `.kvs(` must have exactly one store; a function with a store it never reads passes, with a note. A function or code the source could not read fails. Without CloudFront Functions the check is not applicable.",
    run: kvs_association,
};

/// `origin-secret-header`.
pub const ORIGIN_SECRET_HEADER: Check = Check {
    id: "origin-secret-header",
    title: "The viewer filter reads the origin-secret header Cloudflare's rule sets",
    symptom: "403 from the viewer filter for every request that came through Cloudflare (the filter looks for a header Cloudflare never sets)",
    fix: "Build the viewer filter with the header the Cloudflare rule sets (`cargo xtask cloudfront-function --origin-secret-header NAME`, or the edge bundle's `originSecretHeader`), or change the rule's header; oac-kit's construct passes one `originSecret.headerName` to both",
    explanation: "The origin secret is a header only your Cloudflare zone adds (a Transform Rule); the viewer filter admits a request only if that header carries a current secret. When the name the filter reads differs from the one the rule sets, no request ever carries it and every visitor gets 403 from CloudFront.\n\nThe check applies when the chain shows both halves: oac-kit's Cloudflare rule (its `Zone` custom resource) and a viewer-request filter that names its header: the generated CloudFront Function's `var SECRET_HEADER = \"…\";`, or the Lambda@Edge bundle's `config.json` (`originSecretHeader`, default `x-origin-secret`). Each such header must equal the rule's (header names compare case-insensitively). A viewer function the source could not read fails; otherwise the check is not applicable.",
    run: origin_secret_header,
};

/// The CloudFront Functions of every behaviour, once each (unreadable ones by their reason).
fn cloudfront_functions<'a>(
    chain: &'a Chain,
    event: Option<&str>,
) -> Vec<&'a Known<CloudFrontFunction>> {
    let mut out: Vec<&Known<CloudFrontFunction>> = Vec::new();
    let associations = chain
        .distribution
        .behaviors
        .iter()
        .flat_map(|b| &b.function_associations);
    for a in associations.filter(|a| event.is_none_or(|e| a.event_type == e)) {
        if !out.contains(&&a.function) {
            out.push(&a.function);
        }
    }
    out
}

fn kvs_association(chain: &Chain) -> Verdict {
    let functions = cloudfront_functions(chain, None);
    if functions.is_empty() {
        return not_applicable("no CloudFront Function is associated");
    }
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    let mut notes = Vec::new();
    for f in functions {
        let f = match f {
            Known::Read(f) => f,
            Known::Unknown(why) => {
                failures.push((
                    "CloudFront Function (unreadable)".to_owned(),
                    format!("a CloudFront Function could not be read ({why})"),
                ));
                continue;
            }
        };
        let Some(code) = &f.code else {
            failures.push((
                f.resource.clone(),
                format!("{}: its code could not be read, so whether it reads a KeyValueStore is unknown", f.resource),
            ));
            continue;
        };
        let stores = f.key_value_stores.len();
        match (code.contains(".kvs("), stores) {
            (_, n) if n > 1 => failures.push((
                f.resource.clone(),
                format!("{} has {n} KeyValueStores associated; CloudFront allows one", f.resource),
            )),
            (true, 0) => failures.push((
                f.resource.clone(),
                format!("{} reads a KeyValueStore (`.kvs(`) but none is associated: every request fails", f.resource),
            )),
            (false, 1) => {
                notes.push(format!("{} has a KeyValueStore it never reads", f.resource));
                passed.push(f.resource.clone());
            }
            _ => passed.push(f.resource.clone()),
        }
    }
    let mut reason = "every CloudFront Function reading a KeyValueStore has exactly one".to_owned();
    if !notes.is_empty() {
        reason = format!("{reason} (note: {})", notes.join("; "));
    }
    combine(failures, passed, reason)
}

fn origin_secret_header(chain: &Chain) -> Verdict {
    let Some(rule) = &chain.cloudflare_rule else {
        return not_applicable("the chain does not show oac-kit's Cloudflare rule");
    };
    // (resource, header the filter reads) of every viewer filter that names one.
    let mut named: Vec<(String, String)> = Vec::new();
    let mut failures = Vec::new();
    for f in cloudfront_functions(chain, Some("viewer-request")) {
        match f {
            Known::Unknown(why) => failures.push((
                rule.resource.clone(),
                format!(
                    "a viewer-request function could not be read ({why}) to compare with {}",
                    rule.resource
                ),
            )),
            Known::Read(f) => match f.code.as_deref() {
                None => failures.push((
                    f.resource.clone(),
                    format!(
                        "{}: its code could not be read to compare with {}",
                        f.resource, rule.resource
                    ),
                )),
                Some(code) => {
                    if let Some(h) = declared_header(code) {
                        named.push((f.resource.clone(), h.to_owned()));
                    }
                }
            },
        }
    }
    let edges = chain
        .distribution
        .behaviors
        .iter()
        .flat_map(|b| &b.lambda_associations)
        .filter(|a| a.event_type == "viewer-request");
    for a in edges {
        match &a.function {
            Known::Unknown(why) => failures.push((
                a.arn.clone(),
                format!(
                    "viewer-request Lambda@Edge function {} could not be read ({why})",
                    a.arn
                ),
            )),
            Known::Read(f) => match f.baked_config.as_ref().map(baked_header) {
                None | Some(Ok(None)) => {}
                Some(Ok(Some(h))) => named.push((f.resource.clone(), h)),
                Some(Err(e)) => failures.push((
                    f.resource.clone(),
                    format!("{}: config.json {e}", f.resource),
                )),
            },
        }
    }
    let mut passed = Vec::new();
    for (resource, header) in named {
        if header.eq_ignore_ascii_case(&rule.header) {
            passed.push(resource);
        } else {
            failures.push((
                resource.clone(),
                format!(
                    "{resource} reads `{header}` but {} sets `{}`",
                    rule.resource, rule.header
                ),
            ));
        }
    }
    if failures.is_empty() && passed.is_empty() {
        return not_applicable("no viewer filter names an origin-secret header");
    }
    if !failures.is_empty() {
        // The rule is half of every disagreement: name it beside the filters.
        failures.push((rule.resource.clone(), String::new()));
    }
    combine(
        failures,
        passed,
        format!(
            "the viewer filter reads `{}`, the header the Cloudflare rule sets",
            rule.header
        ),
    )
}

/// The header oac-kit's generated CloudFront Function declares, if it declares one.
fn declared_header(code: &str) -> Option<&str> {
    let start = code.find(SECRET_HEADER_DECLARATION)? + SECRET_HEADER_DECLARATION.len();
    let rest = &code[start..];
    rest.find('"').map(|end| &rest[..end])
}

/// The header an edge bundle's `config.json` makes the filter read (`None`: address only).
fn baked_header(config: &serde_json::Value) -> Result<Option<String>, String> {
    let config =
        ip_filter_core::Config::from_json(&config.to_string()).map_err(|e| e.to_string())?;
    let kvs = config.kvs().map_err(|e| e.to_string())?;
    Ok(kvs.map(|k| k.secret_header().to_owned()))
}

#[cfg(test)]
#[path = "functions_tests.rs"]
mod tests;
