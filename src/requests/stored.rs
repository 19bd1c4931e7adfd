//! The values a backend holds about one customer, and how the policy's retention rules
//! apply to each of them (the concrete date where the event date is known).

use crate::prelude::*;

use crate::policy::{Date, Id, Policy, Purpose, RetentionEnd, RetentionEvent, RetentionRule};

/// One value stored about a customer, e.g. `account.phone = "+31 6 1234 5678"` or one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredValue {
    /// The policy's data category id.
    pub category: Id,
    /// The category's field id (may be one the policy does not list for field-less categories).
    pub field: Id,
    /// The value as shown to the customer.
    pub value: String,
    /// Event dates of this value (an invoice's `invoice_date`, the `collection` date).
    pub events: Vec<(RetentionEvent, Date)>,
}

/// The customer the values belong to: plan and account-wide event dates
/// (`trial_end`, `paid_period_end`, `contract_end`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// Plan id, if the site has plans.
    pub plan: Option<Id>,
    /// Account-wide event dates; a value's own dates take precedence.
    pub events: Vec<(RetentionEvent, Date)>,
}

impl Subject {
    /// The date of `event` for `value`: the value's own, else the account's.
    pub fn event_date(&self, value: &StoredValue, event: RetentionEvent) -> Option<Date> {
        value
            .events
            .iter()
            .chain(self.events.iter())
            .find(|(e, _)| *e == event)
            .map(|(_, d)| *d)
    }

    /// Until when `value` is kept under `rule`.
    pub fn until(&self, rule: &RetentionRule, value: &StoredValue) -> RetentionEnd {
        rule.until(self.plan.as_deref(), &|event| self.event_date(value, event))
    }
}

/// The purposes that use a category, in the policy's order.
pub fn purposes_using<'p>(policy: &'p Policy, category: &'p str) -> impl Iterator<Item = &'p Purpose> + 'p {
    policy.purposes.iter().filter(move |p| p.categories.iter().any(|c| c == category))
}

/// Every purpose using the value's category with until when the value is kept for it.
pub fn retention_of<'p>(policy: &'p Policy, subject: &Subject, value: &'p StoredValue) -> Vec<(&'p Purpose, RetentionEnd)> {
    purposes_using(policy, &value.category)
        .map(|p| (p, subject.until(&p.retention, value)))
        .collect()
}

/// The latest concrete date among `ends`, when every one of them is a date.
pub fn latest_date(ends: impl IntoIterator<Item = RetentionEnd>) -> Option<Date> {
    let mut latest: Option<Date> = None;
    for end in ends {
        match end {
            RetentionEnd::Date(d) => latest = Some(latest.map_or(d, |l| l.max(d))),
            _ => return None,
        }
    }
    latest
}

/// The recipients that receive data of `category` (through any purpose using it), deduplicated.
pub fn recipients_of<'p>(policy: &'p Policy, category: &'p str) -> Vec<&'p Id> {
    let mut out: Vec<&Id> = Vec::new();
    for purpose in purposes_using(policy, category) {
        for r in &purpose.recipients {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}
