//! Moving a request on (shared by the API and the operator command) and what completing each
//! kind does: the data package for access/export built from what the company holds
//! ([`super::source`]: the data provider's answer of that moment, or the stored data; C-C4,
//! C-C5), and on the stored data erasure with legal holds kept restricted (C-C6),
//! rectification (C-C7), restriction, objection (C-A11).

use privacy_widget::{
    i18n::Lang,
    policy::{ConsentScope, Date, Policy},
    requests::{
        advance, data_package, due_date_for, erasure_plan_json, extended_due, is_direct_marketing, Disposition,
        RequestDetails, RequestError, RequestKind, RequestStatus, RequestStep,
    },
};
use serde_json::{json, Value};

use super::{
    session::Customer,
    source::{self, SubjectData},
    store::{self, Restriction},
    store_requests as sr,
    store_requests::RequestRow,
    store_visitor,
};
use crate::{
    db::{Conn, DbError},
    params,
    sites::Sites,
};

/// Why a step was not taken.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// No such request on this site.
    #[error("no such request")]
    NotFound,
    /// The step is not allowed from the request's current status.
    #[error("{0}")]
    Refused(#[from] RequestError),
    /// The request's details no longer hold under the site's current policy (the policy
    /// stopped offering the kind, or a category, field or purpose it names is gone): nothing is
    /// carried out and the request stays as it was.
    #[error("request {id} ({kind}) cannot be completed: its details no longer fit the current policy of {site}: {reasons}")]
    NoLongerValid {
        /// The request id.
        id: String,
        /// The request kind.
        kind: &'static str,
        /// The site.
        site: String,
        /// Why the current policy no longer allows it.
        reasons: String,
    },
    /// The database failed.
    #[error("{0}")]
    Db(#[from] DbError),
}

/// Refuses to complete a request whose details do not parse under `policy` (see
/// [`StepError::NoLongerValid`]): carrying out part of it, or all of it under a policy that
/// no longer names what was asked, would do something the subject did not ask for.
fn check_details(policy: &Policy, row: &RequestRow) -> Result<RequestDetails, StepError> {
    match RequestDetails::parse(row.kind, &row.details, policy) {
        Ok(d) => Ok(d),
        Err(errors) => {
            let reasons: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, e.reason)).collect();
            Err(StepError::NoLongerValid {
                id: row.id.clone(),
                kind: row.kind.name(),
                site: row.site.clone(),
                reasons: reasons.join("; "),
            })
        }
    }
}

/// The language packages are written in: the policy's default.
pub fn package_lang(policy: &Policy) -> Lang {
    Lang::from_tag(policy.default_language()).unwrap_or(Lang::Nl)
}

/// Takes `step` on request `id` and returns the request as it is afterwards. Completing an
/// access or export request builds its package from what is stored ([`apply_step_with_data`]
/// takes what the site's data provider answered instead).
pub fn apply_step(conn: &Conn, sites: &Sites, id: &str, step: &RequestStep, actor: &str, now: i64, today: Date) -> Result<RequestRow, StepError> {
    apply_step_with_data(conn, sites, id, step, actor, now, today, None)
}

/// [`apply_step`] with what the company holds about the subject, as its data provider answered
/// it just now (`pulled`): an access or export request completed with it gets its package from
/// that answer ([`super::operator::step`] asks the provider before the transaction).
#[allow(clippy::too_many_arguments)]
pub fn apply_step_with_data(
    conn: &Conn,
    sites: &Sites,
    id: &str,
    step: &RequestStep,
    actor: &str,
    now: i64,
    today: Date,
    pulled: Option<SubjectData>,
) -> Result<RequestRow, StepError> {
    let row = sr::get(conn, id)?.ok_or(StepError::NotFound)?;
    let policy = sites.get(&row.site).map(|s| s.policy.clone()).ok_or(StepError::NotFound)?;
    let target = advance(row.status, step)?;
    let received = Date::parse(&row.received_on).unwrap_or(today);
    match step {
        RequestStep::Extend { .. } => {
            let due = extended_due(received, today)?;
            sr::set_dates(conn, id, &row.received_on, &due.to_string(), true)?;
        }
        RequestStep::Verify => {
            // The request counts from its verification (C-C3).
            let due = due_date_for(&policy, row.kind, today)?;
            sr::set_dates(conn, id, &today.to_string(), &due.to_string(), false)?;
            let email = row.email.clone().unwrap_or_default();
            if let Some(customer) = store::customer_by_email(conn, &row.site, &email)? {
                sr::set_customer(conn, id, customer.id)?;
                on_verified(conn, &policy, &row, customer.id, now)?;
            }
        }
        RequestStep::Complete => {
            // Checked before anything is changed, so a refusal leaves the request as it was.
            let details = check_details(&policy, &row)?;
            complete(conn, &policy, &row, details, today, now, pulled)?
        }
        _ => {}
    }
    sr::set_status(conn, id, target, step.reason().map(str::trim), actor, now)?;
    // The company hears of it in the same transaction (C-E3): a visitor's request once
    // verified, a withdrawal of a request it had heard of, an answer.
    if let Some(kind) = event_for(row.status, target) {
        crate::events::outbox::request_event(conn, kind, id, now)?;
    }
    // A visitor learns by mail that the answer is ready (the mail itself holds no data).
    if row.email.is_some() && matches!(target, RequestStatus::Completed | RequestStatus::Refused) {
        store_visitor::queue_mail(conn, id, target, now)?;
    }
    sr::get(conn, id)?.ok_or(StepError::NotFound)
}

