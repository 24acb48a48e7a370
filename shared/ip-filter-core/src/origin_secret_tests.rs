use super::*;

const CURRENT: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
const NEXT: &str = "Zp4s9TqX2mVb7nK1cR8wL3yH6gF0dJ5e";

fn both() -> OriginSecrets {
    OriginSecrets::from_kvs_value(&secrets_value(&[CURRENT, NEXT]).unwrap()).unwrap()
}

#[test]
fn either_of_two_secrets_is_admitted() {
    assert!(both().admits(CURRENT));
    assert!(both().admits(NEXT));
}

#[test]
fn a_wrong_secret_is_not_admitted() {
    assert!(!both().admits("k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZb"));
    assert!(!both().admits(""));
    assert!(!both().admits(&format!("{CURRENT} ")));
}

#[test]
fn the_stored_hash_itself_is_not_a_secret() {
    assert!(!both().admits(&sha256_hex(CURRENT)));
}

#[test]
fn the_kvs_value_holds_hashes_not_secrets() {
    let value = secrets_value(&[CURRENT]).unwrap();
    assert!(!value.contains(CURRENT));
    assert_eq!(value, format!("oac-secrets/1 {}", sha256_hex(CURRENT)));
}

#[test]
fn short_long_or_odd_secrets_are_refused() {
    for bad in [
        "short".to_owned(),
        "a".repeat(MIN_SECRET_CHARS - 1),
        "a".repeat(MAX_SECRET_CHARS + 1),
        format!("{} b", "a".repeat(40)),
        format!("{}\n", "a".repeat(40)),
        format!("{}é", "a".repeat(40)),
    ] {
        assert_eq!(check_secret(&bad), Err(SecretError::Malformed), "{bad:?}");
    }
    assert_eq!(check_secret(&"a".repeat(MIN_SECRET_CHARS)), Ok(()));
}

#[test]
fn none_three_or_a_repeated_secret_are_refused() {
    assert_eq!(secrets_value::<&str>(&[]), Err(SecretError::Count));
    assert_eq!(
        secrets_value(&[CURRENT, NEXT, &"c".repeat(40)]),
        Err(SecretError::Count)
    );
    assert_eq!(secrets_value(&[CURRENT, CURRENT]), Err(SecretError::Count));
}

#[test]
fn header_names_must_be_lowercase_tokens() {
    assert_eq!(check_header_name(DEFAULT_HEADER), Ok(()));
    for bad in [
        "",
        "X-Origin-Secret",
        "x origin",
        "x-origin:secret",
        "x-ørigin",
    ] {
        assert_eq!(
            check_header_name(bad),
            Err(SecretError::HeaderName),
            "{bad:?}"
        );
    }
}

#[test]
fn header_names_longer_than_the_limit_are_refused() {
    assert_eq!(check_header_name(&"x".repeat(MAX_HEADER_CHARS)), Ok(()));
    assert_eq!(
        check_header_name(&"x".repeat(MAX_HEADER_CHARS + 1)),
        Err(SecretError::HeaderName)
    );
}

#[test]
fn header_names_cloudflare_cannot_set_are_refused() {
    for bad in ["cf-connecting-ip", "cf-secret", "x-cf-secret"] {
        assert_eq!(
            check_header_name(bad),
            Err(SecretError::HeaderCloudflareOwned),
            "{bad:?}"
        );
    }
}

#[test]
fn header_names_the_viewer_filter_may_not_delete_are_refused() {
    // Disallowed, under a disallowed prefix, read-only at viewer request, hop-by-hop.
    for bad in [
        "x-amzn-cf-id",
        "x-amz-cf-secret",
        "x-edge-secret",
        "x-accel-secret",
        "via",
        "host",
        "content-length",
        "te",
    ] {
        assert_eq!(
            check_header_name(bad),
            Err(SecretError::HeaderCloudFrontOwned),
            "{bad:?}"
        );
    }
    // Read-only at origin request only: the viewer filter may delete it.
    assert_eq!(check_header_name("if-none-match"), Ok(()));
}

#[test]
fn constant_time_eq_is_equality() {
    let a = [7u8; 32];
    let mut b = a;
    assert_eq!(constant_time_eq(&a, &b), 1);
    for i in 0..32 {
        for bit in 0..8 {
            b = a;
            b[i] ^= 1 << bit;
            assert_eq!(constant_time_eq(&a, &b), 0);
        }
    }
}
