//! Every rule of the pure validation step, one test per rejection reason, plus the attack
//! catalogue from aws-iam-authenticator's and Vault's history. Each test starts from a genuine
//! presigned value (which must pass) and changes exactly one thing, so removing a rule makes its
//! test fail: either the value is accepted or it is rejected for a different reason.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use fluid_identity::{HostAllowlist, Rejection, ValidationPolicy, presign, validate};

const SIGNED_AT: u64 = 1_740_832_496; // 2025-03-01T12:34:56Z
const AMZ_DATE: &str = "20250301T123456Z";

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn now() -> SystemTime {
    at(SIGNED_AT + 10)
}

fn genuine_in(region: &str, token: Option<&str>) -> String {
    let creds = Credentials::new(
        "ASIAEXAMPLE000000001",
        "secret",
        token.map(str::to_owned),
        None,
        "test",
    );
    presign(
        &creds,
        region,
        "orders-api",
        Duration::from_secs(60),
        at(SIGNED_AT),
    )
    .unwrap()
}

fn genuine() -> String {
    genuine_in("us-east-1", Some("token/with+plus="))
}

fn check(value: &str) -> Result<(), Rejection> {
    validate(value, &ValidationPolicy::default(), now()).map(|_| ())
}

fn rejects(value: &str, reason: Rejection) {
    assert_eq!(check(value), Err(reason), "value: {value}");
}

/// Replaces the host of a genuine value.
fn with_authority(authority: &str) -> String {
    genuine().replacen("sts.us-east-1.amazonaws.com", authority, 1)
}

/// Replaces one query parameter's raw `name=value`.
fn replace_param(value: &str, name: &str, new: &str) -> String {
    let start = value.find(&format!("{name}=")).expect("param present");
    let end = value[start..].find('&').map_or(value.len(), |i| start + i);
    format!("{}{new}{}", &value[..start], &value[end..])
}

fn param<'a>(value: &'a str, name: &str) -> &'a str {
    let start = value.find(&format!("{name}=")).unwrap() + name.len() + 1;
    let end = value[start..].find('&').map_or(value.len(), |i| start + i);
    &value[start..end]
}

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

// --- query

#[test]
fn malformed_percent_encoding_and_raw_reserved_characters_are_rejected() {
    let g = genuine();
    for bad in [
        g.replacen("Action=", "Action=%4", 1),
        g.replacen("Action=", "Action=%zz", 1),
        g.replacen("Version=2011-06-15", "Version=2011-06-15+", 1),
        g.replacen("Action=GetCallerIdentity", "Action=GetCaller/Identity", 1),
        g.replacen("&Version", "&&Version", 1),
        g.replacen("&Version=2011-06-15", "&Version", 1),
        g.replacen("Action=GetCallerIdentity", "Action=GetCallerIdentity%0A", 1),
        g.replacen("Action=GetCallerIdentity", "Action=GetCaller%20Identity", 1),
        g.replacen("?", "?;", 1),
    ] {
        rejects(&bad, Rejection::MalformedQuery);
    }
}

#[test]
fn unknown_parameters_are_rejected() {
    let g = genuine();
    rejects(&format!("{g}&RoleArn=x"), Rejection::UnknownParameter);
    rejects(&format!("{g}&X-Amz-Foo=x"), Rejection::UnknownParameter);
    // Names are case-sensitive once duplicates are excluded.
    rejects(
        &g.replacen("Action=", "action=", 1),
        Rejection::UnknownParameter,
    );
}

#[test]
fn duplicate_parameters_are_rejected_case_insensitively() {
    let g = genuine();
    rejects(
        &format!("{g}&Action=GetCallerIdentity"),
        Rejection::DuplicateParameter,
    );
    // CVE-2022-2385: a case-variant duplicate overwrote the real credential.
    rejects(
        &format!("{g}&x-amz-credential=eve"),
        Rejection::DuplicateParameter,
    );
    rejects(
        &format!("{g}&X-AMZ-SIGNATURE=00"),
        Rejection::DuplicateParameter,
    );
    // Percent-encoded names are decoded before comparing.
    rejects(
        &format!("{g}&%41ction=GetCallerIdentity"),
        Rejection::DuplicateParameter,
    );
}

#[test]
fn each_required_parameter_is_required() {
    let g = genuine();
    for name in [
        "Action",
        "Version",
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
    ] {
        let without = replace_param(&g, name, "").replacen("&&", "&", 1);
        let without = without.trim_end_matches('&').replacen("?&", "?", 1);
        rejects(&without, Rejection::MissingParameter);
    }
}

#[test]
fn the_security_token_is_optional_but_not_empty() {
    check(&genuine_in("us-east-1", None)).unwrap();
    rejects(
        &replace_param(&genuine(), "X-Amz-Security-Token", "X-Amz-Security-Token="),
        Rejection::MalformedQuery,
    );
}

#[test]
fn action_swap_is_rejected() {
    // Vault CVE-2020-16250: steer the signed request to another API that reflects attacker data.
    for action in [
        "AssumeRole",
        "GetSessionToken",
        "getcalleridentity",
        "GetCallerIdentity2",
    ] {
        let value = replace_param(&genuine(), "Action", &format!("Action={action}"));
        rejects(&value, Rejection::WrongAction);
    }
}

#[test]
fn other_api_versions_are_rejected() {
    rejects(
        &replace_param(&genuine(), "Version", "Version=2012-01-01"),
        Rejection::WrongVersion,
    );
}

