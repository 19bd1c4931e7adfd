//! Per-system results of a request, the one code path of `PUT
//! /api/v1/admin/requests/{id}/systems/{system}` and the operator's `requests result`: a result
//! (`done`, `not_found`, `retained` with the items kept and why, or `failed`) is checked against
//! the site's policy and its configured `systems` ([`check`]), then recorded while the request
//! is open ([`record`]). Completion waits for every system's final result
//! ([`super::operator::transition`]).

use privacy_widget::{
    policy::{Date, Policy},
    requests::RequestStatus,
};
use serde_json::{json, Map, Value};

use super::operator::{pending, systems_of};
use crate::{
    config::is_system_id,
    db::{Conn, DbError},
    field::{invalid_field, FieldError},
    params,
};

/// Every result a system may report.
pub const RESULTS: [&str; 4] = ["done", "not_found", "retained", "failed"];
/// Longest reason or note, in characters.
pub const MAX_TEXT: usize = 2000;
/// The members a result body may have.
pub const MEMBERS: [&str; 3] = ["status", "retained", "note"];

/// A result that passed [`check`], ready to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemResult {
    /// The system's id (`billing`).
    pub system: String,
    /// One of [`RESULTS`].
    pub status: String,
    /// The items kept, `[{category, reason, until}]` (status `retained` only).
    pub retained: Vec<Value>,
    /// The operator's note.
    pub note: Option<String>,
}

/// Why results cannot be reported on a request in `status` (it is closed).
pub fn closed_reason(status: RequestStatus) -> String {
    format!("the request is {}: results can only be reported while it is open", status.name())
}

/// A text member of 1-[`MAX_TEXT`] characters without control characters (newlines allowed).
pub fn text(body: &Map<String, Value>, name: &str, required: bool, errors: &mut Vec<FieldError>) -> Option<String> {
    match body.get(name) {
        None | Some(Value::Null) if !required => None,
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= MAX_TEXT && !s.chars().any(|c| c.is_control() && c != '\n') => Some(s.clone()),
        _ => {
            errors.push(invalid_field(name, format!("{}a string of 1-{MAX_TEXT} characters without control characters", if required { "required, " } else { "" })));
            None
        }
    }
}

/// The retained items, each checked against the policy: `[{category, reason, until}]`.
fn retained(policy: &Policy, value: Option<&Value>, errors: &mut Vec<FieldError>) -> Vec<Value> {
    let mut out = Vec::new();
    let items = match value {
        None | Some(Value::Null) => return out,
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.push(invalid_field("retained", "must be an array of {category, reason, until}"));
            return out;
        }
    };
    for (i, item) in items.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            errors.push(invalid_field(format!("retained[{i}]"), "must be an object {category, reason, until}"));
            continue;
        };
        if let Some(k) = obj.keys().find(|k| !["category", "reason", "until"].contains(&k.as_str())) {
            errors.push(invalid_field(format!("retained[{i}].{k}"), "unknown field"));
        }
        let category = obj.get("category").and_then(Value::as_str).unwrap_or_default();
        if policy.category(category).is_none() {
            errors.push(invalid_field(format!("retained[{i}].category"), "not a category of the site's policy"));
        }
        let reason = obj.get("reason").and_then(Value::as_str).unwrap_or_default();
        if reason.trim().is_empty() || reason.chars().count() > MAX_TEXT || reason.chars().any(char::is_control) {
            errors.push(invalid_field(format!("retained[{i}].reason"), "required: why it is kept (the customer sees it)"));
        }
        let until = obj.get("until").and_then(Value::as_str).unwrap_or_default();
        if Date::parse(until).is_none() {
            errors.push(invalid_field(format!("retained[{i}].until"), "required: the date it will be deleted (YYYY-MM-DD)"));
        }
        out.push(json!({"category": category, "reason": reason.trim(), "until": until}));
    }
    out
}

/// Checks `body` (`{"status", "retained", "note"}`) as the result of `system` on a request of a
/// site with `policy` whose configuration lists `listed` (empty: any well-formed system id).
/// Every problem is named by its field.
pub fn check(policy: &Policy, listed: &[String], system: &str, body: &Map<String, Value>) -> Result<SystemResult, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !is_system_id(system) || (!listed.is_empty() && !listed.iter().any(|s| s == system)) {
        let known = if listed.is_empty() { "1-64 of a-z, 0-9, - and _".to_owned() } else { format!("one of {}", listed.join(", ")) };
        errors.push(invalid_field("system", format!("{system:?} is not a system of this site ({known})")));
    }
    let status = body.get("status").and_then(Value::as_str).filter(|s| RESULTS.contains(s));
    if status.is_none() {
        errors.push(invalid_field("status", "required, one of done, not_found, retained, failed"));
    }
    let items = retained(policy, body.get("retained"), &mut errors);
    if status == Some("retained") && items.is_empty() && errors.is_empty() {
        errors.push(invalid_field("retained", "list what is kept, with reason and date"));
    }
    if status.is_some_and(|s| s != "retained") && !items.is_empty() {
        errors.push(invalid_field("retained", "only with status retained"));
    }
    let note = text(body, "note", false, &mut errors);
    match status {
        Some(status) if errors.is_empty() => Ok(SystemResult { system: system.to_owned(), status: status.to_owned(), retained: items, note }),
        _ => Err(errors),
    }
}

/// Records `result` for request `id` if it is still open (`None` if it is not, or is gone) and
/// answers the systems still without a final result: the `listed` ones and every one that
/// reported, each with its state (`mail (no result yet)`).
pub fn record(conn: &Conn, id: &str, listed: &[String], result: &SystemResult, now: i64) -> Result<Option<Vec<String>>, DbError> {
    if !super::store_requests::get(conn, id)?.is_some_and(|row| row.status.is_open()) {
        return Ok(None);
    }
    let retained = Value::Array(result.retained.clone()).to_string();
    conn.execute(
        "INSERT INTO request_systems (request_id, system, status, retained, note, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (request_id, system) DO UPDATE SET status = ?3, retained = ?4, note = ?5, updated_at_ms = ?6",
        params![id, &result.system, &result.status, &retained, &result.note, now],
    )?;
    pending(conn, id, &systems_of(conn, id, listed)?).map(Some)
}

/// Each system of request `id` with its result (`billing: done`), the `listed` ones first (`-`
/// for no result yet), then any other that reported.
pub fn states(conn: &Conn, id: &str, listed: &[String]) -> Result<Vec<(String, String)>, DbError> {
    let mut out = Vec::new();
    for system in systems_of(conn, id, listed)? {
        let found = conn.query_opt("SELECT status FROM request_systems WHERE request_id = ?1 AND system = ?2", params![id, system.as_str()])?;
        let state = found.map(|r| r.get::<String>(0)).transpose()?.unwrap_or_else(|| "-".to_owned());
        out.push((system, state));
    }
    Ok(out)
}
