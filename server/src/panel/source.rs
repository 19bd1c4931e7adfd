//! What the company holds about a subject now, from one place. [`Source::load`] asks the
//! site's data provider (pull, `[sites.data_provider]`) or reads what is stored (pushed through
//! the admin API, or the demo customers seeded in demo mode; both written by [`ingest`]). Every
//! reader goes through it: `GET /api/v1/me/data`, `/me/export`, `/me/erasure-plan` and the
//! access/export package built when a request completes. What a provider answers lives only as
//! long as the request that needed it, and inside an access package the customer asked for.
//! Values the policy does not describe are set apart ([`SubjectData::not_described`]) and
//! logged for the operator by name, without their values; never dropped.

use std::collections::BTreeMap;

use privacy_widget::{
    i18n::Lang,
    policy::{Date, Policy, RetentionEvent, RETENTION_EVENTS},
    requests::{data_package, plan_erasure, ErasurePlan, StoredValue, Subject},
};
use serde_json::{json, Value};

use super::{
    session::Customer,
    store::{self, Restriction},
};
use crate::{
    config::{DataProvider, SiteSettings},
    db::{Conn, Db, DbError},
    events::provider::{self, ProviderAnswer, ProviderError},
    field::{invalid_field, FieldError},
    params,
};

/// Where a site's data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The site's data provider, asked at the moment the data is needed.
    Pull(DataProvider),
    /// What the server stores: pushed through the admin API, or seeded in demo mode.
    Stored,
}

/// Why the data could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The data provider could not be asked or gave an unusable answer (logged for the operator).
    #[error("the data provider cannot be asked: {0}")]
    Provider(#[from] ProviderError),
    /// The database failed.
    #[error("{0}")]
    Db(#[from] DbError),
}

/// One value the company holds, and whether and why it is restricted (only a stored value can
/// be: a pulled one is the provider's business).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldValue {
    /// The stored row (`None` for a value the provider answered).
    pub row: Option<i64>,
    /// The value.
    pub value: StoredValue,
    /// Whether and why the value is restricted (Art. 18).
    pub restricted: Option<Restriction>,
}

/// What the company holds about one subject now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectData {
    /// The subject's plan.
    pub plan: Option<String>,
    /// Account-wide event dates (`trial_end`, `contract_end`, …).
    pub events: Vec<(RetentionEvent, Date)>,
    /// The values the policy describes (its category, and its field where the category lists
    /// fields).
    pub values: Vec<HeldValue>,
    /// The values the policy does not describe: shown apart, never dropped.
    pub not_described: Vec<HeldValue>,
}

impl Source {
    /// The source of `site` as configured: its data provider, else what is stored.
    pub fn of(sites: &[SiteSettings], site: &str) -> Source {
        sites
            .iter()
            .find(|s| s.id == site)
            .and_then(|s| s.data_provider.clone())
            .map_or(Source::Stored, Source::Pull)
    }

    /// Whether the data is asked from a data provider.
    pub fn is_pull(&self) -> bool {
        matches!(self, Source::Pull(_))
    }

    /// What the company holds about `customer` now, joined to `policy`. A provider that fails
    /// is logged for the operator with why.
    pub async fn load(
        &self,
        db: &Db,
        http: &reqwest::Client,
        policy: &Policy,
        customer: &Customer,
    ) -> Result<SubjectData, SourceError> {
        match self {
            Source::Pull(p) => {
                match provider::fetch(http, p, &customer.site, &customer.handle).await {
                    Ok(answer) => Ok(SubjectData::pulled(policy, customer, answer)),
                    Err(e) => {
                        tracing::warn!(site = %customer.site, error = %e, "data provider: cannot fetch a customer's data");
                        Err(e.into())
                    }
                }
            }
            Source::Stored => {
                let c = customer.clone();
                let (subject, rows) = db
                    .read(move |conn| Ok((store::subject(conn, &c)?, store::values(conn, c.id)?)))
                    .await?;
                Ok(SubjectData::new(policy, &customer.site, subject, rows))
            }
        }
    }
}

