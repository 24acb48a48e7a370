//! Random request bodies from a seeded PRNG: the seed is printed, `OAC_BODY_SEED=<n>` replays a run.

/// One mebibyte.
pub const MIB: usize = 1 << 20;

/// A PRNG seeded from `OAC_BODY_SEED`, else at random; the seed is printed for a replay.
pub fn rng() -> fastrand::Rng {
    let seed = std::env::var("OAC_BODY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("OAC_BODY_SEED={seed}");
    fastrand::Rng::with_seed(seed)
}

/// `len` random bytes (every byte value).
pub fn random_bytes(rng: &mut fastrand::Rng, len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    rng.fill(&mut bytes);
    bytes
}

/// `len` random printable ASCII characters: a text body Lambda passes as text, not base64.
pub fn random_text(rng: &mut fastrand::Rng, len: usize) -> Vec<u8> {
    (0..len).map(|_| rng.u8(b' '..=b'~')).collect()
}

/// `oac-echo`'s answer says it got exactly `body`, signed with its hash.
pub fn assert_echoed_byte_identical(echo: &serde_json::Value, body: &[u8]) {
    let hash = oac_dev::sigv4_fixtures::sha256_hex(body);
    assert_eq!(echo["bodyLength"], body.len());
    assert_eq!(echo["bodySha256"], hash, "the body changed on the way");
    assert_eq!(echo["headers"]["x-amz-content-sha256"], hash);
}
