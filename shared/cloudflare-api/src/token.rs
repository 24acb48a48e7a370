//! The API token: a bearer credential, never printed.

use std::fmt;

/// A Cloudflare API token. `Debug` and `Display` print `ApiToken(<redacted>)`.
///
/// ```
/// let token = cloudflare_api::ApiToken::new("s3cr3t".to_owned());
/// assert_eq!(format!("{token:?} {token}"), "ApiToken(<redacted>) ApiToken(<redacted>)");
/// ```
#[derive(Clone)]
pub struct ApiToken(String);

impl ApiToken {
    /// Wraps `token`.
    pub fn new(token: String) -> Self {
        Self(token)
    }

    /// The token itself, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(<redacted>)")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