/// What is stored about `customer` (inside a transaction: the completion of a request).
pub fn stored(conn: &Conn, policy: &Policy, customer: &Customer) -> Result<SubjectData, DbError> {
    Ok(SubjectData::new(
        policy,
        &customer.site,
        store::subject(conn, customer)?,
        store::values(conn, customer.id)?,
    ))
}

/// Whether the policy describes a value of `category` and `field`.
fn describes(policy: &Policy, category: &str, field: &str) -> bool {
    policy
        .category(category)
        .is_some_and(|c| c.fields.is_empty() || c.fields.iter().any(|f| f.id == field))
}

/// Event dates by name (`{"invoice_date": "2019-01-05"}`); unknown names and bad dates are skipped.
pub fn retention_events<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(RetentionEvent, Date)> {
    pairs
        .into_iter()
        .filter_map(|(name, date)| {
            Some((
                RETENTION_EVENTS.iter().find(|(n, _)| *n == name)?.1,
                Date::parse(date)?,
            ))
        })
        .collect()
}

fn event_pairs(map: &BTreeMap<String, String>) -> impl Iterator<Item = (&str, &str)> {
    map.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

impl SubjectData {
    /// Splits `held` into what the policy describes and what it does not (logged by name).
    fn new(policy: &Policy, site: &str, subject: Subject, held: Vec<HeldValue>) -> SubjectData {
        let (values, not_described): (Vec<_>, Vec<_>) = held
            .into_iter()
            .partition(|h| describes(policy, &h.value.category, &h.value.field));
        if !not_described.is_empty() {
            let names: Vec<String> = not_described
                .iter()
                .map(|h| format!("{}.{}", h.value.category, h.value.field))
                .collect();
            tracing::warn!(site = %site, fields = %names.join(", "), "values not described in the privacy statement");
        }
        SubjectData {
            plan: subject.plan,
            events: subject.events,
            values,
            not_described,
        }
    }

    /// The provider's answer about `customer` (its plan, else the one the sign-in gave).
    fn pulled(policy: &Policy, customer: &Customer, answer: ProviderAnswer) -> SubjectData {
        let held = answer
            .values
            .into_iter()
            .map(|v| HeldValue {
                row: None,
                value: StoredValue {
                    events: retention_events(event_pairs(&v.events)),
                    category: v.category,
                    field: v.field,
                    value: v.value,
                },
                restricted: None,
            })
            .collect();
        let subject = Subject {
            plan: answer.plan.or_else(|| customer.plan.clone()),
            events: retention_events(event_pairs(&answer.events)),
        };
        SubjectData::new(policy, &customer.site, subject, held)
    }

    /// The plan and account-wide event dates.
    pub fn subject(&self) -> Subject {
        Subject {
            plan: self.plan.clone(),
            events: self.events.clone(),
        }
    }

    /// Every value: the described ones, then the others.
    pub fn all(&self) -> impl Iterator<Item = &HeldValue> {
        self.values.iter().chain(&self.not_described)
    }

    /// The data package (`kind`: `data`, `access` or `export`; C-C4, C-C5): the described values
    /// joined to the policy, each marked `restricted` with `restricted_reason` (a restriction
    /// request, or kept after an erasure: C-C6), and `not_described` as `[{category, field, value}]`.
    pub fn package(&self, policy: &Policy, kind: &str, today: Date, lang: Lang) -> Value {
        let values: Vec<StoredValue> = self.values.iter().map(|h| h.value.clone()).collect();
        let mut p = data_package(policy, &self.subject(), &values, kind, today, lang);
        for category in p["categories"].as_array_mut().into_iter().flatten() {
            let id = category["id"].as_str().unwrap_or_default().to_owned();
            let marks = self
                .values
                .iter()
                .filter(|h| h.value.category == id)
                .map(|h| h.restricted);
            for (item, restricted) in category["values"]
                .as_array_mut()
                .into_iter()
                .flatten()
                .zip(marks)
            {
                item["restricted"] = Value::Bool(restricted.is_some());
                item["restricted_reason"] =
                    restricted.map_or(Value::Null, |r| Value::String(r.name().to_owned()));
            }
        }
        p["not_described"] = self.not_described.iter().map(|h| json!({"category": h.value.category, "field": h.value.field, "value": h.value.value})).collect();
        p
    }

    /// What an erasure would do to every value ([`SubjectData::all`]: a value the policy does
    /// not describe goes too, unless its category's legal hold keeps it), and the values the
    /// plan's indexes point into.
    pub fn erasure_plan(&self, policy: &Policy, today: Date) -> (ErasurePlan, Vec<StoredValue>) {
        let values: Vec<StoredValue> = self.all().map(|h| h.value.clone()).collect();
        (
            plan_erasure(policy, &self.subject(), &values, today),
            values,
        )
    }
}

/// Why a snapshot was not stored.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Fields the policy does not describe (nothing stored).
    #[error("{}", .0.iter().map(|e| format!("{}: {}", e.field, e.reason)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// The database failed.
    #[error("{0}")]
    Db(#[from] DbError),
}

/// What [`ingest`] stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ingested {
    /// The customer's row.
    pub customer: i64,
    /// Whether the customer was new.
    pub created: bool,
}

