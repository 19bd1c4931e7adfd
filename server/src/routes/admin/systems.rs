//! Per-system results and attachments: `PUT /api/v1/admin/requests/{id}/systems/{system}`
//! (done, not_found, retained with the items kept and why, failed) and `POST
//! /api/v1/admin/requests/{id}/attachments` (what the company adds by hand to an access or
//! export package). A site that lists its `systems` completes a request only when every one has
//! a final result; the retained items become the legal holds the customer sees, with reason and
//! date; the attachments go into the package.

use axum::{
    body::Bytes,
    extract::Path,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use privacy_widget::policy::{Date, Policy};
use serde_json::{json, Map, Value};

use super::auth::AdminTokens;
use crate::{
    config::is_system_id,
    panel::{operator::pending, store_requests as sr},
    params,
    http::{guard, FieldError, Problem, ProblemKind},
    routes::panel::Context,
};

/// Every result a system may report.
const RESULTS: [&str; 4] = ["done", "not_found", "retained", "failed"];
/// Longest reason or note, in characters.
const MAX_TEXT: usize = 2000;
/// Largest attachment content, in bytes (the body limit is 64 KiB).
const MAX_ATTACHMENT: usize = 48 * 1024;

/// The request `id` if it exists (404), the token may see it (403) and it is still open (422).
async fn open_request(state: &Context, headers: &HeaderMap, id: &str) -> Result<(sr::RequestRow, std::sync::Arc<Policy>), Problem> {
    let scope = AdminTokens::from_settings(&state.settings).check(headers)?;
    let key = id.to_owned();
    let row = state.db.read(move |conn| sr::get(conn, &key)).await?.ok_or_else(|| Problem::new(ProblemKind::NotFound).detail("no such request"))?;
    scope.allow(&row.site)?;
    if !row.status.is_open() {
        return Err(super::auth::illegal_transition(format!("the request is {}: results can only be reported while it is open", row.status.name())));
    }
    let policy = state.sites.get(&row.site).map(|s| s.policy.clone()).ok_or_else(|| Problem::new(ProblemKind::NotFound).detail("no such site"))?;
    Ok((row, policy))
}

fn text(body: &Map<String, Value>, name: &str, required: bool, errors: &mut Vec<FieldError>) -> Option<String> {
    match body.get(name) {
        None | Some(Value::Null) if !required => None,
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= MAX_TEXT && !s.chars().any(|c| c.is_control() && c != '\n') => Some(s.clone()),
        _ => {
            errors.push(crate::field::invalid_field(name, format!("{}a string of 1-{MAX_TEXT} characters without control characters", if required { "required, " } else { "" })));
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
            errors.push(crate::field::invalid_field("retained", "must be an array of {category, reason, until}"));
            return out;
        }
    };
    for (i, item) in items.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            errors.push(crate::field::invalid_field(format!("retained[{i}]"), "must be an object {category, reason, until}"));
            continue;
        };
        if let Some(k) = obj.keys().find(|k| !["category", "reason", "until"].contains(&k.as_str())) {
            errors.push(crate::field::invalid_field(format!("retained[{i}].{k}"), "unknown field"));
        }
        let category = obj.get("category").and_then(Value::as_str).unwrap_or_default();
        if policy.category(category).is_none() {
            errors.push(crate::field::invalid_field(format!("retained[{i}].category"), "not a category of the site's policy"));
        }
        let reason = obj.get("reason").and_then(Value::as_str).unwrap_or_default();
        if reason.trim().is_empty() || reason.chars().count() > MAX_TEXT || reason.chars().any(char::is_control) {
            errors.push(crate::field::invalid_field(format!("retained[{i}].reason"), "required: why it is kept (the customer sees it)"));
        }
        let until = obj.get("until").and_then(Value::as_str).unwrap_or_default();
        if Date::parse(until).is_none() {
            errors.push(crate::field::invalid_field(format!("retained[{i}].until"), "required: the date it will be deleted (YYYY-MM-DD)"));
        }
        out.push(json!({"category": category, "reason": reason.trim(), "until": until}));
    }
    out
}

