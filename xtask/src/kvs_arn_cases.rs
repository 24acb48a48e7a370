//! The KeyValueStore ARNs the CDK app's synth check is held to
//! (`target/edge/kvs-arn.cases.json`): AWS's shape, a local stand-in's, the id limit either side,
//! another partition (`aws-cn`, `aws-us-gov`), a region, bad accounts, another resource, and ids
//! that would leave a URL path segment, each with what the one Rust rule
//! (`ip_filter_core::kvs_arn`, which the edge build and the range sync apply) says.
//! `infra/cdk/test/kvs-arn-cases.test.ts` feeds each to `checkKeyValueStoreArn`, so the
//! TypeScript copy cannot drift from the rule.

use anyhow::Result;
use ip_filter_core::kvs_arn::{KvsArn, MAX_STORE_ID_CHARS};
use serde_json::{Value, json};

use crate::header_name_cases::write_table;

/// Where the cases are written.
pub const OUTPUT: &str = "target/edge/kvs-arn.cases.json";

/// A store ARN of account `123456789012` with `id`.
fn with_id(id: &str) -> String {
    format!("arn:aws:cloudfront::123456789012:key-value-store/{id}")
}

/// Every ARN to judge.
fn arns() -> Vec<String> {
    let mut arns: Vec<String> = [
        "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "abc",
        "A",
        "",
        "a/b",
        "a%2Fb",
        "a b",
        "a'b",
        "a\"b",
        "caf\u{e9}",
        "abc\n",
    ]
    .iter()
    .map(|id| with_id(id))
    .collect();
    arns.push(with_id(&"a".repeat(MAX_STORE_ID_CHARS)));
    arns.push(with_id(&"a".repeat(MAX_STORE_ID_CHARS + 1)));
    arns.extend(
        [
            "arn:aws:cloudfront::000000000000:key-value-store/oac-dev-local",
            "arn:aws-cn:cloudfront::123456789012:key-value-store/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "arn:aws-us-gov:cloudfront::123456789012:key-value-store/abc",
            "arn::cloudfront::123456789012:key-value-store/abc",
            "arn:aws:cloudfront:us-east-1:123456789012:key-value-store/abc",
            "arn:aws:cloudfront::12345678901:key-value-store/abc",
            "arn:aws:cloudfront::1234567890123:key-value-store/abc",
            "arn:aws:cloudfront::12345678901a:key-value-store/abc",
            "arn:aws:cloudfront::123456789012:distribution/abc",
            "ARN:AWS:CLOUDFRONT::123456789012:key-value-store/abc",
            " arn:aws:cloudfront::123456789012:key-value-store/abc",
            "",
        ]
        .map(str::to_owned),
    );
    arns
}

/// The cases: each ARN with the Rust verdict (`refused` carries the reason).
pub fn cases() -> Vec<Value> {
    arns()
        .into_iter()
        .map(|arn| match KvsArn::parse(&arn) {
            Ok(_) => json!({ "arn": arn, "accepted": true }),
            Err(e) => json!({ "arn": arn, "accepted": false, "refused": e.to_string() }),
        })
        .collect()
}

/// Writes the cases for the CDK app's test.
pub fn write() -> Result<()> {
    write_table(OUTPUT, &cases(), "KeyValueStore ARN cases")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(arn: &str) -> bool {
        let cases = cases();
        cases.iter().find(|c| c["arn"] == arn).expect("listed")["accepted"]
            .as_bool()
            .unwrap()
    }

    #[test]
    fn the_table_accepts_aws_store_arns_and_refuses_china_and_a_65_character_id() {
        assert!(verdict(&with_id("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")));
        assert!(verdict(&with_id(&"a".repeat(64))));
        assert!(!verdict(&with_id(&"a".repeat(65))));
        assert!(!verdict(
            "arn:aws-cn:cloudfront::123456789012:key-value-store/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        ));
    }

    #[test]
    fn the_edge_build_judges_every_arn_as_the_table_says() {
        for case in cases() {
            let arn = case["arn"].as_str().unwrap();
            let edge = crate::edge::EdgeArgs {
                kvs_arn: Some(arn.to_owned()),
                ..Default::default()
            };
            assert_eq!(
                crate::edge::ip_filter_config(&edge).is_ok(),
                case["accepted"].as_bool().unwrap(),
                "{arn:?}"
            );
        }
    }
}
