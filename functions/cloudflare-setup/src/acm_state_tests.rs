use super::*;

const ARN: &str =
    "arn:aws:acm:us-east-1:123456789012:certificate/0f2ab7c9-1111-2222-3333-444455556666";

fn view(status: &str) -> CertView {
    CertView {
        status: status.into(),
        ..CertView::default()
    }
}

#[test]
fn issued_is_done_and_pending_waits() {
    assert_eq!(progress(&view("ISSUED")), Progress::Issued);
    assert_eq!(progress(&view("PENDING_VALIDATION")), Progress::Waiting);
}

#[test]
fn every_other_status_fails_saying_so() {
    for status in [
        "FAILED",
        "VALIDATION_TIMED_OUT",
        "REVOKED",
        "EXPIRED",
        "INACTIVE",
        "",
    ] {
        let mut v = view(status);
        v.failure_reason = Some("CAA_ERROR".into());
        let Progress::Failed(reason) = progress(&v) else {
            panic!("{status}")
        };
        assert!(
            reason.contains(status) && reason.contains("CAA_ERROR"),
            "{reason}"
        );
    }
}

#[test]
fn the_idempotency_token_is_acm_shaped_stable_and_changes_with_the_names() {
    let names = vec!["a.example.com".to_owned()];
    let t = idempotency_token("stack", "Cert", &names);
    assert_eq!(t.len(), 32);
    assert!(t.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(t, idempotency_token("stack", "Cert", &names));
    assert_ne!(
        t,
        idempotency_token("stack", "Cert", &["b.example.com".to_owned()])
    );
    assert_ne!(t, idempotency_token("stack", "Cert2", &names));
    assert_ne!(t, idempotency_token("stack2", "Cert", &names));
}

#[test]
fn validation_records_drop_the_dot_lowercase_and_deduplicate() {
    let mut v = view("PENDING_VALIDATION");
    v.validation = vec![
        Some((
            "_X1.a.example.com.".into(),
            "_Y1.acm-validations.aws.".into(),
        )),
        Some((
            "_x1.a.example.com.".into(),
            "_y1.acm-validations.aws.".into(),
        )),
        None,
    ];
    let wanted = validation_wanted(&v);
    assert_eq!(wanted.len(), 1);
    assert_eq!(
        (
            wanted[0].name.as_str(),
            wanted[0].content.as_str(),
            wanted[0].proxied
        ),
        ("_x1.a.example.com", "_y1.acm-validations.aws", false)
    );
}

#[test]
fn the_comment_names_the_certificate_and_shares_the_prefix() {
    let c = validation_comment(ARN);
    assert_eq!(
        c,
        "oac-kit: acm-validation 0f2ab7c9-1111-2222-3333-444455556666 (managed by CloudFormation)"
    );
    assert!(c.len() <= 100);
    assert!(c.starts_with(&validation_prefix()));
    assert_eq!(validation_prefix(), "oac-kit: acm-validation ");
}

#[test]
fn only_us_east_1_certificate_arns_are_physical_ids() {
    assert!(is_certificate_arn(ARN));
    for bad in [
        "cloudflare-zone:x:y",
        "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
        "arn:aws:iam::123456789012:role/x",
        "",
    ] {
        assert!(!is_certificate_arn(bad), "{bad}");
    }
}
