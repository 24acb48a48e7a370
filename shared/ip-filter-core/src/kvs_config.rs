//! The Lambda@Edge bundle's KVS options (`config.json`: `kvsArn`, `originSecretHeader`,
//! `refreshSeconds`, `kvsEndpoint`), checked strictly: Lambda@Edge has no environment variables,
//! so the store's ARN is baked in at build time and a bad one must fail the build or the init,
//! never a request.
//!
//! ```
//! use ip_filter_core::kvs_config::KvsConfig;
//! let arn = "arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
//! let kvs = KvsConfig::new(arn, None, None, None).unwrap();
//! assert_eq!(kvs.secret_header(), "x-origin-secret");
//! assert_eq!(kvs.refresh_seconds(), 60);
//! assert_eq!(kvs.endpoint(), "https://123456789012.cloudfront-kvs.global.api.aws");
//! assert!(KvsConfig::new(arn, None, Some(5), None).is_err());
//! ```

use crate::kvs_arn::{self, KvsArn};
use crate::origin_secret::{DEFAULT_HEADER, SecretError, check_header_name};

/// The refresh interval when `refreshSeconds` is not given.
pub const DEFAULT_REFRESH_SECONDS: u32 = 60;
/// The shortest refresh interval allowed.
pub const MIN_REFRESH_SECONDS: u32 = 10;
/// The longest refresh interval allowed.
pub const MAX_REFRESH_SECONDS: u32 = 3600;

/// A KVS option that must not be deployed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KvsConfigError {
    /// Not a KeyValueStore ARN by the one rule ([`crate::kvs_arn`]).
    #[error("kvsArn must be {}", kvs_arn::SHAPE)]
    Arn,
    /// A header name the origin secret cannot use ([`check_header_name`] says why).
    #[error("originSecretHeader: {0}")]
    HeaderName(SecretError),
    /// Outside 10–3600.
    #[error("refreshSeconds must be {MIN_REFRESH_SECONDS}–{MAX_REFRESH_SECONDS}")]
    RefreshSeconds,
    /// Anything but a loopback `http://127.0.0.1:<port>` or `http://[::1]:<port>`.
    #[error("kvsEndpoint (tests only) must be http://127.0.0.1:<port> or http://[::1]:<port>")]
    Endpoint,
    /// A KVS option given without `kvsArn`: it would do nothing, so it is refused.
    #[error("originSecretHeader, refreshSeconds and kvsEndpoint need kvsArn")]
    WithoutArn,
}

/// The checked KVS options of the edge bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvsConfig {
    arn: String,
    account: String,
    secret_header: String,
    refresh_seconds: u32,
    endpoint: String,
}

impl KvsConfig {
    /// Checks the options as `config.json` gives them; `None` takes the default.
    pub fn new(
        arn: &str,
        secret_header: Option<&str>,
        refresh_seconds: Option<u32>,
        endpoint: Option<&str>,
    ) -> Result<Self, KvsConfigError> {
        let account = KvsArn::parse(arn)
            .map_err(|_| KvsConfigError::Arn)?
            .account()
            .to_owned();
        let secret_header = secret_header.unwrap_or(DEFAULT_HEADER);
        check_header_name(secret_header).map_err(KvsConfigError::HeaderName)?;
        let refresh_seconds = refresh_seconds.unwrap_or(DEFAULT_REFRESH_SECONDS);
        if !(MIN_REFRESH_SECONDS..=MAX_REFRESH_SECONDS).contains(&refresh_seconds) {
            return Err(KvsConfigError::RefreshSeconds);
        }
        let endpoint = match endpoint {
            Some(url) if is_loopback_endpoint(url) => url.to_owned(),
            Some(_) => return Err(KvsConfigError::Endpoint),
            None => format!("https://{account}.cloudfront-kvs.global.api.aws"),
        };
        Ok(Self {
            arn: arn.to_owned(),
            account,
            secret_header: secret_header.to_owned(),
            refresh_seconds,
            endpoint,
        })
    }

    /// The store's ARN.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// The account that owns the store (its data-plane endpoint is named after it).
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The name of the header carrying the origin secret (lowercase).
    pub fn secret_header(&self) -> &str {
        &self.secret_header
    }

    /// How old the fetched data may get before a request refreshes it.
    pub fn refresh_seconds(&self) -> u32 {
        self.refresh_seconds
    }