#[test]
fn other_algorithms_are_rejected() {
    for alg in [
        "AWS4-ECDSA-P256-SHA256",
        "AWS4-HMAC-SHA1",
        "aws4-hmac-sha256",
    ] {
        let value = replace_param(
            &genuine(),
            "X-Amz-Algorithm",
            &format!("X-Amz-Algorithm={alg}"),
        );
        rejects(&value, Rejection::WrongAlgorithm);
    }
}

#[test]
fn credential_scopes_for_other_services_regions_or_dates_are_rejected() {
    let g = genuine();
    let akid = "ASIAEXAMPLE000000001";
    for scope in [
        // aws-iam-authenticator's own test passes an s3 scope.
        format!("{akid}/20250301/us-east-1/s3/aws4_request"),
        format!("{akid}/20250301/eu-west-1/sts/aws4_request"),
        format!("{akid}/20250302/us-east-1/sts/aws4_request"),
        format!("{akid}/20250301/us-east-1/sts/aws4_request/x"),
        format!("{akid}/20250301/us-east-1/sts/aws5_request"),
        "short/20250301/us-east-1/sts/aws4_request".to_owned(),
        "20250301/us-east-1/sts/aws4_request".to_owned(),
    ] {
        let encoded = scope.replace('/', "%2F");
        let value = replace_param(
            &g,
            "X-Amz-Credential",
            &format!("X-Amz-Credential={encoded}"),
        );
        rejects(&value, Rejection::BadCredentialScope);
    }
}

#[test]
fn global_endpoint_requires_a_us_east_1_scope() {
    let value = genuine_in("eu-west-1", None).replacen(
        "sts.eu-west-1.amazonaws.com",
        "sts.amazonaws.com",
        1,
    );
    rejects(&value, Rejection::BadCredentialScope);
}

// --- time

#[test]
fn malformed_dates_are_rejected() {
    for date in [
        "2025-03-01T12%3A34%3A56Z",
        "2025030XT123456Z",
        "20250301T123456",
        "20250230T123456Z",
        "20250301T250000Z",
        "",
    ] {
        let value = replace_param(&genuine(), "X-Amz-Date", &format!("X-Amz-Date={date}"));
        rejects(&value, Rejection::BadDate);
    }
}

#[test]
fn malformed_or_zero_expiry_is_rejected() {
    for expires in ["0", "-1", "60s", "", "1e3", "99999999999"] {
        let value = replace_param(
            &genuine(),
            "X-Amz-Expires",
            &format!("X-Amz-Expires={expires}"),
        );
        rejects(&value, Rejection::BadExpires);
    }
}

#[test]
fn expiry_above_the_maximum_is_rejected() {
    let value = replace_param(&genuine(), "X-Amz-Expires", "X-Amz-Expires=901");
    rejects(&value, Rejection::ExpiryTooLong);
    let strict = ValidationPolicy {
        max_expiry: Duration::from_secs(30),
        ..ValidationPolicy::default()
    };
    assert_eq!(
        validate(&genuine(), &strict, now()),
        Err(Rejection::ExpiryTooLong)
    );
}

#[test]
fn expired_values_are_rejected_even_though_sts_would_still_accept_them() {
    let policy = ValidationPolicy::default();
    assert!(validate(&genuine(), &policy, at(SIGNED_AT + 59)).is_ok());
    assert_eq!(
        validate(&genuine(), &policy, at(SIGNED_AT + 60)),
        Err(Rejection::Expired)
    );
    assert_eq!(
        validate(&genuine(), &policy, at(SIGNED_AT + 600)),
        Err(Rejection::Expired)
    );
}

#[test]
fn dates_in_the_future_beyond_the_skew_are_rejected() {
    let policy = ValidationPolicy::default();
    assert!(validate(&genuine(), &policy, at(SIGNED_AT - 30)).is_ok());
    assert_eq!(
        validate(&genuine(), &policy, at(SIGNED_AT - 31)),
        Err(Rejection::DateInFuture)
    );
    assert_eq!(
        validate(&genuine(), &policy, at(SIGNED_AT - 86_400)),
        Err(Rejection::DateInFuture)
    );
}

// --- signed headers and signature

#[test]
fn unsigned_audience_is_rejected() {
    let value = replace_param(
        &genuine(),
        "X-Amz-SignedHeaders",
        "X-Amz-SignedHeaders=host",
    );
    rejects(&value, Rejection::AudienceNotSigned);
    let other = replace_param(
        &genuine(),
        "X-Amz-SignedHeaders",
        "X-Amz-SignedHeaders=host%3Bx-k8s-aws-id",
    );
    rejects(&other, Rejection::UnexpectedSignedHeader);
}

#[test]
fn headers_the_verifier_does_not_send_must_not_be_signed() {
    for headers in [
        "host%3Bx-amz-content-sha256%3Bx-fluid-audience",
        "x-fluid-audience",
        "host%3BX-Fluid-Audience",
    ] {
        let value = replace_param(
            &genuine(),
            "X-Amz-SignedHeaders",
            &format!("X-Amz-SignedHeaders={headers}"),
        );
        let got = check(&value).unwrap_err();
        assert!(
            matches!(got, Rejection::UnexpectedSignedHeader),
            "{headers}: {got:?}"
        );
    }
}

#[test]
fn malformed_signatures_are_rejected() {
    let g = genuine();
    let sig = param(&g, "X-Amz-Signature").to_owned();
    for bad in [
        sig[..63].to_owned(),
        sig.to_uppercase(),
        format!("{sig}00"),
        "z".repeat(64),
    ] {
        let value = replace_param(&g, "X-Amz-Signature", &format!("X-Amz-Signature={bad}"));
        rejects(&value, Rejection::BadSignature);
    }
}

#[test]
fn amz_date_constant_matches_the_signer() {
    assert_eq!(param(&genuine(), "X-Amz-Date"), AMZ_DATE);
}