/// The event dates of `events` that are not a retention event with a `YYYY-MM-DD` date, each
/// named `{at}.{name}`.
fn check_events(at: &str, events: &BTreeMap<String, String>, errors: &mut Vec<FieldError>) {
    for (name, date) in events {
        if !RETENTION_EVENTS.iter().any(|(n, _)| n == name) {
            let known: Vec<&str> = RETENTION_EVENTS.iter().map(|(n, _)| *n).collect();
            errors.push(invalid_field(
                format!("{at}.{name}"),
                format!(
                    "not an event date the policies know (one of {})",
                    known.join(", ")
                ),
            ));
        } else if Date::parse(date).is_none() {
            errors.push(invalid_field(
                format!("{at}.{name}"),
                format!("{date:?} is not a date (YYYY-MM-DD)"),
            ));
        }
    }
}

/// What of `answer` the policy does not describe (a value's category or field, the plan) or
/// cannot be read (an event date), each named (`values[3].category`, `plan`,
/// `events.trial_end`, `values[0].events.invoice_date`).
pub fn check(policy: &Policy, answer: &ProviderAnswer) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_events("events", &answer.events, &mut errors);
    for (i, v) in answer.values.iter().enumerate() {
        match policy.category(&v.category) {
            None => errors.push(invalid_field(
                format!("values[{i}].category"),
                format!("{:?} is not a category of the site's policy", v.category),
            )),
            Some(_) if !describes(policy, &v.category, &v.field) => errors.push(invalid_field(
                format!("values[{i}].field"),
                format!("{:?} is not a field of category {:?}", v.field, v.category),
            )),
            Some(_) => {}
        }
        check_events(&format!("values[{i}].events"), &v.events, &mut errors);
    }
    if let Some(plan) = answer.plan.as_deref().filter(|p| policy.plan(p).is_none()) {
        errors.push(invalid_field(
            "plan",
            format!("{plan:?} is not a plan of the site's policy"),
        ));
    }
    errors
}