/// The event a status change is announced with, if any.
fn event_for(from: RequestStatus, to: RequestStatus) -> Option<crate::events::EventType> {
    use crate::events::EventType as E;
    match to {
        RequestStatus::Verified => Some(E::RequestCreated),
        // An unverified visitor request the company never heard of goes unannounced.
        RequestStatus::Cancelled if from != RequestStatus::Received => Some(E::RequestCancelled),
        RequestStatus::Completed => Some(E::RequestCompleted),
        RequestStatus::Refused => Some(E::RequestRefused),
        _ => None,
    }
}

/// The member of a request's outcome (and its package) that says no personal data is linked
/// to the request's address.
pub const NO_PERSONAL_DATA: &str = "no_personal_data";

/// Answers a just verified request whose address is linked to no customer (C-C3): there is
/// nothing to look up, so the system starts and completes it at once. Access and export get a
/// package saying that no personal data is held (with the controller, purposes, recipients,
/// rights and the authority, as every package: C-C4); the other kinds complete with nothing to
/// change. The visitor is mailed that the answer is ready, as for any answer.
pub fn answer_unlinked(conn: &Conn, sites: &Sites, id: &str, now: i64, today: Date) -> Result<RequestRow, StepError> {
    apply_step(conn, sites, id, &RequestStep::Start, "system", now, today)?;
    apply_step(conn, sites, id, &RequestStep::Complete, "system", now, today)
}

/// Whether the request was answered with "no personal data is linked to this address".
pub fn no_personal_data(row: &RequestRow) -> bool {
    row.result
        .as_deref()
        .and_then(|r| serde_json::from_str::<Value>(r).ok())
        .is_some_and(|r| r[NO_PERSONAL_DATA] == Value::Bool(true))
}

/// The access/export package for an address linked to no customer: no categories, the rest as
/// in every package, and a sentence saying so in the package's language.
fn no_data_package(policy: &Policy, row: &RequestRow, today: Date) -> Value {
    let lang = package_lang(policy);
    let nobody = privacy_widget::requests::Subject { plan: None, events: Vec::new() };
    let mut package = data_package(policy, &nobody, &[], row.kind.name(), today, lang);
    package[NO_PERSONAL_DATA] = Value::Bool(true);
    package["note"] = Value::String(privacy_widget::i18n::t(lang, "visitor.no_data").to_owned());
    package
}

/// What happens as soon as a request is verified: an objection to direct marketing switches
/// every marketing opt-in off at once (C-A11).
pub fn on_verified(conn: &Conn, policy: &Policy, row: &RequestRow, customer: i64, now: i64) -> Result<(), DbError> {
    if row.kind == RequestKind::Objection {
        if let Ok(details) = RequestDetails::parse(row.kind, &row.details, policy) {
            if details.objects_to_direct_marketing() && !marketing_off(conn, policy, customer, "objection", now)?.is_empty() {
                crate::events::outbox::preferences_event(conn, customer, now)?;
            }
        }
    }
    Ok(())
}

/// Switches every direct-marketing account purpose off (only those currently on); returns which.
/// An opt-out purpose with no stored choice counts as on whatever the plan, so the objection is
/// stored and still holds if the customer later moves to a plan that receives it (C-A11).
pub fn marketing_off(conn: &Conn, policy: &Policy, customer: i64, source: &str, now: i64) -> Result<Vec<String>, DbError> {
    let current = store::preferences(conn, customer)?;
    let mut switched = Vec::new();
    for p in policy.purposes.iter().filter(|p| p.consent.is_account() && is_direct_marketing(p.kind)) {
        if p.consent.granted(current.get(&p.id).map(|c| c.granted), true) {
            store::insert_preference(conn, customer, &p.id, false, &policy.version, source, now)?;
            switched.push(p.id.clone());
        }
    }
    Ok(switched)
}

