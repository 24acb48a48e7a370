//! `X-Amz-Date` and `X-Amz-Expires`: real calendar dates, expiry limits, clock skew.

use super::*;

#[test]
fn malformed_dates_are_rejected() {
    for date in [
        "2025-03-01T12%3A34%3A56Z",
        "2025030XT123456Z",
        "20250301T123456",
        "",
    ] {
        rejects(&with_date(date), Rejection::BadDate);
    }
}

/// A genuine value with its raw `X-Amz-Date` replaced.
fn with_date(date: &str) -> String {
    replace_param(&genuine(), "X-Amz-Date", &format!("X-Amz-Date={date}"))
}

#[test]
fn february_30_is_not_a_date() {
    rejects(&with_date("20250230T123456Z"), Rejection::BadDate);
}

#[test]
fn month_13_is_not_a_month() {
    rejects(&with_date("20251301T123456Z"), Rejection::BadDate);
}

#[test]
fn hour_24_is_not_an_hour() {
    rejects(&with_date("20250301T240000Z"), Rejection::BadDate);
}

#[test]
fn february_29_of_a_common_year_is_not_a_date() {
    rejects(&with_date("20270229T123456Z"), Rejection::BadDate);
}

#[test]
fn a_value_signed_on_a_leap_day_is_accepted() {
    // 2028-02-29T12:00:00Z (`date -u -d 2028-02-29T12:00:00Z +%s`).
    const LEAP_DAY_NOON: u64 = 1_835_438_400;
    let creds = Credentials::new("ASIAEXAMPLE000000001", "secret", None, None, "test");
    let value = presign(
        &creds,
        "us-east-1",
        "orders-api",
        Duration::from_secs(60),
        at(LEAP_DAY_NOON),
    )
    .unwrap();
    assert_eq!(param(&value, "X-Amz-Date"), "20280229T120000Z");
    let validated = validate(&value, &ValidationPolicy::default(), at(LEAP_DAY_NOON + 1)).unwrap();
    assert_eq!(validated.signed_at(), LEAP_DAY_NOON);
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
