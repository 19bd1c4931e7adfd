//! Calendar dates: `YYYY-MM-DD` reading and writing, and civil-calendar arithmetic
//! (months and years clamp to the month's end; working days skip weekends).

use super::model::{Date, Period, PeriodUnit};

/// The earliest and latest years a [`Date`] may hold.
const YEARS: core::ops::RangeInclusive<i32> = 1..=9999;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weekday {
    /// Monday, the first day of the ISO week.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday, the last working day.
    Friday,
    /// Saturday, not a working day.
    Saturday,
    /// Sunday, not a working day.
    Sunday,
}

impl Date {
    /// A date when `year`, `month` and `day` form a real calendar day in years 1 to 9999.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = YEARS.contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Reads a strict `YYYY-MM-DD` date (four-digit year, two-digit month and day).
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: core::ops::Range<usize>| -> Option<u32> {
            let part = text.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let year = i32::try_from(digits(0..4)?).ok()?;
        let month = u8::try_from(digits(5..7)?).ok()?;
        let day = u8::try_from(digits(8..10)?).ok()?;
        Date::new(year, month, day)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, if within years 1 to 9999.
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(i32::try_from(year).ok()?, u8::try_from(month).ok()?, u8::try_from(day).ok()?)
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.to_days() + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }

    /// The date `days` later (earlier when negative).
    pub fn add_days(self, days: i64) -> Option<Date> {
        Date::from_days(self.to_days().checked_add(days)?)
    }

    /// The same day `months` later; a day past the target month's end becomes its last day
    /// (2024-01-31 + 1 month = 2024-02-29).
    pub fn add_months(self, months: i64) -> Option<Date> {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + months;
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
        if !YEARS.contains(&year) {
            return None;
        }
        let day = self.day.min(days_in_month(year, month));
        Date::new(year, month, day)
    }

    /// The same day `years` later; 29 February becomes 28 February in a common year.
    pub fn add_years(self, years: i64) -> Option<Date> {
        self.add_months(years.checked_mul(12)?)
    }

    /// The date `n` working days (Monday to Friday) later. Counting starts the next day, so
    /// Friday + 1 working day is Monday. Public holidays are not modelled.
    pub fn add_working_days(self, n: u32) -> Option<Date> {
        if n == 0 {
            return Some(self);
        }
        // From a weekend day, counting goes as from the Friday before it.
        let start = match self.weekday() {
            Weekday::Saturday => self.add_days(-1)?,
            Weekday::Sunday => self.add_days(-2)?,
            _ => self,
        };
        let mut date = start.add_days(i64::from(n / 5) * 7)?;
        let mut left = n % 5;
        while left > 0 {
            date = date.add_days(1)?;
            if !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
                left -= 1;
            }
        }
        Some(date)
    }

    /// The date a period after this one. Minutes and hours round up to whole days (72 hours =
    /// 3 days, 1 minute = 1 day).
    pub fn add_period(self, period: Period) -> Option<Date> {
        let n = i64::from(period.amount);
        match period.unit {
            PeriodUnit::Minutes => self.add_days((n + 1439) / 1440),
            PeriodUnit::Hours => self.add_days((n + 23) / 24),
            PeriodUnit::Days => self.add_days(n),
            PeriodUnit::WorkingDays => self.add_working_days(period.amount),
            PeriodUnit::Weeks => self.add_days(n * 7),
            PeriodUnit::Months => self.add_months(n),
            PeriodUnit::Years => self.add_years(n),
        }
    }
}

impl core::fmt::Display for Date {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut out = [b'0'; 10];
        let mut put = |at: usize, width: usize, mut value: u32| {
            for i in (0..width).rev() {
                out[at + i] = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, 4, self.year.unsigned_abs());
        put(5, 2, u32::from(self.month));
        put(8, 2, u32::from(self.day));
        out[4] = b'-';
        out[7] = b'-';
        f.write_str(core::str::from_utf8(&out).map_err(|_| core::fmt::Error)?)
    }
}

/// Whether `year` has a 29 February.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in `month` (1-12) of `year`; 0 for a month out of range.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}
