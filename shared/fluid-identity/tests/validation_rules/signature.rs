//! The signed headers and the signature.

use super::*;

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
