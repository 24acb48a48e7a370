use super::*;

const ARN: &str =
    "arn:aws:cloudfront::123456789012:key-value-store/0f2ab7c9-1111-2222-3333-444455556666";

fn config(extra: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let mut vars = vec![
        ("KVS_ARN", ARN),
        ("CLOUDFLARE_ZONE_ID", "0123456789abcdef0123456789abcdef"),
        (
            "CLOUDFLARE_TOKEN_SECRET_ARN",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:cf",
        ),
        ("CLOUDFLARE_RULE_REF", "oac-kit-origin-secret-1"),
        ("HOSTNAMES", "api.example.com,www.example.com"),
    ];
    vars.extend_from_slice(extra);
    Config::from_vars(|name| {
        vars.iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
    })
}

#[test]
fn the_defaults_test_the_first_hostname_through_cloudflare() {
    let c = config(&[]).unwrap();
    assert_eq!(c.test_url.as_str(), "https://api.example.com/health");
    assert_eq!(
        c.cloudflare_api_base,
        "https://api.cloudflare.com/client/v4"
    );
    assert_eq!(c.header, "x-origin-secret");
    assert_eq!(
        (c.test_attempts, c.test_delay),
        (10, Duration::from_secs(3))
    );
    assert_eq!(c.hostnames, ["api.example.com", "www.example.com"]);
}

#[test]
fn each_wrong_value_is_refused_naming_its_variable() {
    for (name, value) in [
        ("CLOUDFLARE_ZONE_ID", "not-a-zone"),
        ("CLOUDFLARE_RULE_REF", "a ref"),
        ("HOSTNAMES", "api.example.com,\"x\" or true"),
        ("ORIGIN_SECRET_HEADER", "cf-secret"),
        ("TEST_URL", "http://api.example.com/health"),
        ("TEST_ATTEMPTS", "0"),
        ("TEST_DELAY_MS", "soon"),
        (
            "SECRETSMANAGER_ENDPOINT_URL",
            "https://secretsmanager.example.com",
        ),
        ("CLOUDFLARE_API_BASE", "http://api.cloudflare.com/client/v4"),
        ("KVS_ENDPOINT", "https://example.com"),
    ] {
        let err = config(&[(name, value)]).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Invalid { name: n, .. } if *n == name),
            "{name}: {err}"
        );
    }
}

#[test]
fn a_missing_zone_is_refused() {
    let err = config(&[("CLOUDFLARE_ZONE_ID", "")]).unwrap_err();
    assert_eq!(err, ConfigError::Missing("CLOUDFLARE_ZONE_ID"));
}

#[test]
fn loopback_endpoints_are_taken_for_tests() {
    let c = config(&[
        ("TEST_URL", "http://127.0.0.1:9/health"),
        ("SECRETSMANAGER_ENDPOINT_URL", "http://127.0.0.1:5000"),
    ])
    .unwrap();
    assert_eq!(c.test_url.as_str(), "http://127.0.0.1:9/health");
    assert_eq!(
        c.secretsmanager_endpoint.as_deref(),
        Some("http://127.0.0.1:5000")
    );
}
