//! Due dates (C-C2): one month after receipt, or the company's own shorter promise; an
//! extension by two more months only with a reason and only within the first month.

use super::{RequestError, RequestKind};
use crate::policy::{Date, Period, PeriodUnit, Policy, Weekday};

/// The legal deadline: the same day one month after receipt, clamped to the month's end
/// (received 31 January → due 28 or 29 February), Art. 12(3).
pub fn legal_due(received: Date) -> Result<Date, RequestError> {
    received.add_months(1).ok_or(RequestError::DateOutOfRange)
}

/// The due date: the legal month, or the company's promise (`rights.requests[].response_time`,
/// e.g. erasure in 5 working days) when that is sooner.
pub fn due_date(received: Date, promise: Option<Period>) -> Result<Date, RequestError> {
    let legal = legal_due(received)?;
    let promised = match promise {
        Some(period) => working_day_start(received, period)
            .add_period(period)
            .ok_or(RequestError::DateOutOfRange)?,
        None => legal,
    };
    Ok(promised.min(legal))
}

/// Counting working days from a Saturday or Sunday is counting from the Friday before
/// (the next working day is Monday either way); keeps the count exact whatever the start.
fn working_day_start(received: Date, period: Period) -> Date {
    let back = match (period.unit, received.weekday()) {
        (PeriodUnit::WorkingDays, Weekday::Saturday) => 1,
        (PeriodUnit::WorkingDays, Weekday::Sunday) => 2,
        _ => 0,
    };
    received.add_days(-back).unwrap_or(received)
}

/// The due date of a request of `kind` under `policy`'s promises.
pub fn due_date_for(policy: &Policy, kind: RequestKind, received: Date) -> Result<Date, RequestError> {
    due_date(received, policy.request_offer(kind).and_then(|o| o.response_time))
}

/// The new due date when the deadline is extended on `today`: two months after the legal
/// month (three months after receipt). Only allowed up to the legal due date (C-C2).
pub fn extended_due(received: Date, today: Date) -> Result<Date, RequestError> {
    let legal = legal_due(received)?;
    if today > legal {
        return Err(RequestError::ExtensionTooLate { legal_due: legal });
    }
    received.add_months(3).ok_or(RequestError::DateOutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn one_month_same_day_clamped_to_month_end() {
        // C-C2: due one month after receipt.
        assert_eq!(legal_due(d("2025-03-15")).unwrap(), d("2025-04-15"));
        assert_eq!(legal_due(d("2025-01-31")).unwrap(), d("2025-02-28"));
        assert_eq!(legal_due(d("2024-01-31")).unwrap(), d("2024-02-29"));
        assert_eq!(legal_due(d("2025-03-31")).unwrap(), d("2025-04-30"));
        assert_eq!(legal_due(d("2025-12-20")).unwrap(), d("2026-01-20"));
        assert_eq!(due_date(d("2025-03-15"), None).unwrap(), d("2025-04-15"));
    }

    #[test]
    fn a_shorter_promise_wins_a_longer_one_does_not() {
        // C-C2 with Host-Tracker's "within 5 working days" for erasure: Friday + 5 = next Friday.
        let five = Period { amount: 5, unit: PeriodUnit::WorkingDays };
        assert_eq!(due_date(d("2025-06-06"), Some(five)).unwrap(), d("2025-06-13"));
        // Saturday and Sunday receipt: counting starts Monday.
        assert_eq!(due_date(d("2025-06-07"), Some(five)).unwrap(), d("2025-06-13"));
        assert_eq!(due_date(d("2025-06-08"), Some(five)).unwrap(), d("2025-06-13"));
        assert_eq!(due_date(d("2025-06-09"), Some(five)).unwrap(), d("2025-06-16"));
        let two_months = Period { amount: 2, unit: PeriodUnit::Months };
        assert_eq!(due_date(d("2025-06-06"), Some(two_months)).unwrap(), d("2025-07-06"));
    }

    #[test]
    fn extension_by_two_months_only_within_the_first_month() {
        // C-C2: extension by two months, sent within the first month.
        assert_eq!(extended_due(d("2025-01-31"), d("2025-02-10")).unwrap(), d("2025-04-30"));
        assert_eq!(extended_due(d("2025-03-15"), d("2025-04-15")).unwrap(), d("2025-06-15"));
        assert_eq!(
            extended_due(d("2025-03-15"), d("2025-04-16")),
            Err(RequestError::ExtensionTooLate { legal_due: d("2025-04-15") })
        );
    }
}
