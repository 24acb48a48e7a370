//! Verifying a SigV4a signature for a known access key: the P-256 key derived from the secret
//! access key (NIST SP 800-108 counter-mode HMAC-SHA256 with label `AWS4-ECDSA-P256-SHA256`,
//! context = access key id and a counter byte, until the candidate is at most n − 2; the private
//! scalar is candidate + 1), the canonical request rebuilt from what arrived (path encoded a second
//! time, as for every service but S3), and the DER signature checked over the string to sign.

use hmac::{Hmac, Mac};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use percent_encoding::percent_decode_str;
use sha2::{Digest, Sha256};

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

/// What arrived, as the canonical request needs it.
pub struct Arrived<'a> {
    /// The method.
    pub method: &'a str,
    /// The path as sent (percent-encoded).
    pub raw_path: &'a str,
    /// The query as sent, without `?`.
    pub raw_query: &'a str,
    /// Every header, names lowercase.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

/// Checks `signed`'s signature over `arrived` with `key`.
pub fn verify(
    signed: &SignedRequest,
    arrived: &Arrived<'_>,
    key: &VerifyingKey,
) -> Result<(), String> {
    let canonical = canonical_request(signed, arrived);
    let amz_date = header(arrived.headers, "x-amz-date").unwrap_or_default();
    let string_to_sign = format!(
        "{SIGV4A_ALGORITHM}\n{amz_date}\n{}/{}/aws4_request\n{}",
        signed.date,
        signed.service,
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let signature = Signature::from_der(&signed.signature)
        .map_err(|_| "the Signature is not a DER ECDSA signature".to_owned())?;
    key.verify_prehash(&Sha256::digest(string_to_sign.as_bytes()), &signature)
        .map_err(|_| "the signature does not verify (SignatureDoesNotMatch)".to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn canonical_request(signed: &SignedRequest, arrived: &Arrived<'_>) -> String {
    let mut query: Vec<(String, String)> = arrived
        .raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (encode(&decode(k), false), encode(&decode(v), false))
        })
        .collect();
    query.sort();
    let query: Vec<String> = query.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut headers = String::new();
    for name in &signed.signed_headers {
        let values: Vec<String> = arrived
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let payload = header(arrived.headers, "x-amz-content-sha256")
        .map(str::to_owned)
        .unwrap_or_else(|| hex::encode(Sha256::digest(arrived.body)));
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        arrived.method,
        encode(arrived.raw_path.as_bytes(), true),
        query.join("&"),
        headers,
        signed.signed_headers.join(";"),
        payload
    )
}

fn decode(s: &str) -> Vec<u8> {
    percent_decode_str(s).collect()
}

/// URI-encodes `bytes`: unreserved characters kept (and `/` when `keep_slash`), the rest `%XX`.
fn encode(bytes: &[u8], keep_slash: bool) -> String {
    let mut out = String::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n_minus_2_ends_as_the_order_minus_two() {
        assert_eq!(N_MINUS_2[31], 0x4f);
        assert_eq!(plus_one([0xff; 32]), [0; 32]);
    }
}