/// `PUT /api/v1/admin/requests/{id}/systems/{system} {"status", "retained", "note"}`
pub async fn put_result(
    state: Context,
    headers: HeaderMap,
    Path((id, system)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, Problem> {
    let (row, policy) = open_request(&state, &headers, &id).await?;
    let listed = state.settings.sites.iter().find(|s| s.id == row.site).map(|s| s.systems.clone()).unwrap_or_default();
    let body = guard::json_object(&body)?;
    guard::only_members(&body, &["status", "retained", "note"])?;
    let mut errors = Vec::new();
    if !is_system_id(&system) || (!listed.is_empty() && !listed.contains(&system)) {
        let known = if listed.is_empty() { "1-64 of a-z, 0-9, - and _".to_owned() } else { format!("one of {}", listed.join(", ")) };
        errors.push(crate::field::invalid_field("system", format!("{system:?} is not a system of this site ({known})")));
    }
    let status = body.get("status").and_then(Value::as_str).filter(|s| RESULTS.contains(s));
    if status.is_none() {
        errors.push(crate::field::invalid_field("status", "required, one of done, not_found, retained, failed"));
    }
    let items = retained(&policy, body.get("retained"), &mut errors);
    if status == Some("retained") && items.is_empty() && errors.is_empty() {
        errors.push(crate::field::invalid_field("retained", "list what is kept, with reason and date"));
    }
    if status.is_some_and(|s| s != "retained") && !items.is_empty() {
        errors.push(crate::field::invalid_field("retained", "only with status retained"));
    }
    let note = text(&body, "note", false, &mut errors);
    if !errors.is_empty() {
        return Err(Problem::validation(errors));
    }
    let status = status.unwrap_or("failed").to_owned();
    let retained_json = Value::Array(items).to_string();
    let now = crate::time::now_ms();
    let (rid, sys) = (id.clone(), system.clone());
    state
        .db
        .write(move |conn| {
            conn.execute(
                "INSERT INTO request_systems (request_id, system, status, retained, note, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (request_id, system) DO UPDATE SET status = ?3, retained = ?4, note = ?5, updated_at_ms = ?6",
                params![&rid, &sys, &status, &retained_json, &note, now],
            )?;
            Ok(())
        })
        .await?;
    let waiting = state.db.read(move |conn| pending(conn, &id, &listed)).await?;
    Ok(Json(json!({"system": system, "recorded": true, "waiting_for": waiting})))
}

/// `POST /api/v1/admin/requests/{id}/attachments {"name", "media_type", "content"}` (access and
/// export requests): added to the package when the request completes.
pub async fn add_attachment(state: Context, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Result<Response, Problem> {
    let (row, _) = open_request(&state, &headers, &id).await?;
    if !row.kind.yields_package() {
        return Err(Problem::validation(vec![crate::field::invalid_field("id", "only access and export requests have a package")]));
    }
    let body = guard::json_object(&body)?;
    guard::only_members(&body, &["name", "media_type", "content"])?;
    let mut errors = Vec::new();
    let name = text(&body, "name", true, &mut errors);
    let media_type = match body.get("media_type") {
        None => Some("text/plain".to_owned()),
        Some(Value::String(m)) if m.len() <= 100 && m.split_once('/').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty()) && m.bytes().all(|b| b.is_ascii_graphic()) => Some(m.clone()),
        Some(_) => {
            errors.push(crate::field::invalid_field("media_type", "a media type such as text/csv"));
            None
        }
    };
    let content = match body.get("content") {
        Some(Value::String(c)) if c.len() <= MAX_ATTACHMENT => Some(c.clone()),
        _ => {
            errors.push(crate::field::invalid_field("content", format!("required, text of at most {MAX_ATTACHMENT} bytes")));
            None
        }
    };
    let (Some(name), Some(media_type), Some(content), true) = (name, media_type, content, errors.is_empty()) else {
        return Err(Problem::validation(errors));
    };
    let now = crate::time::now_ms();
    let attachment_id: i64 = state
        .db
        .write(move |conn| {
            conn.query_one(
                "INSERT INTO request_attachments (request_id, name, media_type, content, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                params![&id, &name, &media_type, &content, now],
            )?
            .get(0)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": attachment_id}))).into_response())
}
