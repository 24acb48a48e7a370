//! Where the KeyValueStore's items come from: set up by the chain's configuration and the origin
//! secrets' source, read by the CloudFront side ([`crate::cloudfront::kvs`]).

use std::path::PathBuf;

use cloudflare_ranges::Snapshot;
use ip_filter_core::kvs_layout::{ORIGIN_SECRETS_KEY, encode_ranges};
use ip_filter_core::origin_secret::{SecretError, secrets_value};

/// The store's items, key → value, in the order written.
pub type Items = Vec<(String, String)>;

/// Where the store's items come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KvsSource {
    /// The KVS stand-in's state file (`{"etag":…,"items":[{"key":…,"value":…}]}`); missing or
    /// unreadable: every read fails.
    File(PathBuf),
    /// Fixed items: the compiled ranges and the secrets' hashes (never the secrets).
    Items(Items),
}

impl KvsSource {
    /// Items for 1 or 2 secrets (checked; only their SHA-256 is kept) and the bundled
    /// Cloudflare ranges. The error never contains a secret.
    pub fn from_secrets<S: AsRef<str>>(secrets: &[S]) -> Result<Self, SecretError> {
        let secrets = secrets_value(secrets)?;
        let nets = Snapshot::bundled()
            .and_then(|s| s.nets())
            .expect("the bundled snapshot is valid (its tests say so)");
        let mut items = encode_ranges(&nets).expect("the bundled ranges meet the layout");
        items.push((ORIGIN_SECRETS_KEY.to_owned(), secrets));
        Ok(Self::Items(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";

    #[test]
    fn a_short_secret_is_refused_without_being_echoed() {
        let e = KvsSource::from_secrets(&["short".to_owned()]).unwrap_err();
        assert_eq!(e, SecretError::Malformed);
        assert!(!e.to_string().contains("short"));
    }

    #[test]
    fn three_secrets_are_refused() {
        let three: Vec<String> = (0..3).map(|i| format!("{SECRET}{i}")).collect();
        assert_eq!(
            KvsSource::from_secrets(&three).unwrap_err(),
            SecretError::Count
        );
    }
}
