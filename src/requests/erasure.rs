//! The erasure plan (C-C6): for one customer's stored values, what goes, what stays under a
//! legal hold (with its reason and until-date) and what the policy says erasure leads to.

use crate::prelude::*;

use super::stored::{recipients_of, StoredValue, Subject};
use super::RequestKind;
use crate::policy::{Date, Id, Policy, RetentionEnd, Text};

/// Why a value survives an erasure request.
#[derive(Debug, Clone, PartialEq)]
pub enum Kept {
    /// A legal hold (invoices, 7 years of tax law): kept but restricted until `until`.
    LegalHold {
        /// The law that requires keeping it, in the policy's words.
        reason: Text,
        /// When the hold ends and the value can go.
        until: RetentionEnd,
    },
    /// The policy marks the category as not erasable and gives no legal hold.
    NotErasable,
}

/// What happens to one stored value.
#[derive(Debug, Clone, PartialEq)]
pub enum Disposition {
    /// Deleted.
    Erase,
    /// Kept (and restricted).
    Keep(Kept),
}

/// One value of the plan; `index` points into the values the plan was made from.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedValue {
    /// Where the value is in the list the plan was made from.
    pub index: usize,
    /// The category the value belongs to.
    pub category: Id,
    /// The field within that category.
    pub field: Id,
    /// Whether the value is erased or kept.
    pub disposition: Disposition,
}

/// The whole plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ErasurePlan {
    /// Every value, in input order.
    pub values: Vec<PlannedValue>,
    /// What erasure leads to, in the policy's words (ending the service, seed 001).
    pub consequences: Option<Text>,
    /// Recipients that received erased data and are told (Art. 19).
    pub notify: Vec<Id>,
}

impl ErasurePlan {
    /// The values that go.
    pub fn erased(&self) -> impl Iterator<Item = &PlannedValue> {
        self.values.iter().filter(|v| v.disposition == Disposition::Erase)
    }

    /// The values that stay, with why.
    pub fn kept(&self) -> impl Iterator<Item = (&PlannedValue, &Kept)> {
        self.values.iter().filter_map(|v| match &v.disposition {
            Disposition::Keep(kept) => Some((v, kept)),
            Disposition::Erase => None,
        })
    }
}

