//! Verifying a SigV4a signature for a known access key: the P-256 key derived from the secret
//! access key (NIST SP 800-108 counter-mode HMAC-SHA256 with label `AWS4-ECDSA-P256-SHA256`,
//! context = access key id and a counter byte, until the candidate is at most n − 2; the private
//! scalar is candidate + 1), the canonical request rebuilt from what arrived by
//! [`sigv4_canonical`] (the canonicaliser of oac-dev's SigV4 verifier: path normalised and
//! encoded a second time, as for every service but S3; query read as a form), and the DER
//! signature checked over the string to sign.

use hmac::{Hmac, Mac};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};
use sigv4_canonical::{Request, canonical_request, header_values, sha256_hex, string_to_sign};

use crate::signature::{SIGV4A_ALGORITHM, SignedRequest};

/// The order of P-256 minus 2, big-endian.
const N_MINUS_2: [u8; 32] = {
    let mut n = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];
    n[31] -= 2;
    n
};

/// The verifying key of the SigV4a key derived from `secret_access_key`.
pub fn verifying_key(access_key: &str, secret_access_key: &str) -> VerifyingKey {
    let input_key = format!("AWS4A{secret_access_key}");
    let mut context = Vec::new();
    for counter in 1u8..=254 {
        // As the SDK does: the access key id is appended again on each round.
        context.extend_from_slice(access_key.as_bytes());
        context.push(counter);
        let mut mac = Hmac::<Sha256>::new_from_slice(input_key.as_bytes()).expect("any key size");
        mac.update(&1u32.to_be_bytes());
        mac.update(SIGV4A_ALGORITHM.as_bytes());
        mac.update(&[0]);
        mac.update(&context);
        mac.update(&256u32.to_be_bytes());
        let candidate: [u8; 32] = mac.finalize().into_bytes().into();
        if candidate <= N_MINUS_2 {
            let scalar = plus_one(candidate);
            let secret = p256::SecretKey::from_bytes(&scalar.into()).expect("1 ≤ scalar < n");
            return VerifyingKey::from(secret.public_key());
        }
    }
    unreachable!("a candidate above n − 2 has probability 2^-32 per round")
}

fn plus_one(mut bytes: [u8; 32]) -> [u8; 32] {
    for byte in bytes.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            break;
        }
    }
    bytes
}

/// Checks `signed`'s signature over `arrived` with `key`. The canonical request is
/// [`sigv4_canonical`]'s, the one oac-dev's SigV4 verifier builds too; the payload hash is
/// `x-amz-content-sha256` when sent ([`crate::signature::check_sigv4a`] has checked it is the
/// body's), else the body's SHA-256.
pub fn verify(
    signed: &SignedRequest,
    arrived: &Request<'_>,
    key: &VerifyingKey,
) -> Result<(), String> {
    let payload_hash = match header_values(arrived.headers, "x-amz-content-sha256").as_slice() {
        [claimed] => (*claimed).to_owned(),
        _ => sha256_hex(arrived.body),
    };
    let signed_headers: Vec<&str> = signed.signed_headers.iter().map(String::as_str).collect();
    let canonical = canonical_request(arrived, &signed_headers, &payload_hash)?;
    let amz_date = header_values(arrived.headers, "x-amz-date")
        .first()
        .copied()
        .unwrap_or_default();
    let scope = format!("{}/{}/aws4_request", signed.date, signed.service);
    let string_to_sign = string_to_sign(SIGV4A_ALGORITHM, amz_date, &scope, &canonical);
    let signature = Signature::from_der(&signed.signature)
        .map_err(|_| "the Signature is not a DER ECDSA signature".to_owned())?;
    key.verify_prehash(&Sha256::digest(string_to_sign.as_bytes()), &signature)
        .map_err(|_| "the signature does not verify (SignatureDoesNotMatch)".to_owned())
}

#[cfg(test)]
#[path = "sigv4a_verify_tests.rs"]
mod tests;