/// Stores `answer` (the data provider's shape) as what the company holds about `sub` of `site`,
/// after checking it against `policy` ([`check`]; a refusal stores nothing). It replaces the
/// earlier snapshot: plan, event dates and values; a value equal to a restricted one keeps its
/// restriction (Art. 18). A new subject becomes a customer. The push route and the demo seed
/// both store through here.
pub fn ingest(
    conn: &Conn,
    policy: &Policy,
    site: &str,
    sub: &str,
    answer: &ProviderAnswer,
    now: i64,
) -> Result<Ingested, IngestError> {
    let errors = check(policy, answer);
    if !errors.is_empty() {
        return Err(IngestError::Invalid(errors));
    }
    let existing = conn.query_opt(
        "SELECT id FROM customers WHERE site = ?1 AND handle = ?2",
        params![site, sub],
    )?;
    let created = existing.is_none();
    let id: i64 = match existing {
        Some(row) => row.get(0)?,
        None => conn
            .query_one(
                "INSERT INTO customers (site, handle, display_name, email, plan, created_at_ms) VALUES (?1, ?2, ?2, '', ?3, ?4) RETURNING id",
                params![site, sub, answer.plan.as_deref(), now],
            )?
            .get(0)?,
    };
    let mut restricted: Vec<HeldValue> = store::values(conn, id)?
        .into_iter()
        .filter(|h| h.restricted.is_some())
        .collect();
    conn.execute(
        "UPDATE customers SET plan = ?2 WHERE id = ?1",
        params![id, answer.plan.as_deref()],
    )?;
    store::clear_values(conn, id)?;
    for (event, date) in &answer.events {
        conn.execute(
            "INSERT INTO customer_events (customer_id, event, date) VALUES (?1, ?2, ?3)",
            params![id, event.as_str(), date.as_str()],
        )?;
    }
    for v in &answer.values {
        let same = restricted.iter().position(|h| {
            h.value.category == v.category && h.value.field == v.field && h.value.value == v.value
        });
        let mark = same.and_then(|i| restricted.swap_remove(i).restricted);
        store::insert_value(
            conn,
            id,
            &v.category,
            &v.field,
            &v.value,
            &json!(v.events).to_string(),
            mark,
        )?;
    }
    Ok(Ingested {
        customer: id,
        created,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::provider::parse_answer;

    fn policy() -> Policy {
        privacy_widget::policy::parse_policy(include_str!(
            "../../../www/policies/host-tracker.json"
        ))
        .expect("the demo policy")
    }

    fn held(
        category: &str,
        field: &str,
        value: &str,
        restricted: Option<Restriction>,
    ) -> HeldValue {
        HeldValue {
            row: Some(1),
            value: StoredValue {
                category: category.into(),
                field: field.into(),
                value: value.into(),
                events: vec![],
            },
            restricted,
        }
    }

    #[test]
    fn a_snapshot_is_checked_field_by_field_against_the_policy() {
        let answer = parse_answer(
            br#"{"plan": "gold", "events": {"trial_end": "2025-02-30", "birthday": "2000-01-01", "contract_end": "2030-01-01"},
            "values": [{"category": "profile", "field": "first_name", "value": "Olga", "events": {"collection": "soon"}},
            {"category": "hobbies", "field": "x", "value": "y"}, {"category": "profile", "field": "shoe_size", "value": "41"},
            {"category": "cookies", "field": "anything", "value": "z", "events": {"collection": "2025-01-01"}}]}"#,
        )
        .unwrap();
        let fields: Vec<String> = check(&policy(), &answer)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "events.birthday",
                "events.trial_end",
                "values[0].events.collection",
                "values[1].category",
                "values[2].field",
                "plan"
            ]
        );
    }

    #[test]
    fn c_c4_values_the_policy_does_not_describe_are_shown_apart_and_restrictions_marked() {
        let policy = policy();
        let values = vec![
            held("profile", "first_name", "Olga", None),
            held("hobbies", "chess", "yes", None),
            held(
                "profile",
                "last_name",
                "Petrenko",
                Some(Restriction::Requested),
            ),
        ];
        let data = SubjectData::new(&policy, "host-tracker", Subject::default(), values);
        assert_eq!(data.values.len(), 2);
        let p = data.package(
            &policy,
            "data",
            Date::parse("2025-01-01").unwrap(),
            Lang::En,
        );
        let profile = p["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "profile")
            .unwrap();
        let marks: Vec<(&Value, &Value)> = profile["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (&v["value"], &v["restricted_reason"]))
            .collect();
        assert_eq!(
            marks,
            [
                (&json!("Olga"), &Value::Null),
                (&json!("Petrenko"), &json!("restriction_request"))
            ]
        );
        assert_eq!(
            p["not_described"],
            json!([{"category": "hobbies", "field": "chess", "value": "yes"}])
        );
        // An erasure covers every value, described or not (C-C6).
        let (plan, planned) = data.erasure_plan(&policy, Date::parse("2025-01-01").unwrap());
        assert_eq!(plan.values.len(), 3);
        assert_eq!(planned[2].value, "yes");
    }
}
