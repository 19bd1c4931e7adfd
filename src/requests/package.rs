//! The data package (C-C4 access, C-C5 export) and the erasure plan as JSON: the stored values
//! grouped by category and joined to the policy (purposes, legal basis, retention with the
//! concrete date, recipients with third countries marked, source, rights, complaint authority).

use crate::prelude::*;

use serde_json::{json, Map, Value};

use super::erasure::{Disposition, ErasurePlan, Kept};
use super::stored::{latest_date, purposes_using, recipients_of, retention_of, StoredValue, Subject};
use crate::i18n::Lang;
use crate::policy::{Date, Location, Policy, RequestKind, RetentionEnd, Text};

/// The `format` member of every package.
pub const PACKAGE_FORMAT: &str = "privacy-widget/data-package/1";

/// A policy text as JSON: a string, or an object of language to string.
pub fn text_json(text: &Text) -> Value {
    match text {
        Text::Plain(s) => Value::String(s.clone()),
        Text::ByLang(map) => Value::Object(map.iter().map(|(l, s)| (l.clone(), Value::String(s.clone()))).collect()),
    }
}

fn end_json(end: &RetentionEnd, lang: Lang) -> Value {
    let date = match end {
        RetentionEnd::Date(d) => Value::String(d.to_string()),
        _ => Value::Null,
    };
    json!({ "until": date, "text": end.sentence(lang) })
}

/// The package for a customer: `kind` is `"access"`, `"export"` or `"data"` (the live view).
/// Every stored value appears exactly once, under its category.
pub fn data_package(policy: &Policy, subject: &Subject, values: &[StoredValue], kind: &str, today: Date, lang: Lang) -> Value {
    let t = |text: &Text| Value::String(policy.text(text, lang.tag()).to_owned());
    let mut categories: Vec<Value> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    // Policy order first, then any category the policy does not know.
    let order = policy
        .categories
        .iter()
        .map(|c| c.id.as_str())
        .chain(values.iter().map(|v| v.category.as_str()));
    for id in order {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let in_category: Vec<&StoredValue> = values.iter().filter(|v| v.category == id).collect();
        if in_category.is_empty() {
            continue;
        }
        let category = policy.category(id);
        let items: Vec<Value> = in_category
            .iter()
            .map(|v| {
                let label = category
                    .and_then(|c| c.fields.iter().find(|f| f.id == v.field))
                    .map_or(Value::String(v.field.clone()), |f| t(&f.label));
                let events: Map<String, Value> =
                    v.events.iter().map(|(e, d)| (e.name().to_owned(), Value::String(d.to_string()))).collect();
                let retention: Vec<Value> = retention_of(policy, subject, v)
                    .iter()
                    .map(|(p, end)| {
                        let mut r = end_json(end, lang);
                        r["purpose"] = Value::String(p.id.clone());
                        r
                    })
                    .collect();
                let kept_until = latest_date(retention_of(policy, subject, v).into_iter().map(|(_, e)| e));
                let hold = category.and_then(|c| c.legal_hold.as_ref()).map(|h| {
                    let mut j = end_json(&subject.until(&h.retention, v), lang);
                    j["reason"] = t(&h.reason);
                    j
                });
                json!({
                    "field": v.field, "label": label, "value": v.value, "events": events,
                    "retention": retention,
                    "kept_until": kept_until.map(|d| d.to_string()),
                    "legal_hold": hold,
                })
            })
            .collect();
        let purposes: Vec<Value> = purposes_using(policy, id)
            .map(|p| {
                json!({
                    "id": p.id, "label": t(&p.label), "kind": p.kind.name(),
                    "legal_basis": p.legal_basis.name(),
                    "retention": p.retention.sentence(lang, policy),
                    "recipients": p.recipients,
                })
            })
            .collect();
        categories.push(json!({
            "id": id,
            "label": category.map_or(Value::String(id.to_owned()), |c| t(&c.label)),
            "source": category.map(|c| c.source.name()),
            "erasable": category.is_some_and(|c| c.erasable),
            "purposes": purposes,
            "recipients": recipients_of(policy, id),
            "values": items,
        }));
    }
    let recipients: Vec<Value> = policy
        .recipients
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "name": t(&r.name), "role": r.role.name(), "country": r.country,
                "outside_eu": match r.outside_eu {
                    Location::OutsideEu => Value::Bool(true),
                    Location::InsideEu => Value::Bool(false),
                    Location::Unknown => Value::from("unknown"),
                },
            })
        })
        .collect();
    // Every right the law grants, not only those the statement mentions (C-C1).
    let rights: Vec<&str> = super::offered_kinds(policy).into_iter().map(RequestKind::name).collect();
    let authority = &policy.controller.supervisory_authority;
    json!({
        "format": PACKAGE_FORMAT,
        "kind": kind,
        "site": policy.site,
        "policy_version": policy.version,
        "generated_on": today.to_string(),
        "language": lang.tag(),
        "controller": { "name": t(&policy.controller.name), "email": policy.controller.email },
        "plan": subject.plan,
        "account_events": subject.events.iter().map(|(e, d)| (e.name().to_owned(), Value::String(d.to_string()))).collect::<Map<_, _>>(),
        "categories": categories,
        "recipients": recipients,
        "rights": rights,
        "complaint": { "authority": t(&authority.name), "website": authority.website },
    })
}

