//! `GET /api/v1/admin/requests`, `GET /api/v1/admin/requests/{id}` and `POST
//! /api/v1/admin/requests/{id}/transitions`: the operator's view of data-subject requests and
//! the steps the lifecycle allows (extended needs a reason and gives at most two more months;
//! refused needs a reason the customer sees; anything else the lifecycle refuses is 422).

use std::collections::HashMap;

use axum::{
    body::Bytes,
    extract::{Path, Query},
    http::HeaderMap,
    Json,
};
use privacy_widget::requests::{RequestError, RequestStatus, RequestStep, MAX_REASON_CHARS};
use serde_json::{json, Value};

use super::auth::{admin_scope, illegal_transition};
use crate::{
    db::{Conn, DbError},
    panel::{
        complete,
        operator::{self, TransitionError},
        store, store_requests as sr,
    },
    params,
    http::{guard, FieldError, Problem, ProblemKind},
    routes::panel::Context,
};

/// The transitions the admin API offers, by their `to`.
const TARGETS: [&str; 4] = ["in_progress", "extended", "completed", "refused"];

fn not_found() -> Problem {
    Problem::new(ProblemKind::NotFound).detail("no such request")
}

/// The request as the operator sees it: the customer's JSON, plus who filed it (the customer's
/// id in the company's systems, or the visitor's address), when it last changed, and the
/// operator's notes in the timeline.
fn admin_json(conn: &Conn, row: &sr::RequestRow) -> Result<Value, DbError> {
    let events = sr::events(conn, &row.id)?;
    let mut out = sr::to_json(row, &events, None);
    let subject = match row.customer_id {
        Some(id) => store::customer_by_id(conn, id)?.map(|c| c.handle),
        None => None,
    };
    out["subject"] = subject.map_or(Value::Null, Value::String);
    out["email"] = row.email.clone().map_or(Value::Null, Value::String);
    let updated = events.iter().map(|e| e.at_ms).max().unwrap_or(row.created_at_ms);
    out["updated_at"] = Value::String(crate::time::rfc3339_ms(updated));
    let notes = conn.query("SELECT note FROM request_events WHERE request_id = ?1 ORDER BY id", params![&row.id])?;
    if let Some(timeline) = out["timeline"].as_array_mut() {
        for (step, note) in timeline.iter_mut().zip(notes) {
            step["note"] = note.get::<Option<String>>(0)?.map_or(Value::Null, Value::String);
        }
    }
    Ok(out)
}

fn updated_at_ms(conn: &Conn, row: &sr::RequestRow) -> Result<i64, DbError> {
    let found = conn.query_one("SELECT MAX(at_ms) FROM request_events WHERE request_id = ?1", params![&row.id])?;
    Ok(found.get::<Option<i64>>(0)?.unwrap_or(row.created_at_ms))
}

