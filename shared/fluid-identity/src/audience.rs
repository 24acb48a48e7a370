//! The one audience rule: what an `x-fluid-audience` value may be, for the signer, the verifier's
//! configuration, the CLI and the api alike. (The CDK construct repeats it in TypeScript,
//! `infra/cdk/lib/api-environment.ts` `checkAudience`, so a bad audience fails at synth.)

use std::fmt;
use std::str::FromStr;

/// The longest audience accepted, in bytes.
pub const MAX_AUDIENCE_LEN: usize = 128;

/// Why a string is not an audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AudienceError {
    /// The empty string: it would bind a value to no service in particular.
    #[error("the audience must not be empty (1-128 visible ASCII characters)")]
    Empty,
    /// Longer than [`MAX_AUDIENCE_LEN`].
    #[error("the audience is longer than 128 characters (1-128 visible ASCII characters)")]
    TooLong,
    /// A space, control character or non-ASCII byte: not a plain header value.
    #[error("the audience must be visible ASCII without spaces (1-128 visible ASCII characters)")]
    NotVisibleAscii,
}

/// Checks the audience rule: 1 to [`MAX_AUDIENCE_LEN`] visible ASCII characters (`!` to `~`).
///
/// ```
/// use fluid_identity::{AudienceError, check_audience};
/// assert_eq!(check_audience("orders-api"), Ok(()));
/// assert_eq!(check_audience(""), Err(AudienceError::Empty));
/// assert_eq!(check_audience("orders api"), Err(AudienceError::NotVisibleAscii));
/// ```
pub fn check_audience(audience: &str) -> Result<(), AudienceError> {
    if audience.is_empty() {
        return Err(AudienceError::Empty);
    }
    if audience.len() > MAX_AUDIENCE_LEN {
        return Err(AudienceError::TooLong);
    }
    if !audience.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AudienceError::NotVisibleAscii);
    }
    Ok(())
}

/// A string that passed [`check_audience`]: the only kind a [`VerifierConfig`](crate::VerifierConfig)
/// holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Audience(String);

impl Audience {
    /// Checks `audience` and wraps it.
    pub fn new(audience: impl Into<String>) -> Result<Self, AudienceError> {
        let audience = audience.into();
        check_audience(&audience)?;
        Ok(Self(audience))
    }

    /// The audience as sent in `x-fluid-audience`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Audience {
    type Err = AudienceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Audience {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_ascii_up_to_128_characters_is_an_audience() {
        assert_eq!(check_audience("a"), Ok(()));
        assert_eq!(check_audience("111122223333:eu-west-1:Stack/Api"), Ok(()));
        assert_eq!(check_audience(&"x".repeat(MAX_AUDIENCE_LEN)), Ok(()));
    }

    #[test]
    fn the_empty_audience_is_refused() {
        assert_eq!(check_audience(""), Err(AudienceError::Empty));
    }

    #[test]
    fn an_audience_over_128_characters_is_refused() {
        let long = "x".repeat(MAX_AUDIENCE_LEN + 1);
        assert_eq!(check_audience(&long), Err(AudienceError::TooLong));
    }

    #[test]
    fn spaces_controls_and_non_ascii_are_refused() {
        for bad in [
            "orders api",
            "orders\tapi",
            "orders\u{7f}",
            "ordérs",
            "orders\n",
        ] {
            assert_eq!(
                check_audience(bad),
                Err(AudienceError::NotVisibleAscii),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn parsing_applies_the_rule() {
        assert_eq!("".parse::<Audience>(), Err(AudienceError::Empty));
        assert_eq!(
            "orders-api".parse::<Audience>().unwrap().as_str(),
            "orders-api"
        );
    }
}
