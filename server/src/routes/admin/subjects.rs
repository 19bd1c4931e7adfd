//! Push, for panels that cannot host a data provider: `PUT /api/v1/admin/sites/{site}/subjects/{sub}`
//! stores a snapshot of what the company holds about a customer (the data provider's answer
//! shape), `DELETE` removes it. A site uses pull or push: a site with a data provider refuses a push.

use axum::{
    body::Bytes,
    extract::Path,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use privacy_widget::policy::Policy;
use serde_json::json;

use super::auth::AdminTokens;
use crate::{
    db::{Conn, DbError},
    events::provider::{parse_answer, ProviderAnswer},
    params,
    http::{FieldError, Problem, ProblemKind},
    routes::panel::Context,
};

/// Why `sub` is not a customer id: 1-128 characters, no control characters.
fn sub_reason(sub: &str) -> Option<&'static str> {
    let count = sub.chars().count();
    if count == 0 || count > 128 {
        Some("must be 1-128 characters")
    } else if sub.chars().any(char::is_control) {
        Some("must not contain control characters")
    } else {
        None
    }
}

/// The values the policy does not describe, each named `values[i]`.
fn undescribed(policy: &Policy, answer: &ProviderAnswer) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, v) in answer.values.iter().enumerate() {
        match policy.category(&v.category) {
            None => errors.push(crate::field::invalid_field(format!("values[{i}].category"), format!("{:?} is not a category of the site's policy", v.category))),
            Some(c) if !c.fields.is_empty() && !c.fields.iter().any(|f| f.id == v.field) => {
                errors.push(crate::field::invalid_field(format!("values[{i}].field"), format!("{:?} is not a field of category {:?}", v.field, v.category)))
            }
            Some(_) => {}
        }
    }
    if let Some(plan) = &answer.plan {
        if policy.plan(plan).is_none() {
            errors.push(crate::field::invalid_field("plan", format!("{plan:?} is not a plan of the site's policy")));
        }
    }
    errors
}

/// Checks the token, the site and the subject id; answers the site's policy.
fn checked(state: &Context, headers: &HeaderMap, site: &str, sub: &str) -> Result<std::sync::Arc<Policy>, Problem> {
    AdminTokens::from_settings(&state.settings).check(headers)?.allow(site)?;
    let policy = state.sites.get(site).map(|s| s.policy.clone()).ok_or_else(|| Problem::new(ProblemKind::NotFound).detail("no such site"))?;
    if let Some(reason) = sub_reason(sub) {
        return Err(Problem::validation(vec![crate::field::invalid_field("sub", reason)]));
    }
    Ok(policy)
}

fn replace(conn: &Conn, site: &str, sub: &str, answer: &ProviderAnswer, now: i64) -> Result<bool, DbError> {
    let existing = conn.query_opt("SELECT id FROM customers WHERE site = ?1 AND handle = ?2", params![site, sub])?;
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
    conn.execute("UPDATE customers SET plan = ?2 WHERE id = ?1", params![id, answer.plan.as_deref()])?;
    conn.execute("DELETE FROM customer_values WHERE customer_id = ?1", params![id])?;
    conn.execute("DELETE FROM customer_events WHERE customer_id = ?1", params![id])?;
    for (event, date) in &answer.events {
        conn.execute("INSERT INTO customer_events (customer_id, event, date) VALUES (?1, ?2, ?3)", params![id, event.as_str(), date.as_str()])?;
    }
    for v in &answer.values {
        let events = json!(v.events).to_string();
        conn.execute(
            "INSERT INTO customer_values (customer_id, category, field, value, events) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, v.category.as_str(), v.field.as_str(), v.value.as_str(), events.as_str()],
        )?;
    }
    Ok(created)
}

/// `PUT /api/v1/admin/sites/{site}/subjects/{sub}`: 201 for a new subject, 200 for a replaced one.
pub async fn put(state: Context, headers: HeaderMap, Path((site, sub)): Path<(String, String)>, body: Bytes) -> Result<Response, Problem> {
    let policy = checked(&state, &headers, &site, &sub)?;
    if state.settings.sites.iter().any(|s| s.id == site && s.data_provider.is_some()) {
        let mut p = Problem::new(ProblemKind::StalePolicyVersion).detail("this site pulls its data from its data provider; push is for sites without one");
        p.type_uri = "/problems/pull-site";
        p.title = "The site uses a data provider";
        return Err(p);
    }
    let answer = parse_answer(&body).map_err(|e| Problem::new(ProblemKind::Validation).detail(e.to_string()))?;
    let errors = undescribed(&policy, &answer);
    if !errors.is_empty() {
        return Err(Problem::validation(errors));
    }
    let count = answer.values.len();
    let (s, u) = (site.clone(), sub.clone());
    let created = state.db.write(move |conn| replace(conn, &s, &u, &answer, crate::time::now_ms())).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(json!({"site": site, "subject": sub, "values": count}))).into_response())
}

/// `DELETE /api/v1/admin/sites/{site}/subjects/{sub}`: removes the pushed data (values, event
/// dates) and ends the subject's sessions; the requests and the opt-in history stay (records the
/// company must keep). 204, or 404 for an unknown subject.
pub async fn delete(state: Context, headers: HeaderMap, Path((site, sub)): Path<(String, String)>) -> Result<Response, Problem> {
    checked(&state, &headers, &site, &sub)?;
    let found = state
        .db
        .write(move |conn| {
            let Some(row) = conn.query_opt("SELECT id FROM customers WHERE site = ?1 AND handle = ?2", params![&site, &sub])? else {
                return Ok(false);
            };
            let id: i64 = row.get(0)?;
            conn.execute("DELETE FROM customer_values WHERE customer_id = ?1", params![id])?;
            conn.execute("DELETE FROM customer_events WHERE customer_id = ?1", params![id])?;
            conn.execute("DELETE FROM sessions WHERE customer_id = ?1", params![id])?;
            Ok(true)
        })
        .await?;
    if found {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(Problem::new(ProblemKind::NotFound).detail("no such subject"))
    }
}
