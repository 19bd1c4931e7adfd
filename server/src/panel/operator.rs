//! The operator's steps on a request, shared by the admin API and the `requests` command:
//! [`transition`] (the request lifecycle, a note on the timeline, completion waiting for every
//! system's final result) and what completion adds: the retained items as the legal holds the
//! customer sees, the attachments in the package.

use privacy_widget::requests::{RequestStatus, RequestStep};
use serde_json::{json, Value};

use super::{complete, store, store_requests as sr};
use crate::{
    db::{Conn, DbError},
    params,
};

/// The results that end a system's work on a request.
pub const FINAL: [&str; 3] = ["done", "not_found", "retained"];

/// Why the operator's step was not taken.
#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    /// The step could not be taken.
    #[error(transparent)]
    Step(#[from] complete::StepError),
    /// Completion waits for every system's final result.
    #[error("the request cannot be completed before every system has a final result; waiting for {0}")]
    SystemsPending(String),
}

impl From<DbError> for TransitionError {
    fn from(e: DbError) -> TransitionError {
        TransitionError::Step(complete::StepError::Db(e))
    }
}

/// Takes `step` on request `id` as the operator, with an optional note on the timeline: the one
/// code path of the admin API and the `requests` command. Completing waits until every system in
/// `systems` (the site's list) and every system that reported has a final result; then the
/// retained items become the request's legal holds and the attachments join its package.
pub fn transition(
    conn: &Conn,
    sites: &crate::sites::Sites,
    systems: &[String],
    id: &str,
    step: &RequestStep,
    note: Option<&str>,
    now: i64,
) -> Result<sr::RequestRow, TransitionError> {
    if *step == RequestStep::Complete {
        let waiting = pending(conn, id, &systems_of(conn, id, systems)?)?;
        if !waiting.is_empty() {
            return Err(TransitionError::SystemsPending(waiting.join(", ")));
        }
    }
    let row = complete::apply_step(conn, sites, id, step, "operator", now, store::today())?;
    if let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) {
        conn.execute(
            "UPDATE request_events SET note = ?2 WHERE id = (SELECT MAX(id) FROM request_events WHERE request_id = ?1)",
            params![id, note],
        )?;
    }
    if row.status == RequestStatus::Completed {
        on_completed(conn, id)?;
        return Ok(sr::get(conn, id)?.unwrap_or(row));
    }
    Ok(row)
}

/// The systems request `id` waits for: the site's `listed` ones, then every other one that
/// reported a result.
pub fn systems_of(conn: &Conn, id: &str, listed: &[String]) -> Result<Vec<String>, DbError> {
    let mut names: Vec<String> = listed.to_vec();
    for row in conn.query("SELECT system FROM request_systems WHERE request_id = ?1 ORDER BY system", params![id])? {
        let name: String = row.get(0)?;
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(names)
}

/// The systems of `systems` without a final result for request `id`, with their state.
pub fn pending(conn: &Conn, id: &str, systems: &[String]) -> Result<Vec<String>, DbError> {
    let mut out = Vec::new();
    for system in systems {
        let found = conn.query_opt("SELECT status FROM request_systems WHERE request_id = ?1 AND system = ?2", params![id, system.as_str()])?;
        match found.map(|r| r.get::<String>(0)).transpose()? {
            Some(s) if FINAL.contains(&s.as_str()) => {}
            Some(s) => out.push(format!("{system} ({s})")),
            None => out.push(format!("{system} (no result yet)")),
        }
    }
    Ok(out)
}

/// After completion: the retained items become the request's legal holds (in its result, which
/// the customer sees) and the attachments go into its package.
pub fn on_completed(conn: &Conn, id: &str) -> Result<(), DbError> {
    let mut holds = Vec::new();
    for row in conn.query("SELECT system, retained FROM request_systems WHERE request_id = ?1 AND status = 'retained' ORDER BY system", params![id])? {
        let system: String = row.get(0)?;
        let items: Value = serde_json::from_str(&row.get::<String>(1)?).unwrap_or(Value::Null);
        for item in items.as_array().into_iter().flatten() {
            holds.push(json!({"system": system, "category": item["category"], "reason": item["reason"], "until": item["until"]}));
        }
    }
    let attachments: Vec<Value> = conn
        .query("SELECT name, media_type, content FROM request_attachments WHERE request_id = ?1 ORDER BY id", params![id])?
        .iter()
        .map(|r| Ok(json!({"name": r.get::<String>(0)?, "media_type": r.get::<String>(1)?, "content": r.get::<String>(2)?})))
        .collect::<Result<_, DbError>>()?;
    let Some(row) = sr::get(conn, id)? else { return Ok(()) };
    let mut result = row.result.as_deref().and_then(|r| serde_json::from_str::<Value>(r).ok()).unwrap_or_else(|| json!({}));
    let mut package = row.package.as_deref().and_then(|p| serde_json::from_str::<Value>(p).ok());
    if !holds.is_empty() {
        result["legal_holds"] = Value::Array(holds);
    }
    if let (Some(p), false) = (package.as_mut(), attachments.is_empty()) {
        p["attachments"] = Value::Array(attachments);
    }
    let result = (result != json!({})).then(|| result.to_string());
    sr::set_outcome(conn, id, package.map(|p| p.to_string()).as_deref(), result.as_deref())
}

