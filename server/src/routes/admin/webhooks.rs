//! `GET /api/v1/admin/webhooks/deliveries` and `POST /api/v1/admin/webhooks/deliveries/{id}/replay`:
//! the delivery log of events to the company's systems, and a replay with the same `webhook-id`.

use std::collections::HashMap;

use axum::{
    extract::{Path, Query},
    http::HeaderMap,
    Json,
};
use serde_json::{json, Value};

use super::auth::admin_scope;
use crate::{
    events::outbox::{self, status},
    http::{Problem, ProblemKind},
    routes::panel::Context,
};

const STATUSES: [&str; 4] = [status::PENDING, status::DELIVERED, status::FAILED, status::DISABLED];

/// `GET /api/v1/admin/webhooks/deliveries?site=&status=&limit=` (newest first, at most 500).
pub async fn list(
    state: Context,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, Problem> {
    let scope = admin_scope(&state.settings, &headers)?;
    let mut errors = super::unknown_parameters(&query, &["site", "status", "limit"]);
    let wanted = query.get("status").cloned().filter(|s| !s.is_empty());
    if wanted.as_deref().is_some_and(|s| !STATUSES.contains(&s)) {
        errors.push(crate::field::invalid_field("status", "one of pending, delivered, failed, disabled"));
    }
    let limit = match query.get("limit").map(|l| l.parse::<i64>()) {
        None => 100,
        Some(Ok(n)) if (1..=500).contains(&n) => n,
        Some(_) => {
            errors.push(crate::field::invalid_field("limit", "a whole number from 1 to 500"));
            100
        }
    };
    if !errors.is_empty() {
        return Err(Problem::validation(errors));
    }
    let site = query.get("site").cloned().filter(|s| !s.is_empty());
    if let Some(s) = &site {
        scope.allow(s)?;
    }
    let site = site.or_else(|| scope.site().map(str::to_owned));
    let rows = state.db.read(move |conn| outbox::deliveries(conn, site.as_deref(), wanted.as_deref(), limit)).await?;
    Ok(Json(json!({ "deliveries": rows })))
}

/// `POST /api/v1/admin/webhooks/deliveries/{id}/replay`: sent again soon with the same
/// `webhook-id` and a fresh retry schedule (a disabled endpoint is enabled again).
pub async fn replay(
    state: Context,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let scope = admin_scope(&state.settings, &headers)?;
    let not_found = || Problem::new(ProblemKind::NotFound).detail("no such delivery");
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let found = state.db.read(move |conn| outbox::delivery_by_id(conn, id)).await?.ok_or_else(not_found)?;
    scope.allow(&found.site)?;
    let replayed = state.db.write(move |conn| outbox::replay(conn, id, crate::time::now_ms())).await?.ok_or_else(not_found)?;
    Ok(Json(serde_json::to_value(replayed).unwrap_or(Value::Null)))
}