/// Plans the erasure of `values` on `today`. A legal hold whose end date has passed no longer
/// keeps the value; one without a known end keeps it.
pub fn plan_erasure(policy: &Policy, subject: &Subject, values: &[StoredValue], today: Date) -> ErasurePlan {
    let mut planned = Vec::with_capacity(values.len());
    let mut notify: Vec<Id> = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let category = policy.category(&value.category);
        let disposition = match category {
            Some(c) => match &c.legal_hold {
                Some(hold) => match subject.until(&hold.retention, value) {
                    RetentionEnd::Date(until) if until < today && c.erasable => Disposition::Erase,
                    until => Disposition::Keep(Kept::LegalHold { reason: hold.reason.clone(), until }),
                },
                None if c.erasable => Disposition::Erase,
                None => Disposition::Keep(Kept::NotErasable),
            },
            // A value of a category the policy does not know: nothing keeps it.
            None => Disposition::Erase,
        };
        if disposition == Disposition::Erase {
            for r in recipients_of(policy, &value.category) {
                if !notify.contains(r) {
                    notify.push(r.clone());
                }
            }
        }
        planned.push(PlannedValue {
            index,
            category: value.category.clone(),
            field: value.field.clone(),
            disposition,
        });
    }
    let consequences = policy.request_offer(RequestKind::Erasure).and_then(|o| o.consequences.clone());
    ErasurePlan { values: planned, consequences, notify }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{parse_policy, RetentionEvent};

    const POLICY: &str = r#"{
      "site": "demo", "version": "1", "date": "2025-01-01", "languages": ["nl"],
      "controller": {"name": "Demo BV", "supervisory_authority": {"name": "Autoriteit Persoonsgegevens"}},
      "categories": [
        {"id": "account", "label": "Account", "fields": [{"id": "name", "label": "Naam"}], "source": "subject", "erasable": true},
        {"id": "invoices", "label": "Facturen", "fields": [{"id": "invoice", "label": "Factuur"}], "source": "derived", "erasable": false,
         "legal_hold": {"reason": "Fiscale bewaarplicht", "retention": {"kind": "after", "period": "7 years", "event": "invoice_date"}}},
        {"id": "logs", "label": "Logs", "fields": [{"id": "ip", "label": "IP"}], "source": "observed", "erasable": false}
      ],
      "recipients": [{"id": "mailer", "name": "Mailer", "role": "processor", "outside_eu": false}],
      "purposes": [
        {"id": "admin", "kind": "billing", "label": "Administratie", "legal_basis": "contract",
         "categories": ["account", "invoices"], "recipients": ["mailer"], "retention": {"kind": "until", "event": "contract_end"}, "consent": "none"},
        {"id": "security", "kind": "security", "label": "Beveiliging", "legal_basis": "legitimate_interest",
         "categories": ["logs"], "retention": {"kind": "fixed", "period": "2 years"}, "consent": "none"}
      ],
      "rights": {"requests": [{"kind": "erasure", "consequences": "Dit beëindigt de dienstverlening."}]}
    }"#;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn value(category: &str, field: &str, events: Vec<(RetentionEvent, Date)>) -> StoredValue {
        StoredValue { category: category.into(), field: field.into(), value: "x".into(), events }
    }

    #[test]
    fn invoices_stay_under_legal_hold_with_reason_and_date() {
        // C-C6: legal holds are kept (restricted), the visitor is told why and until when,
        // and the consequences the policy states are part of the plan.
        let policy = parse_policy(POLICY).unwrap();
        let values = vec![
            value("account", "name", vec![]),
            value("invoices", "invoice", vec![(RetentionEvent::InvoiceDate, d("2024-03-01"))]),
            value("invoices", "invoice", vec![(RetentionEvent::InvoiceDate, d("2016-02-01"))]),
            value("logs", "ip", vec![]),
        ];
        let plan = plan_erasure(&policy, &Subject::default(), &values, d("2025-06-01"));
        assert_eq!(plan.values[0].disposition, Disposition::Erase);
        assert_eq!(
            plan.values[1].disposition,
            Disposition::Keep(Kept::LegalHold {
                reason: crate::policy::Text::Plain("Fiscale bewaarplicht".into()),
                until: RetentionEnd::Date(d("2031-03-01")),
            })
        );
        // The hold of the 2016 invoice ended in 2023, but the category is not erasable on request.
        assert!(matches!(plan.values[2].disposition, Disposition::Keep(Kept::LegalHold { .. })));
        assert_eq!(plan.values[3].disposition, Disposition::Keep(Kept::NotErasable));
        assert_eq!(plan.erased().count(), 1);
        assert_eq!(plan.kept().count(), 3);
        assert_eq!(plan.consequences, Some(crate::policy::Text::Plain("Dit beëindigt de dienstverlening.".into())));
        assert_eq!(plan.notify, vec!["mailer".to_owned()]);
    }

    #[test]
    fn an_expired_hold_on_an_erasable_category_no_longer_keeps_it() {
        let json = POLICY.replace(r#""source": "derived", "erasable": false"#, r#""source": "derived", "erasable": true"#);
        let policy = parse_policy(&json).unwrap();
        let values = vec![
            value("invoices", "invoice", vec![(RetentionEvent::InvoiceDate, d("2016-02-01"))]),
            value("invoices", "invoice", vec![]),
        ];
        let plan = plan_erasure(&policy, &Subject::default(), &values, d("2025-06-01"));
        assert_eq!(plan.values[0].disposition, Disposition::Erase);
        // Without the invoice date the hold's end is unknown: kept.
        assert!(matches!(
            &plan.values[1].disposition,
            Disposition::Keep(Kept::LegalHold { until: RetentionEnd::AfterEvent { .. }, .. })
        ));
    }
}
