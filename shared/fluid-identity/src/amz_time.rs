//! The two time values of a presigned URL: `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`, a real UTC calendar
//! date and time) and `X-Amz-Expires` (decimal seconds). Digits only, fixed widths: no signs,
//! spaces or separators, whatever a general parser would tolerate.

use time::{Date, Month, PrimitiveDateTime, Time};

/// Up to ten ASCII digits as a number (`None` for anything else, including the empty string).
pub(crate) fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYYMMDDTHHMMSSZ` → Unix seconds, if it names a real calendar date and time of day in
/// 1970..=9999 (no Feb 30, no month 13, no hour 24, no leap second).
pub(crate) fn parse_amz_date(s: &str) -> Option<u64> {
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
