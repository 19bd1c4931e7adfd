//! Server time: UTC milliseconds since the Unix epoch and their RFC 3339 form.

use std::time::{SystemTime, UNIX_EPOCH};

use privacy_widget::policy::Date;

/// Now, in UTC milliseconds since 1970-01-01T00:00:00Z.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The earliest and latest instants [`rfc3339_ms`] writes as themselves (years 1 to 9999,
/// the range of a policy [`Date`]); times outside are written as the nearer one.
const RANGE_MS: std::ops::RangeInclusive<i64> = -62_135_596_800_000..=253_402_300_799_999;

/// `2025-06-01T12:34:56.789Z` for a time in UTC milliseconds (clamped to years 1 to 9999).
pub fn rfc3339_ms(ms: i64) -> String {
    let ms = ms.clamp(*RANGE_MS.start(), *RANGE_MS.end());
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let sod = secs.rem_euclid(86_400);
    let date = Date::from_days(secs.div_euclid(86_400)).unwrap_or(Date { year: 1, month: 1, day: 1 });
    format!("{date}T{:02}:{:02}:{:02}.{millis:03}Z", sod / 3600, sod % 3600 / 60, sod % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(rfc3339_ms(1_735_689_599_999), "2024-12-31T23:59:59.999Z");
        assert_eq!(rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn clamps_to_years_1_to_9999() {
        assert_eq!(rfc3339_ms(*RANGE_MS.start()), "0001-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(*RANGE_MS.end()), "9999-12-31T23:59:59.999Z");
        assert_eq!(rfc3339_ms(i64::MIN), "0001-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(i64::MAX), "9999-12-31T23:59:59.999Z");
    }
}
