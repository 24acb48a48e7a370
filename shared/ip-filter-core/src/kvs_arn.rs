//! The one rule for a CloudFront KeyValueStore ARN, for every side that takes one: the edge
//! bundle's `config.json` ([`crate::kvs_config`]), the range-sync Lambda's `KVS_ARN`, and the CDK
//! app's synth-time check (`infra/cdk/lib/origin-secret.ts`), which is held to this rule by the
//! case table `cargo xtask test` writes from it.
//!
//! `arn:aws:cloudfront::<12-digit account>:key-value-store/<id>`, the id of `[A-Za-z0-9-]`, 1 to
//! [`MAX_STORE_ID_CHARS`] characters:
//!
//! - partition `aws` only: the CloudFront API reference gives the store ARN as
//!   `arn:aws:cloudfront::[0-9]{12}:key-value-store/[0-9a-fA-F-]{36}` (the China regions'
//!   reference too), the data plane the edge calls is `<account>.cloudfront-kvs.global.api.aws`,
//!   and Lambda@Edge functions live in `us-east-1`; an `aws-cn` ARN could never be served;
//! - no region: a store is global;
//! - the id: AWS issues 36 characters (a UUID); the rule admits any `[A-Za-z0-9-]` up to 64, so a
//!   local stand-in's name (`oac-dev-local`) passes, while nothing that could leave a URL path
//!   segment or a string literal (`/`, `%`, quotes, spaces) does.
//!
//! ```
//! use ip_filter_core::kvs_arn::KvsArn;
//! let arn = KvsArn::parse("arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c").unwrap();
//! assert_eq!(arn.account(), "123456789012");
//! assert_eq!(arn.id(), "0f1e2d3c");
//! assert!(KvsArn::parse("arn:aws-cn:cloudfront::123456789012:key-value-store/0f1e2d3c").is_err());
//! ```

/// The most characters a store's id may have (an id is a UUID today: 36).
pub const MAX_STORE_ID_CHARS: usize = 64;

/// The shape [`KvsArn::parse`] accepts, as error messages name it.
pub const SHAPE: &str =
    "arn:aws:cloudfront::<12-digit account>:key-value-store/<id> ([A-Za-z0-9-], at most 64)";

/// A KeyValueStore ARN that meets the rule, borrowed from the text it was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KvsArn<'a> {
    account: &'a str,
    id: &'a str,
}

/// An ARN that is not a KeyValueStore ARN of the shape [`SHAPE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not {SHAPE}")]
pub struct KvsArnError;

impl<'a> KvsArn<'a> {
    /// Checks `arn` against the rule (see the module doc).
    pub fn parse(arn: &'a str) -> Result<Self, KvsArnError> {
        let rest = arn
            .strip_prefix("arn:aws:cloudfront::")
            .ok_or(KvsArnError)?;
        let (account, id) = rest.split_once(":key-value-store/").ok_or(KvsArnError)?;
        let id_ok = !id.is_empty()
            && id.len() <= MAX_STORE_ID_CHARS
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
        if id_ok && account_ok {
            Ok(Self { account, id })
        } else {
            Err(KvsArnError)
        }
    }

    /// The account that owns the store (its data-plane endpoint is named after it).
    pub fn account(&self) -> &'a str {
        self.account
    }

    /// The store's id.
    pub fn id(&self) -> &'a str {
        self.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_id(id: &str) -> String {
        format!("arn:aws:cloudfront::123456789012:key-value-store/{id}")
    }

    #[test]
    fn a_store_arn_of_the_aws_partition_is_taken_apart() {
        let uuid = with_id("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        let arn = KvsArn::parse(&uuid).unwrap();
        assert_eq!(arn.account(), "123456789012");
        assert_eq!(arn.id(), "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        for good in [
            with_id("oac-dev-local"),
            with_id(&"a".repeat(64)),
            with_id("A"),
        ] {
            assert!(KvsArn::parse(&good).is_ok(), "{good}");
        }
    }

    #[test]
    fn another_partition_a_region_or_a_bad_account_is_refused() {
        for bad in [
            "arn:aws-cn:cloudfront::123456789012:key-value-store/abc",
            "arn:aws-us-gov:cloudfront::123456789012:key-value-store/abc",
            "arn::cloudfront::123456789012:key-value-store/abc",
            "arn:aws:cloudfront:us-east-1:123456789012:key-value-store/abc",
            "arn:aws:cloudfront::12345678901:key-value-store/abc",
            "arn:aws:cloudfront::1234567890123:key-value-store/abc",
            "arn:aws:cloudfront::12345678901a:key-value-store/abc",
            "arn:aws:cloudfront::123456789012:distribution/abc",
            "ARN:AWS:CLOUDFRONT::123456789012:key-value-store/abc",
            "",
        ] {
            assert_eq!(KvsArn::parse(bad), Err(KvsArnError), "{bad}");
        }
    }

    #[test]
    fn an_empty_long_or_escaping_id_is_refused() {
        for id in [
            String::new(),
            "a".repeat(MAX_STORE_ID_CHARS + 1),
            "a/b".into(),
            "a%2Fb".into(),
            "a b".into(),
            "a'b".into(),
            "a\"b".into(),
            "abc\n".into(),
        ] {
            assert_eq!(KvsArn::parse(&with_id(&id)), Err(KvsArnError), "{id:?}");
        }
    }

    #[test]
    fn the_shape_in_messages_names_the_id_limit() {
        assert!(SHAPE.contains(&format!("at most {MAX_STORE_ID_CHARS})")));
        assert!(KvsArnError.to_string().contains("arn:aws:cloudfront::"));
    }
}
