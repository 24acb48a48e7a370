//! The baseline, the header value and the URL shape (scheme, authority, host, path).

use super::*;

// --- the baseline passes, and the verifier rebuilds it byte for byte

#[test]
fn genuine_values_pass_in_every_partition() {
    for (region, host) in [
        ("us-east-1", "sts.us-east-1.amazonaws.com"),
        ("eu-west-1", "sts.eu-west-1.amazonaws.com"),
        ("cn-north-1", "sts.cn-north-1.amazonaws.com.cn"),
        ("us-gov-west-1", "sts.us-gov-west-1.amazonaws.com"),
    ] {
        let value = genuine_in(region, None);
        let v = validate(&value, &ValidationPolicy::default(), now()).unwrap();
        assert_eq!(v.host(), host);
        assert_eq!(v.region(), region);
        assert_eq!(v.url(), value);
        assert_eq!(v.expires_at(), SIGNED_AT + 60);
    }
    check(&genuine()).unwrap();
}

#[test]
fn global_and_fips_hosts_pass_when_signed_for_their_region() {
    check(&with_authority("sts.amazonaws.com")).unwrap();
    check(&with_authority("sts-fips.us-east-1.amazonaws.com")).unwrap();
    check(&with_authority("sts.us-east-1.amazonaws.com:443")).unwrap();
}

#[test]
fn debug_output_never_shows_the_signature() {
    let value = genuine();
    let v = validate(&value, &ValidationPolicy::default(), now()).unwrap();
    let debug = format!("{v:?}");
    assert!(!debug.contains(param(&value, "X-Amz-Signature")));
    assert!(!debug.contains("token"));
}

// --- the header value

#[test]
fn empty_value_is_missing() {
    rejects("", Rejection::Missing);
}

#[test]
fn value_over_4_kib_is_too_long() {
    let value = format!("{}&{}", genuine(), "a".repeat(4096));
    rejects(&value, Rejection::TooLong);
}

#[test]
fn control_characters_spaces_and_non_ascii_are_rejected() {
    let g = genuine();
    for bad in [
        g.replacen("?", "?\r\nX-Injected: 1&", 1),
        g.replacen("Action", "Act\tion", 1),
        g.replacen("Action", "Act ion", 1),
        g.replacen("sts.", "ſts.", 1),
        format!("{g}\u{0}"),
    ] {
        rejects(&bad, Rejection::InvalidCharacter);
    }
}

// --- URL shape

#[test]
fn http_and_other_schemes_are_rejected() {
    let g = genuine();
    rejects(&g.replacen("https://", "http://", 1), Rejection::NotHttps);
    rejects(&g.replacen("https://", "HTTPS://", 1), Rejection::NotHttps);
    rejects(&g.replacen("https://", "https:/", 1), Rejection::NotHttps);
    rejects(&g.replacen("https://", "//", 1), Rejection::NotHttps);
    rejects(&g.replacen("https://", "file://", 1), Rejection::NotHttps);
}

#[test]
fn userinfo_is_rejected() {
    // The classic: looks like STS, connects to evil.example.
    rejects(
        &with_authority("sts.amazonaws.com@evil.example"),
        Rejection::Userinfo,
    );
    rejects(
        &with_authority("user:pass@sts.us-east-1.amazonaws.com"),
        Rejection::Userinfo,
    );
}

#[test]
fn ports_other_than_443_are_rejected() {
    rejects(
        &with_authority("sts.us-east-1.amazonaws.com:8443"),
        Rejection::Port,
    );
    rejects(
        &with_authority("sts.us-east-1.amazonaws.com:"),
        Rejection::Port,
    );
    rejects(
        &with_authority("sts.us-east-1.amazonaws.com:0443"),
        Rejection::Port,
    );
    rejects(
        &with_authority("sts.us-east-1.amazonaws.com:443:443"),
        Rejection::Port,
    );
}

#[test]
fn fragments_are_rejected() {
    rejects(&format!("{}#frag", genuine()), Rejection::Fragment);
    rejects(
        &with_authority("evil.example#@sts.us-east-1.amazonaws.com"),
        Rejection::Fragment,
    );
}

#[test]
fn paths_other_than_root_are_rejected() {
    let g = genuine();
    rejects(&g.replacen(".com/?", ".com/x?", 1), Rejection::PathNotRoot);
    rejects(
        &g.replacen(".com/?", ".com/%2e%2e/?", 1),
        Rejection::PathNotRoot,
    );
    rejects(&g.replacen(".com/?", ".com//?", 1), Rejection::PathNotRoot);
    rejects(&g.replacen(".com/?", ".com?", 1), Rejection::PathNotRoot);
}

#[test]
fn percent_encoded_hosts_are_rejected() {
    rejects(
        &with_authority("sts%2eus-east-1.amazonaws.com"),
        Rejection::PercentEncodedHost,
    );
    rejects(
        &with_authority("%73ts.us-east-1.amazonaws.com"),
        Rejection::PercentEncodedHost,
    );
}

#[test]
fn ip_literals_are_rejected() {
    rejects(&with_authority("169.254.169.254"), Rejection::IpLiteral);
    rejects(&with_authority("127.0.0.1:443"), Rejection::IpLiteral);
    rejects(&with_authority("[::1]"), Rejection::IpLiteral);
    rejects(&with_authority("[fd00:ec2::254]:443"), Rejection::IpLiteral);
}

#[test]
fn trailing_dots_are_rejected() {
    rejects(
        &with_authority("sts.us-east-1.amazonaws.com."),
        Rejection::TrailingDot,
    );
    rejects(
        &with_authority("sts.us-east-1.amazonaws.com.:443"),
        Rejection::TrailingDot,
    );
}

#[test]
fn hosts_outside_the_exact_allowlist_are_rejected() {
    for host in [
        // An S3 bucket named "sts": what "sts.<any label>.amazonaws.com" would admit.
        "sts.s3.amazonaws.com",
        "sts.not-a-region.amazonaws.com",
        "sts.us-east-1.amazonaws.com.evil.example",
        "evil.example",
        "STS.us-east-1.amazonaws.com",
        "sts.us-east-1.amazonaws.com.cn",
        // The global endpoint exists only in the aws partition.
        "sts.amazonaws.com.cn",
        "sts-fips.eu-west-1.amazonaws.com",
        "iam.amazonaws.com",
        "",
        "localhost",
    ] {
        rejects(&with_authority(host), Rejection::HostNotAllowed);
    }
}

#[test]
fn region_lists_are_configurable_and_exact() {
    let policy = ValidationPolicy {
        hosts: HostAllowlist::for_regions(&["eu-west-1"]).unwrap(),
        ..ValidationPolicy::default()
    };
    assert!(validate(&genuine_in("eu-west-1", None), &policy, now()).is_ok());
    assert_eq!(
        validate(&genuine_in("us-east-1", None), &policy, now()).unwrap_err(),
        Rejection::HostNotAllowed
    );
}

#[test]
fn extra_hosts_such_as_vpc_endpoints_can_be_allowed() {
    let vpce = "vpce-0123-abcd.sts.us-east-1.vpce.amazonaws.com";
    let value = with_authority(vpce);
    rejects(&value, Rejection::HostNotAllowed);
    let policy = ValidationPolicy {
        hosts: HostAllowlist::standard()
            .with_extra_host(vpce, "us-east-1")
            .unwrap(),
        ..ValidationPolicy::default()
    };
    assert_eq!(validate(&value, &policy, now()).unwrap().host(), vpce);
}
