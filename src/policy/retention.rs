//! Evaluating a retention rule: until when data is kept, given the customer's plan and the
//! event dates the backend knows.

use super::model::*;

/// The end of a retention rule for one customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionEnd {
    /// Kept until this date.
    Date(Date),
    /// Kept until the event happens; its date is not known yet.
    AtEvent(RetentionEvent),
    /// Kept for the period after the event; the event's date is not known yet.
    AfterEvent {
        /// How long after the event.
        period: Period,
        /// The event the period counts from.
        event: RetentionEvent,
    },
    /// Deleted right after use.
    AfterUse,
    /// Kept without an end date.
    Indefinite,
    /// The rule depends on the plan, and no plan was given.
    DependsOnPlan,
    /// The policy gives no term (or none for this plan).
    Unspecified,
}

impl RetentionRule {
    /// Until when data under this rule is kept, for a customer on `plan` (if known), with
    /// `events` giving the dates the backend knows (`Collection` is the date the data was
    /// recorded). An invoice of 2019-01-05 under `fixed 7 years` (or `after 7 years
    /// invoice_date`) is kept until 2026-01-05.
    pub fn until(&self, plan: Option<&str>, events: &impl Fn(RetentionEvent) -> Option<Date>) -> RetentionEnd {
        let after = |period: Period, event: RetentionEvent| match events(event).and_then(|d| d.add_period(period)) {
            Some(date) => RetentionEnd::Date(date),
            None => RetentionEnd::AfterEvent { period, event },
        };
        match self {
            RetentionRule::Fixed { period, .. } => after(*period, RetentionEvent::Collection),
            RetentionRule::After { period, event, .. } => after(*period, *event),
            RetentionRule::Until { event, .. } => match events(*event) {
                Some(date) => RetentionEnd::Date(date),
                None => RetentionEnd::AtEvent(*event),
            },
            RetentionRule::AfterUse { .. } => RetentionEnd::AfterUse,
            RetentionRule::Indefinite { .. } => RetentionEnd::Indefinite,
            RetentionRule::Unspecified { .. } => RetentionEnd::Unspecified,
            RetentionRule::ByPlan { rules, otherwise } => {
                let Some(plan) = plan else { return RetentionEnd::DependsOnPlan };
                match (rules.iter().find(|r| r.plan == plan), otherwise) {
                    (Some(branch), _) => branch.rule.until(Some(plan), events),
                    (None, Some(rule)) => rule.until(Some(plan), events),
                    (None, None) => RetentionEnd::Unspecified,
                }
            }
        }
    }

    /// The text's own words about this rule, if any (a `by_plan` rule has none of its own).
    pub fn note(&self) -> Option<&Text> {
        match self {
            RetentionRule::Fixed { note, .. }
            | RetentionRule::After { note, .. }
            | RetentionRule::Until { note, .. }
            | RetentionRule::AfterUse { note }
            | RetentionRule::Indefinite { note } => note.as_ref(),
            RetentionRule::Unspecified { note } => Some(note),
            RetentionRule::ByPlan { .. } => None,
        }
    }
}
