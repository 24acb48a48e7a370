//! SigV4's `x-amz-date` (`20240229T120000Z`, UTC), read strictly: a real calendar date and time
//! (no 30 February, no second 60), digits only.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// `YYYYMMDDTHHMMSSZ` → seconds since the epoch, or `None` unless it names a real instant.
pub(crate) fn parse_amz_date(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let digits = |from: usize, to: usize| -> Option<u32> {
        let field = &b[from..to];
        field
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| field.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let year = i32::try_from(digits(0, 4)?).ok()?;
    let month = Month::try_from(u8::try_from(digits(4, 6)?).ok()?).ok()?;
    let day = u8::try_from(digits(6, 8)?).ok()?;
    let time = Time::from_hms(
        u8::try_from(digits(9, 11)?).ok()?,
        u8::try_from(digits(11, 13)?).ok()?,
        u8::try_from(digits(13, 15)?).ok()?,
    )
    .ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    u64::try_from(
        PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp(),
    )
    .ok()
}

/// Seconds since the epoch → `YYYYMMDDTHHMMSSZ` (SigV4's `x-amz-date`).
///
/// ```
/// assert_eq!(oac_dev::function_url::sigv4::format_amz_date(1_709_208_000), "20240229T120000Z");
/// ```
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
    fn amz_dates_round_trip() {
        for secs in [0u64, 951_782_400, 1_709_208_000, 4_102_444_799] {
            assert_eq!(parse_amz_date(&format_amz_date(secs)), Some(secs));
        }
    }

    #[test]
    fn a_leap_day_exists_only_in_leap_years() {
        assert!(parse_amz_date("20240229T000000Z").is_some());
        assert_eq!(parse_amz_date("20250229T000000Z"), None);
    }

    #[test]
    fn the_thirtieth_of_february_is_refused() {
        assert_eq!(parse_amz_date("20260230T120000Z"), None);
    }

    #[test]
    fn month_thirteen_is_refused() {
        assert_eq!(parse_amz_date("20241301T000000Z"), None);
    }

    #[test]
    fn second_sixty_is_refused() {
        assert_eq!(parse_amz_date("20241231T235960Z"), None);
    }

    #[test]
    fn a_signed_field_is_refused() {
        assert_eq!(parse_amz_date("2024+101T000000Z"), None);
    }

    #[test]
    fn an_extended_format_is_refused() {
        assert_eq!(parse_amz_date("2024-01-01T00:00:00Z"), None);
    }
}