fn complete(
    conn: &Conn,
    policy: &Policy,
    row: &RequestRow,
    details: RequestDetails,
    today: Date,
    now: i64,
    pulled: Option<SubjectData>,
) -> Result<(), StepError> {
    let Some(customer) = row.customer_id.map(|id| store::customer_by_id(conn, id)).transpose()?.flatten() else {
        // Nothing is linked to the address: that is the answer (Art. 15(1): whether or not).
        let package = row.kind.yields_package().then(|| no_data_package(policy, row, today).to_string());
        sr::set_outcome(conn, &row.id, package.as_deref(), Some(&json!({ NO_PERSONAL_DATA: true }).to_string()))?;
        return Ok(());
    };
    let lang = package_lang(policy);
    let data = match pulled {
        Some(data) => data,
        None => source::stored(conn, policy, &customer)?,
    };
    let (package, result) = match details {
        RequestDetails::Access { .. } | RequestDetails::Export { .. } => (Some(data.package(policy, row.kind.name(), today, lang).to_string()), None),
        RequestDetails::Erasure { .. } => {
            let (plan, values) = data.erasure_plan(policy, today);
            let held: Vec<_> = data.all().collect();
            for planned in &plan.values {
                let Some(stored) = held.get(planned.index).and_then(|h| h.row) else { continue };
                match &planned.disposition {
                    Disposition::Erase => store::delete_value(conn, stored)?,
                    Disposition::Keep(why) => {
                        store::restrict(conn, stored, Restriction::kept(why))?;
                    }
                }
            }
            all_opt_ins_off(conn, policy, &customer, now)?;
            conn.execute("DELETE FROM sessions WHERE customer_id = ?1", params![customer.id])?;
            let mut report = erasure_plan_json(policy, &plan, &values, lang);
            report["erased_count"] = json!(plan.erased().count());
            report["kept_count"] = json!(plan.kept().count());
            (None, Some(report))
        }
        RequestDetails::Rectification { category, field, value, .. } => {
            let changed = conn.execute(
                "UPDATE customer_values SET value = ?4 WHERE customer_id = ?1 AND category = ?2 AND field = ?3",
                params![customer.id, &category, &field, &value],
            )?;
            if changed == 0 {
                store::insert_value(conn, customer.id, &category, &field, &value, "{}", None)?;
            }
            (None, Some(json!({"rectified": {"category": category, "field": field, "value": value}})))
        }
        RequestDetails::Restriction { categories, .. } => {
            let mut count = 0;
            for h in data.all().filter(|h| categories.is_empty() || categories.contains(&h.value.category)) {
                if let Some(stored) = h.row {
                    count += store::restrict(conn, stored, Restriction::Requested)?;
                }
            }
            (None, Some(json!({"restricted_count": count, "categories": categories})))
        }
        RequestDetails::Objection { targets, .. } => {
            let mut off = marketing_off_if(conn, policy, &customer, &row.details, now)?;
            for t in &targets {
                if let privacy_widget::requests::ObjectionTarget::Purpose(id) = t {
                    let is_opt_in = policy.purpose(id).is_some_and(|p| p.consent.is_account());
                    if is_opt_in && !off.contains(id) {
                        store::insert_preference(conn, customer.id, id, false, &policy.version, "objection", now)?;
                        off.push(id.clone());
                    }
                }
            }
            if !off.is_empty() {
                crate::events::outbox::preferences_event(conn, customer.id, now)?;
            }
            (None, Some(json!({"opt_ins_switched_off": off})))
        }
    };
    sr::set_outcome(conn, &row.id, package.as_deref(), result.map(|r| r.to_string()).as_deref())?;
    Ok(())
}

fn marketing_off_if(conn: &Conn, policy: &Policy, customer: &Customer, details: &Value, now: i64) -> Result<Vec<String>, DbError> {
    let dm = details["purposes"].as_array().is_some_and(|a| a.iter().any(|v| v == privacy_widget::requests::DIRECT_MARKETING));
    if dm {
        marketing_off(conn, policy, customer.id, "objection", now)
    } else {
        Ok(Vec::new())
    }
}

fn all_opt_ins_off(conn: &Conn, policy: &Policy, customer: &Customer, now: i64) -> Result<(), DbError> {
    let current = store::preferences(conn, customer.id)?;
    for (purpose, pref) in current.iter().filter(|(_, p)| p.granted) {
        let _ = pref;
        store::insert_preference(conn, customer.id, purpose, false, &policy.version, "erasure", now)?;
    }
    // Opt-out purposes never chosen are on by default: switched off too.
    for p in policy.purposes.iter().filter(|p| p.consent == ConsentScope::AccountOptOut && !current.contains_key(&p.id)) {
        store::insert_preference(conn, customer.id, &p.id, false, &policy.version, "erasure", now)?;
    }
    Ok(())
}

/// Whether the status lets the subject download a package.
pub fn package_ready(row: &RequestRow) -> bool {
    row.status == RequestStatus::Completed && row.package.is_some()
}
