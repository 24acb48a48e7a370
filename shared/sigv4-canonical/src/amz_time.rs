//! The two time values of SigV4: `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`, a real UTC calendar date and
//! time) and a presigned URL's `X-Amz-Expires` (decimal seconds). Digits only, fixed widths: no
//! signs, spaces or separators, whatever a general parser would tolerate. The one reader of both
//! (the X-Fluid-Identity verifier, oac-dev's Function URL check) and the one writer of
//! `X-Amz-Date` beside `aws-sigv4` (oac-dev's denial messages and Function URL events).
//!
//! Instants are Unix seconds (`u64`): a date before 1970 names no such instant and is refused,
//! as malformed, by every caller alike. `aws-sigv4` (the signer) formats the same
//! `YYYYMMDD'T'HHMMSS'Z'` from a `SystemTime`, which for a signer's clock is never before 1970,
//! and AWS refuses such a date as expired: no verifier here has a reason to read one.
//!
//! ```
//! use sigv4_canonical::amz_time::{format_amz_date, parse_amz_date};
//! assert_eq!(parse_amz_date("20240229T120000Z"), Some(1_709_208_000));
//! assert_eq!(format_amz_date(1_709_208_000), "20240229T120000Z");
//! assert_eq!(parse_amz_date("19691231T235959Z"), None);
//! ```

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Up to ten ASCII digits as a number (`None` for anything else, including the empty string):
/// `X-Amz-Expires`, and each field of `X-Amz-Date`.
pub fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYYMMDDTHHMMSSZ` → Unix seconds, if it names a real calendar date and time of day in
/// 1970..=9999 (no Feb 30, no month 13, no hour 24, no leap second).
pub fn parse_amz_date(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u8> {
        parse_digits(s.get(r)?).and_then(|n| u8::try_from(n).ok())
    };
    let year = parse_digits(s.get(0..4)?).and_then(|y| i32::try_from(y).ok())?;
    if year < 1970 {
        return None;
    }
    let month = Month::try_from(num(4..6)?).ok()?;
    let date = Date::from_calendar_date(year, month, num(6..8)?).ok()?;
    let time = Time::from_hms(num(9..11)?, num(11..13)?, num(13..15)?).ok()?;
    let seconds = PrimitiveDateTime::new(date, time)
        .assume_utc()
        .unix_timestamp();
    u64::try_from(seconds).ok()
}

/// Unix seconds → `YYYYMMDDTHHMMSSZ`, as `aws-sigv4` writes it (an instant past year 9999, which
/// no clock gives, is written as the epoch).
pub fn format_amz_date(secs: u64) -> String {
    let at = i64::try_from(secs)
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_dates_parse_to_unix_seconds() {
        // `date -u -d 2025-03-01T12:34:56Z +%s`
        assert_eq!(parse_amz_date("20250301T123456Z"), Some(1_740_832_496));
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_amz_date("20240229T000000Z"), Some(1_709_164_800));
        // `date -u -d 2028-02-29T23:59:59Z +%s`
        assert_eq!(parse_amz_date("20280229T235959Z"), Some(1_835_481_599));
    }

    #[test]
    fn february_30_is_not_a_date() {
        assert_eq!(parse_amz_date("20250230T000000Z"), None);
    }

    #[test]
    fn february_29_exists_only_in_leap_years() {
        assert_eq!(parse_amz_date("20270229T000000Z"), None);
        assert_eq!(
            parse_amz_date("21000229T000000Z"),
            None,
            "1900-style century"
        );
        assert!(
            parse_amz_date("20000229T000000Z").is_some(),
            "400-year leap"
        );
    }

    #[test]
    fn month_13_and_month_0_are_not_months() {
        assert_eq!(parse_amz_date("20251301T000000Z"), None);
        assert_eq!(parse_amz_date("20250001T000000Z"), None);
    }

    #[test]
    fn day_0_is_not_a_day() {
        assert_eq!(parse_amz_date("20250300T000000Z"), None);
    }

    #[test]
    fn hour_24_minute_60_and_second_60_are_not_times() {
        assert_eq!(parse_amz_date("20250301T240000Z"), None);
        assert_eq!(parse_amz_date("20250301T126000Z"), None);
        assert_eq!(parse_amz_date("20250301T123460Z"), None);
    }

    #[test]
    fn dates_before_1970_are_refused() {
        assert_eq!(parse_amz_date("19691231T235959Z"), None);
        assert_eq!(parse_amz_date("19000101T000000Z"), None);
        assert_eq!(parse_amz_date("00000101T000000Z"), None);
        assert_eq!(
            parse_amz_date("19700101T000000Z"),
            Some(0),
            "the first second is a date"
        );
    }

    #[test]
    fn amz_dates_round_trip() {
        for secs in [0u64, 951_782_400, 1_709_208_000, 4_102_444_799] {
            assert_eq!(parse_amz_date(&format_amz_date(secs)), Some(secs));
        }
    }

    #[test]
    fn the_last_second_of_9999_is_the_latest_date() {
        // `date -u -d 9999-12-31T23:59:59Z +%s`
        assert_eq!(format_amz_date(253_402_300_799), "99991231T235959Z");
        assert_eq!(parse_amz_date("99991231T235959Z"), Some(253_402_300_799));
        assert_eq!(format_amz_date(253_402_300_800), "19700101T000000Z");
    }

    #[test]
    fn a_signed_field_is_refused() {
        assert_eq!(parse_amz_date("2024+101T000000Z"), None);
    }

    #[test]
    fn anything_but_fixed_width_digits_is_refused() {
        for bad in [
            "2025-03-01T12:34:56Z",
            "+2025301T123456Z",
            "2025030 T123456Z",
            "20250301T12345 Z",
            "20250301t123456Z",
            "20250301T123456z",
            "20250301T1234567",
        ] {
            assert_eq!(parse_amz_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn expiry_digits_are_plain_decimal() {
        assert_eq!(parse_digits("900"), Some(900));
        for bad in ["", "-1", "+1", "1e3", "60s", "12345678901"] {
            assert_eq!(parse_digits(bad), None, "{bad}");
        }
    }
}
