//! The query: encoding, parameter names, Action/Version/Algorithm and the credential scope.

use super::*;

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
