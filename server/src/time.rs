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

/// Reads an RFC 3339 date-time (`2025-06-01T12:34:56Z`, fractions and `+02:00` offsets
/// allowed) as UTC milliseconds.
pub fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, rest) = text.split_at_checked(10)?;
    let date = Date::parse(date)?;
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (clock, offset_ms) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (c, off) = rest.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (h, m) = off[1..].split_once(':')?;
        let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
        if h > 23 || m > 59 || off.len() != 6 {
            return None;
        }
        (c, sign * (h * 3600 + m * 60) * 1000)
    };
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let parts: Vec<&str> = hms.split(':').collect();
    let [h, m, s] = parts.as_slice() else { return None };
    if [h, m, s].iter().any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let (h, m, s): (i64, i64, i64) = (h.parse().ok()?, m.parse().ok()?, s.parse().ok()?);
    if h > 23 || m > 59 || s > 60 || !fraction.bytes().all(|b| b.is_ascii_digit()) || (clock.contains('.') && fraction.is_empty()) {
        return None;
    }
    let millis: i64 = format!("{fraction:0<3}").get(..3)?.parse().ok()?;
    Some(date.to_days() * 86_400_000 + ((h * 60 + m) * 60 + s) * 1000 + millis - offset_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_ms("2000-02-29T00:00:00.123Z"), Some(951_782_400_123));
        assert_eq!(parse_rfc3339_ms("2000-02-29T02:00:00.1234+02:00"), Some(951_782_400_123));
        assert_eq!(parse_rfc3339_ms(&rfc3339_ms(1_735_689_599_999)), Some(1_735_689_599_999));
        for bad in ["", "2025-01-01", "2025-13-01T00:00:00Z", "2025-01-01T24:00:00Z", "2025-01-01T00:00:00", "2025-01-01T00:00:00.Z", "yesterday"] {
            assert_eq!(parse_rfc3339_ms(bad), None, "{bad}");
        }
    }

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
