//! New origin secrets: 48 bytes of the operating system's CSPRNG as 64 characters of unpadded
//! base64url, an alphabet inside the rules of `ip_filter_core::origin_secret` (checked by
//! [`check_secret`], the one home of those rules).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ip_filter_core::origin_secret::check_secret;

/// Random bytes per secret (384 bits).
pub const RANDOM_BYTES: usize = 48;

/// The secret for `random` (pure): base64url without padding, checked.
pub fn from_random(random: &[u8; RANDOM_BYTES]) -> String {
    let secret = URL_SAFE_NO_PAD.encode(random);
    check_secret(&secret).expect("64 base64url characters pass the origin-secret rules");
    secret
}

/// A new secret from the operating system's CSPRNG.
pub fn generate() -> Result<String, String> {
    let mut random = [0u8; RANDOM_BYTES];
    getrandom::fill(&mut random).map_err(|e| format!("the OS random source failed: {e}"))?;
    Ok(from_random(&random))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_pattern_gives_a_valid_64_character_secret() {
        for fill in [0x00, 0xff, 0x3e, 0xfb] {
            let secret = from_random(&[fill; RANDOM_BYTES]);
            assert_eq!(secret.len(), 64);
            assert_eq!(check_secret(&secret), Ok(()));
        }
    }

    #[test]
    fn two_generated_secrets_differ() {
        assert_ne!(generate().unwrap(), generate().unwrap());
    }
}