/// `GET /api/v1/admin/requests?site=&status=&updated_since=`: oldest first; `status` may list
/// several (comma-separated); `updated_since` is an RFC 3339 time.
pub async fn list(
    state: Context,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, Problem> {
    let scope = admin_scope(&state.settings, &headers)?;
    let mut errors = super::unknown_parameters(&query, &["site", "status", "updated_since"]);
    let site = query.get("site").cloned().filter(|s| !s.is_empty());
    let mut statuses = Vec::new();
    for name in query.get("status").map(String::as_str).unwrap_or("").split(',').filter(|s| !s.is_empty()) {
        match RequestStatus::from_name(name) {
            Some(s) => statuses.push(s),
            None => errors.push(crate::field::invalid_field("status", format!("unknown status {name:?}"))),
        }
    }
    let since = match query.get("updated_since").filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => match crate::time::parse_rfc3339_ms(text) {
            Some(ms) => Some(ms),
            None => {
                errors.push(crate::field::invalid_field("updated_since", "must be an RFC 3339 time (2025-06-01T00:00:00Z)"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(Problem::validation(errors));
    }
    if let Some(s) = &site {
        scope.allow(s)?;
    }
    let site = site.or_else(|| scope.site().map(str::to_owned));
    let list = state
        .db
        .read(move |conn| {
            let mut out = Vec::new();
            for row in sr::all(conn, site.as_deref(), &statuses)? {
                if since.is_some_and(|t| updated_at_ms(conn, &row).is_ok_and(|u| u < t)) {
                    continue;
                }
                out.push(admin_json(conn, &row)?);
            }
            Ok(out)
        })
        .await?;
    Ok(Json(json!({ "requests": list })))
}

/// The request `id` if it exists (404) and the token may see its site (403).
async fn visible(state: &Context, headers: &HeaderMap, id: &str) -> Result<sr::RequestRow, Problem> {
    let scope = admin_scope(&state.settings, headers)?;
    let key = id.to_owned();
    let row = state.db.read(move |conn| sr::get(conn, &key)).await?.ok_or_else(not_found)?;
    scope.allow(&row.site)?;
    Ok(row)
}

/// `GET /api/v1/admin/requests/{id}`
pub async fn one(
    state: Context,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let row = visible(&state, &headers, &id).await?;
    Ok(Json(state.db.read(move |conn| admin_json(conn, &row)).await?))
}

/// A text member of at most [`MAX_REASON_CHARS`] characters, if present.
fn text_member(body: &serde_json::Map<String, Value>, name: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    match body.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() > MAX_REASON_CHARS => {
            errors.push(crate::field::invalid_field(name, format!("at most {MAX_REASON_CHARS} characters")));
            None
        }
        Some(Value::String(s)) if s.chars().any(|c| c.is_control() && c != '\n') => {
            errors.push(crate::field::invalid_field(name, "must not contain control characters"));
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.push(crate::field::invalid_field(name, "must be a string"));
            None
        }
    }
}

/// The step a transitions body asks for, or why it is invalid (422 naming the field).
pub fn parse_transition(body: &[u8]) -> Result<(RequestStep, Option<String>), Problem> {
    let body = guard::json_object(body)?;
    guard::only_members(&body, &["to", "note", "reason"])?;
    let mut errors = Vec::new();
    let reason = text_member(&body, "reason", &mut errors);
    let note = text_member(&body, "note", &mut errors);
    let reason_text = reason.clone().unwrap_or_default();
    let step = match body.get("to").and_then(Value::as_str) {
        Some("in_progress") => Some(RequestStep::Start),
        Some("extended") => Some(RequestStep::Extend { reason: reason_text }),
        Some("completed") => Some(RequestStep::Complete),
        Some("refused") => Some(RequestStep::Refuse { reason: reason_text }),
        Some(_) | None => {
            errors.push(crate::field::invalid_field("to", format!("required, one of {}", TARGETS.join(", "))));
            None
        }
    };
    if let Some(step @ (RequestStep::Extend { .. } | RequestStep::Refuse { .. })) = &step {
        if step.reason().is_none_or(|r| r.trim().is_empty()) && errors.iter().all(|e| e.field != "reason") {
            let why = if matches!(step, RequestStep::Refuse { .. }) { "the customer is told why" } else { "GDPR Art. 12(3)" };
            errors.push(crate::field::invalid_field("reason", format!("required for {} ({why})", step.target().name())));
        }
    }
    match step {
        Some(step) if errors.is_empty() => Ok((step, note)),
        _ => Err(Problem::validation(errors)),
    }
}

/// `POST /api/v1/admin/requests/{id}/transitions {"to", "note", "reason"}`
pub async fn transition_route(
    state: Context,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, Problem> {
    visible(&state, &headers, &id).await?;
    let (step, note) = parse_transition(&body)?;
    let outcome = operator::step(&state.db, &state.sites, &state.settings.sites, &state.panel.http, &id, step, note).await;
    let outcome = match outcome {
        Ok(row) => Ok(state.db.read(move |conn| admin_json(conn, &row)).await?),
        Err(TransitionError::Step(complete::StepError::Db(e))) => return Err(e.into()),
        Err(other) => Err(other),
    };
    use complete::StepError as E;
    match outcome {
        Ok(json) => Ok(Json(json)),
        Err(TransitionError::Step(E::NotFound)) => Err(not_found()),
        Err(TransitionError::Step(E::Refused(RequestError::ReasonRequired))) => {
            Err(Problem::validation(vec![crate::field::invalid_field("reason", "required")]))
        }
        Err(TransitionError::Step(E::Refused(RequestError::ReasonTooLong))) => {
            Err(Problem::validation(vec![crate::field::invalid_field("reason", format!("at most {MAX_REASON_CHARS} characters"))]))
        }
        Err(e @ TransitionError::DataUnavailable { .. }) => Err(crate::http::problems::data_unavailable(e.to_string())),
        Err(e) => Err(illegal_transition(e.to_string())),
    }
}
