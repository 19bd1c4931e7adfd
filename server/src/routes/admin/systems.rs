//! Per-system results and attachments: `PUT /api/v1/admin/requests/{id}/systems/{system}`
//! (done, not_found, retained with the items kept and why, failed) and `POST
//! /api/v1/admin/requests/{id}/attachments` (what the company adds by hand to an access or
//! export package). A site that lists its `systems` completes a request only when every one has
//! a final result; the retained items become the legal holds the customer sees, with reason and
//! date; the attachments go into the package. The checks and the recording are
//! [`crate::panel::results`], shared with the operator's `requests result` command.

use axum::{
    body::Bytes,
    extract::Path,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use privacy_widget::policy::Policy;
use serde_json::{json, Value};

use super::auth::admin_scope;
use crate::{
    panel::{results, store_requests as sr},
    params,
    http::{guard, Problem, ProblemKind},
    routes::panel::Context,
};

/// Largest attachment content, in bytes (the body limit is 64 KiB).
const MAX_ATTACHMENT: usize = 48 * 1024;

/// The request `id` if it exists (404), the token may see it (403) and it is still open (422).
async fn open_request(state: &Context, headers: &HeaderMap, id: &str) -> Result<(sr::RequestRow, std::sync::Arc<Policy>), Problem> {
    let scope = admin_scope(&state.settings, headers)?;
    let key = id.to_owned();
    let row = state.db.read(move |conn| sr::get(conn, &key)).await?.ok_or_else(|| Problem::new(ProblemKind::NotFound).detail("no such request"))?;
    scope.allow(&row.site)?;
    if !row.status.is_open() {
        return Err(super::auth::illegal_transition(results::closed_reason(row.status)));
    }
    let policy = state.sites.get(&row.site).map(|s| s.policy.clone()).ok_or_else(|| Problem::new(ProblemKind::NotFound).detail("no such site"))?;
    Ok((row, policy))
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
    guard::only_members(&body, &results::MEMBERS)?;
    let result = results::check(&policy, &listed, &system, &body).map_err(Problem::validation)?;
    let now = crate::time::now_ms();
    let waiting = state.db.write(move |conn| results::record(conn, &id, &listed, &result, now)).await?;
    let waiting = waiting.ok_or_else(|| super::auth::illegal_transition("the request is no longer open: results can only be reported while it is open".to_owned()))?;
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
    let name = results::text(&body, "name", true, &mut errors);
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
