//! The origin secret header names the CDK app's synth check is held to
//! (`target/edge/origin-secret-header.cases.json`): every name CloudFront keeps from the viewer
//! filter (`cloudfront_event::reserved_headers`), one under each disallowed prefix, Cloudflare's
//! own, the length limit, bad tokens and good names, each with what the Rust rule
//! (`ip_filter_core::origin_secret::check_header_name`) says. `infra/cdk/test/header-name-cases.test.ts`
//! feeds each to `checkHeaderName`, so the TypeScript copy cannot drift from the rule.

use std::fs;

use anyhow::{Context, Result};
use cloudfront_event::reserved_headers::{
    DISALLOWED, DISALLOWED_PREFIXES, HOP_BY_HOP, READ_ONLY_AT_ORIGIN_REQUEST,
    READ_ONLY_AT_VIEWER_REQUEST,
};
use ip_filter_core::origin_secret::{DEFAULT_HEADER, MAX_HEADER_CHARS, check_header_name};
use serde_json::{Value, json};

/// Where the cases are written.
pub const OUTPUT: &str = "target/edge/origin-secret-header.cases.json";

/// Every name to judge.
fn names() -> Vec<String> {
    let tables = [
        DISALLOWED,
        READ_ONLY_AT_VIEWER_REQUEST,
        READ_ONLY_AT_ORIGIN_REQUEST,
        HOP_BY_HOP,
    ];
    let mut names: Vec<String> = tables
        .iter()
        .flat_map(|t| t.iter())
        .map(|n| n.to_string())
        .collect();
    names.extend(
        DISALLOWED_PREFIXES
            .iter()
            .flat_map(|p| [format!("{p}secret"), p.trim_end_matches('-').to_owned()]),
    );
    names.extend(
        [
            DEFAULT_HEADER,
            "x-zone-key",
            "authorization",
            "x-amz-content-sha256",
            "x-amzn-trace-id",
            "x-edgy",
            "cf-connecting-ip",
            "x-cf-secret",
            "X-Origin-Secret",
            "x origin",
            "x-origin:secret",
            "",
        ]
        .map(str::to_owned),
    );
    names.push("x".repeat(MAX_HEADER_CHARS));
    names.push("x".repeat(MAX_HEADER_CHARS + 1));
    names.sort();
    names.dedup();
    names
}

/// The cases: each name with the Rust verdict (`refused` carries the reason).
pub fn cases() -> Vec<Value> {
    names()
        .into_iter()
        .map(|name| match check_header_name(&name) {
            Ok(()) => json!({ "name": name, "accepted": true }),
            Err(e) => json!({ "name": name, "accepted": false, "refused": e.to_string() }),
        })
        .collect()
}

/// Writes the cases for the CDK app's test.
pub fn write() -> Result<()> {
    write_table(OUTPUT, &cases(), "origin secret header name cases")
}

/// Writes a case table a TypeScript test reads (`output`, relative to the workspace root) and
/// names it on stderr as `what`.
pub fn write_table(output: &str, cases: &[Value], what: &str) -> Result<()> {
    let path = crate::paths::in_target(output);
    fs::create_dir_all(path.parent().context("the output has a directory")?)?;
    fs::write(&path, serde_json::to_string_pretty(cases)?)
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!("{what}: {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_both_verdicts_and_every_reserved_name_is_refused() {
        let cases = cases();
        let verdict = |name: &str| {
            cases.iter().find(|c| c["name"] == name).expect("listed")["accepted"]
                .as_bool()
                .unwrap()
        };
        assert!(verdict(DEFAULT_HEADER));
        assert!(!verdict("via"));
        assert!(!verdict("x-amz-cf-secret"));
        assert!(verdict("if-none-match"), "read-only at origin request only");
    }

    #[test]
    fn both_builds_refuse_a_header_cloudfront_will_not_let_the_filter_delete() {
        let edge = crate::edge::EdgeArgs {
            kvs_arn: Some("arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c".into()),
            origin_secret_header: Some("via".into()),
            ..Default::default()
        };
        assert!(crate::edge::ip_filter_config(&edge).is_err());
        let snapshot = cloudflare_ranges::Snapshot::bundled().unwrap();
        let function = crate::cloudfront_function::render_kvs(
            &snapshot,
            &ip_filter_core::Config::default(),
            "x-amz-cf-secret",
        );
        assert!(function.is_err());
    }
}