    /// Scheme and authority of the data-plane API: `https://<account>.cloudfront-kvs.global.api.aws`,
    /// or the loopback stand-in of a test.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

/// `http://127.0.0.1:<port>` or `http://[::1]:<port>`, the port 1–65535 in plain decimal.
fn is_loopback_endpoint(url: &str) -> bool {
    let Some(port) = ["http://127.0.0.1:", "http://[::1]:"]
        .iter()
        .find_map(|prefix| url.strip_prefix(prefix))
    else {
        return false;
    };
    !port.is_empty()
        && !port.starts_with('0')
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| p <= 65_535)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c-4b5a-6978";

    #[test]
    fn a_kvs_arn_of_another_shape_is_refused() {
        for bad in [
            "",
            "arn:aws:cloudfront::12345678901:key-value-store/abc",
            "arn:aws:cloudfront::1234567890123:key-value-store/abc",
            "arn:aws:cloudfront::12345678901a:key-value-store/abc",
            "arn:aws:cloudfront:us-east-1:123456789012:key-value-store/abc",
            "arn:aws-cn:cloudfront::123456789012:key-value-store/abc",
            "arn:aws:cloudfront::123456789012:distribution/abc",
            "arn:aws:cloudfront::123456789012:key-value-store/",
            "arn:aws:cloudfront::123456789012:key-value-store/a/b",
            "arn:aws:cloudfront::123456789012:key-value-store/a%2Fb",
            &format!(
                "arn:aws:cloudfront::123456789012:key-value-store/{}",
                "a".repeat(65)
            ),
        ] {
            assert_eq!(
                KvsConfig::new(bad, None, None, None),
                Err(KvsConfigError::Arn),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_header_name_that_is_not_a_lowercase_token_is_refused() {
        for bad in ["", "X-Origin-Secret", "x origin", "x-origin-secret:"] {
            assert_eq!(
                KvsConfig::new(ARN, Some(bad), None, None),
                Err(KvsConfigError::HeaderName(SecretError::HeaderName)),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_header_name_cloudfront_keeps_from_the_filter_is_refused_and_named_so() {
        let e = KvsConfig::new(ARN, Some("via"), None, None).unwrap_err();
        assert_eq!(
            e,
            KvsConfigError::HeaderName(SecretError::HeaderCloudFrontOwned)
        );
        assert!(e.to_string().contains("CloudFront"), "{e}");
    }

    #[test]
    fn a_refresh_interval_outside_ten_to_3600_seconds_is_refused() {
        for bad in [0, 9, 3601] {
            assert_eq!(
                KvsConfig::new(ARN, None, Some(bad), None),
                Err(KvsConfigError::RefreshSeconds)
            );
        }
        for good in [10, 3600] {
            assert_eq!(
                KvsConfig::new(ARN, None, Some(good), None)
                    .unwrap()
                    .refresh_seconds(),
                good
            );
        }
    }

    #[test]
    fn an_endpoint_other_than_loopback_http_is_refused() {
        for bad in [
            "https://127.0.0.1:8080",
            "http://localhost:8080",
            "http://127.0.0.2:8080",
            "http://127.0.0.1",
            "http://127.0.0.1:",
            "http://127.0.0.1:0",
            "http://127.0.0.1:08080",
            "http://127.0.0.1:65536",
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080@evil.example",
            "http://[::1]:80/x",
            "http://evil.example:80",
        ] {
            assert_eq!(
                KvsConfig::new(ARN, None, None, Some(bad)),
                Err(KvsConfigError::Endpoint),
                "{bad}"
            );
        }
        for good in ["http://127.0.0.1:1", "http://[::1]:65535"] {
            assert_eq!(
                KvsConfig::new(ARN, None, None, Some(good))
                    .unwrap()
                    .endpoint(),
                good
            );
        }
    }

    #[test]
    fn the_endpoint_is_named_after_the_stores_account() {
        let kvs = KvsConfig::new(ARN, Some("x-zone-key"), None, None).unwrap();
        assert_eq!(kvs.account(), "123456789012");
        assert_eq!(
            kvs.endpoint(),
            "https://123456789012.cloudfront-kvs.global.api.aws"
        );
        assert_eq!(kvs.secret_header(), "x-zone-key");
    }
}