/// The erasure plan as JSON for the confirmation step (C-C6): what goes, what stays and why,
/// until when, the consequences and the recipients that are told.
pub fn erasure_plan_json(policy: &Policy, plan: &ErasurePlan, values: &[StoredValue], lang: Lang) -> Value {
    let t = |text: &Text| Value::String(policy.text(text, lang.tag()).to_owned());
    let item = |index: usize| {
        let v = values.get(index);
        json!({
            "category": v.map(|v| v.category.as_str()),
            "field": v.map(|v| v.field.as_str()),
            "value": v.map(|v| v.value.as_str()),
        })
    };
    let erase: Vec<Value> = plan.values.iter().filter(|p| p.disposition == Disposition::Erase).map(|p| item(p.index)).collect();
    let keep: Vec<Value> = plan
        .kept()
        .map(|(p, kept)| {
            let mut j = item(p.index);
            match kept {
                Kept::LegalHold { reason, until } => {
                    j["reason"] = t(reason);
                    j["legal_hold"] = Value::Bool(true);
                    j["until"] = end_json(until, lang)["until"].clone();
                    j["until_text"] = Value::String(until.sentence(lang));
                }
                Kept::NotErasable => {
                    j["legal_hold"] = Value::Bool(false);
                    j["reason"] = Value::Null;
                }
            }
            j
        })
        .collect();
    json!({
        "erase": erase,
        "keep": keep,
        "consequences": plan.consequences.as_ref().map(t),
        "notify": plan.notify,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{parse_policy, RetentionEvent};

    #[test]
    fn every_value_appears_once_with_purpose_and_retention() {
        // C-C4 / C-C5: the package shows the data itself, purposes, legal basis, retention, recipients.
        let policy = parse_policy(include_str!("package_test_policy.json")).unwrap();
        let values = vec![
            StoredValue { category: "account".into(), field: "name".into(), value: "Jan".into(), events: vec![] },
            StoredValue {
                category: "invoices".into(),
                field: "invoice".into(),
                value: "F-1".into(),
                events: vec![(RetentionEvent::InvoiceDate, Date::parse("2019-01-05").unwrap())],
            },
        ];
        let today = Date::parse("2025-01-01").unwrap();
        let p = data_package(&policy, &Subject::default(), &values, "access", today, Lang::Nl);
        assert_eq!(p["format"], PACKAGE_FORMAT);
        let cats = p["categories"].as_array().unwrap();
        assert_eq!(cats.len(), 2);
        assert_eq!(cats[0]["values"][0]["value"], "Jan");
        assert_eq!(cats[0]["purposes"][0]["legal_basis"], "contract");
        let invoice = &cats[1]["values"][0];
        assert_eq!(invoice["legal_hold"]["until"], "2026-01-05");
        assert_eq!(invoice["events"]["invoice_date"], "2019-01-05");
        assert_eq!(p["recipients"][0]["outside_eu"], true);
        assert_eq!(p["recipients"][1]["outside_eu"], "unknown", "a location the policy does not state stays unstated");
        assert_eq!(p["complaint"]["authority"], "Autoriteit Persoonsgegevens");
    }
}
