//! Push, for panels that cannot host a data provider: `PUT /api/v1/admin/sites/{site}/subjects/{sub}`
//! stores a snapshot of what the company holds about a customer (the data provider's answer
//! shape, checked against the policy and stored by [`source::ingest`], as the demo seed is;
//! read back through the same [`crate::panel::source::Source`] as pulled data), `DELETE`
//! removes it. A site uses pull or push: a site with a data provider refuses a push.

use axum::{
    body::Bytes,
    extract::Path,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use privacy_widget::policy::Policy;
use serde_json::json;

use super::auth::admin_scope;
use crate::{
    events::provider::parse_answer,
    http::{Problem, ProblemKind},
    panel::{
        source::{self, IngestError},
        store,
    },
    params,
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

/// Checks the token, the site and the subject id; answers the site's policy.
fn checked(state: &Context, headers: &HeaderMap, site: &str, sub: &str) -> Result<std::sync::Arc<Policy>, Problem> {
    admin_scope(&state.settings, headers)?.allow(site)?;
    let policy = state.sites.get(site).map(|s| s.policy.clone()).ok_or_else(|| Problem::new(ProblemKind::NotFound).detail("no such site"))?;
    if let Some(reason) = sub_reason(sub) {
        return Err(Problem::validation(vec![crate::field::invalid_field("sub", reason)]));
    }
    Ok(policy)
}

/// `PUT /api/v1/admin/sites/{site}/subjects/{sub}`: 201 for a new subject, 200 for a replaced one.
pub async fn put(state: Context, headers: HeaderMap, Path((site, sub)): Path<(String, String)>, body: Bytes) -> Result<Response, Problem> {
    let policy = checked(&state, &headers, &site, &sub)?;
    if source::Source::of(&state.settings.sites, &site).is_pull() {
        let mut p = Problem::new(ProblemKind::StalePolicyVersion).detail("this site pulls its data from its data provider; push is for sites without one");
        p.type_uri = "/problems/pull-site";
        p.title = "The site uses a data provider";
        return Err(p);
    }
    let answer = parse_answer(&body).map_err(|e| Problem::new(ProblemKind::Validation).detail(e.to_string()))?;
    let count = answer.values.len();
    let (s, u) = (site.clone(), sub.clone());
    let stored = state
        .db
        .write(move |conn| match source::ingest(conn, &policy, &s, &u, &answer, crate::time::now_ms()) {
            Ok(ingested) => Ok(Ok(ingested)),
            Err(IngestError::Db(e)) => Err(e),
            Err(IngestError::Invalid(errors)) => Ok(Err(errors)),
        })
        .await?;
    let created = stored.map_err(Problem::validation)?.created;
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
            store::clear_values(conn, id)?;
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
