//! Streaming SHA-256 of a base64 body, without holding a decoded copy.

use std::mem::MaybeUninit;

use sha2::{Digest, Sha256};

/// Base64 characters decoded per step: a multiple of 4, and small enough (12 KiB decoded) to stay
/// in L1/L2 between the decoder and the hasher.
const CHUNK: usize = 16 * 1024;

/// The body's `data` is not canonical, padded, standard-alphabet base64.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("body.data is not valid base64 ({reason})")]
pub struct InvalidBase64 {
    reason: String,
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Lowercase hex SHA-256 of the bytes `data` encodes (standard alphabet, padding required,
/// no whitespace, no non-zero trailing bits — what CloudFront produces).
///
/// ```
/// assert_eq!(
///     body_hash_core::sha256_base64(b"aGVsbG8=").unwrap(),
///     "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
/// );
/// assert!(body_hash_core::sha256_base64(b"aGVsbG8").is_err());
/// ```
pub fn sha256_base64(text: &[u8]) -> Result<String, InvalidBase64> {
    if !text.len().is_multiple_of(4) {
        return Err(InvalidBase64 {
            reason: format!("length {} is not a multiple of 4", text.len()),
        });
    }
    let mut hasher = Sha256::new();
    // Left uninitialised: the decoder only writes it, and zeroing 12 KiB on every call cost more
    // than hashing a small body (it was a quarter of the addon's work on an empty one).
    let mut decoded = [MaybeUninit::<u8>::uninit(); CHUNK / 4 * 3];
    let mut chunks = text.chunks(CHUNK).peekable();
    while let Some(chunk) = chunks.next() {
        // Padding is only legal at the very end; a chunk decoded on its own would accept it.
        if chunks.peek().is_some() && chunk.last() == Some(&b'=') {
            return Err(InvalidBase64 {
                reason: "padding before the end".to_owned(),
            });
        }
        // SIMD decoding (AVX2/SSE4.1/NEON, detected at run time): strict, padded, canonical.
        let out = base64_simd::STANDARD
            .decode(chunk, base64_simd::Out::from_uninit_slice(&mut decoded))
            .map_err(|_| InvalidBase64 {
                reason: "invalid character, padding or trailing bits".to_owned(),
            })?;
        hasher.update(out);
    }
    Ok(hex::encode(hasher.finalize()))
}
