//! Dates and periods: reading, writing and calendar arithmetic.

use crate::policy::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[test]
fn dates_read_and_write_strictly() {
    assert_eq!(d("2019-01-05"), Date { year: 2019, month: 1, day: 5 });
    assert_eq!(d("2024-02-29").to_string(), "2024-02-29");
    assert_eq!(d("0999-12-31").to_string(), "0999-12-31");
    for bad in ["2023-02-29", "2023-13-01", "2023-00-10", "2023-1-5", "05-01-2023", "2023-01-32", "", "2023/01/05", "+023-01-05"] {
        assert_eq!(Date::parse(bad), None, "{bad}");
    }
}

#[test]
fn days_round_trip_and_weekdays() {
    assert_eq!(d("1970-01-01").to_days(), 0);
    assert_eq!(d("2000-03-01").to_days(), 11_017);
    for s in ["0001-01-01", "1600-02-29", "2024-12-31", "9999-12-31"] {
        assert_eq!(Date::from_days(d(s).to_days()), Some(d(s)));
    }
    assert_eq!(d("2024-05-01").weekday(), Weekday::Wednesday);
    assert_eq!(d("2026-11-21").weekday(), Weekday::Saturday);
}

#[test]
fn months_and_years_clamp_to_the_month_end() {
    assert_eq!(d("2024-01-31").add_months(1), Some(d("2024-02-29")));
    assert_eq!(d("2023-01-31").add_months(1), Some(d("2023-02-28")));
    assert_eq!(d("2023-08-31").add_months(3), Some(d("2023-11-30")));
    assert_eq!(d("2023-11-15").add_months(3), Some(d("2024-02-15")));
    assert_eq!(d("2024-03-31").add_months(-1), Some(d("2024-02-29")));
    assert_eq!(d("2024-02-29").add_years(1), Some(d("2025-02-28")));
    assert_eq!(d("2024-02-29").add_years(4), Some(d("2028-02-29")));
    assert_eq!(d("9999-06-01").add_years(1), None);
}

#[test]
fn working_days_skip_weekends() {
    // Friday 2024-05-03 + 1 working day = Monday 2024-05-06.
    assert_eq!(d("2024-05-03").add_working_days(1), Some(d("2024-05-06")));
    // Wednesday + 5 working days = next Wednesday.
    assert_eq!(d("2024-05-01").add_working_days(5), Some(d("2024-05-08")));
    // Saturday + 1 = Monday; Sunday + 5 = Friday.
    assert_eq!(d("2024-05-04").add_working_days(1), Some(d("2024-05-06")));
    assert_eq!(d("2024-05-05").add_working_days(5), Some(d("2024-05-10")));
    assert_eq!(d("2024-05-02").add_working_days(3), Some(d("2024-05-07")));
    assert_eq!(d("2024-05-02").add_working_days(0), Some(d("2024-05-02")));
    assert_eq!(d("2024-05-01").add_working_days(23), Some(d("2024-06-03")));
}

#[test]
fn periods_add_in_their_unit() {
    let p = |s: &str| Period::parse(s).unwrap();
    assert_eq!(d("2024-05-01").add_period(p("72 hours")), Some(d("2024-05-04")));
    assert_eq!(d("2024-05-01").add_period(p("25 hours")), Some(d("2024-05-03")));
    assert_eq!(d("2024-05-01").add_period(p("1 minute")), Some(d("2024-05-02")));
    assert_eq!(d("2024-05-01").add_period(p("1440 minutes")), Some(d("2024-05-02")));
    assert_eq!(d("2024-05-01").add_period(p("1441 minutes")), Some(d("2024-05-03")));
    assert_eq!(d("2024-05-01").add_period(p("2 weeks")), Some(d("2024-05-15")));
    assert_eq!(d("2024-05-01").add_period(p("10 days")), Some(d("2024-05-11")));
    assert_eq!(d("2024-05-03").add_period(p("1 working_day")), Some(d("2024-05-06")));
}

#[test]
fn periods_read_and_write() {
    assert_eq!(Period::parse("7 years"), Ok(Period { amount: 7, unit: PeriodUnit::Years }));
    assert_eq!(Period::parse("1 year"), Ok(Period { amount: 1, unit: PeriodUnit::Years }));
    assert_eq!(Period::parse("5 working_days").unwrap().to_string(), "5 working_days");
    assert_eq!(Period::parse("1 month").unwrap().to_string(), "1 months");
    assert_eq!(Period::parse("1 minute"), Ok(Period { amount: 1, unit: PeriodUnit::Minutes }));
    assert_eq!(Period::parse("10 minutes").unwrap().to_string(), "10 minutes");
    assert_eq!(
        Period::parse("7 jaar"),
        Err("unknown unit \"jaar\" in period \"7 jaar\" (use minutes, hours, days, working_days, weeks, months or years)".into())
    );
    assert!(Period::parse("7years").unwrap_err().contains("write \"<amount> <unit>\""));
    assert!(Period::parse("-1 days").unwrap_err().contains("not a whole number"));
    assert!(Period::parse("99999999999 days").unwrap_err().contains("too large"));
}
