//! The operator's steps on a request, shared by the admin API and the `requests` command:
//! [`step`] (the request lifecycle, a note on the timeline, completion waiting for every
//! system's final result, an access or export package built from what the company holds at
//! that moment: the site's data provider is asked first) and what completion adds: the
//! retained items as the legal holds the customer sees, the attachments in the package.

use std::sync::Arc;

use privacy_widget::requests::{advance, RequestStatus, RequestStep};
use serde_json::{json, Value};

use super::{
    complete,
    source::{Source, SourceError, SubjectData},
    store, store_requests as sr,
};
use crate::{
    config::SiteSettings,
    db::{Conn, Db, DbError},
    params,
    sites::Sites,
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
    /// An access or export package of a site with a data provider is built from the provider's
    /// answer; the provider could not be asked, so nothing was done.
    #[error(
        "request {id} ({kind}) cannot be completed now: its package is built from the data provider's answer, and {reason}; \
         nothing was done and the request stays {status}; complete it again once the provider answers"
    )]
    DataUnavailable {
        /// The request id.
        id: String,
        /// The request kind.
        kind: &'static str,
        /// The request's status, unchanged.
        status: &'static str,
        /// Why the provider could not be asked.
        reason: String,
    },
}

impl From<DbError> for TransitionError {
    fn from(e: DbError) -> TransitionError {
        TransitionError::Step(complete::StepError::Db(e))
    }
}

/// Takes `step` on request `id` as the operator, with an optional note on the timeline: the one
/// code path of the admin API and the `requests` command. `configured` are the sites of the
/// server's configuration (their `systems` and data providers; none: every site's data is
/// stored). Completing waits until every system the site lists and every system that reported
/// has a final result. Completing an access or export request of a site with a data provider
/// asks the provider first and builds the package from its answer; when it cannot be asked,
/// nothing is done ([`TransitionError::DataUnavailable`]). Then the retained items become the
/// request's legal holds and the attachments join its package.
pub async fn step(
    db: &Db,
    sites: &Arc<Sites>,
    configured: &[SiteSettings],
    http: &reqwest::Client,
    id: &str,
    step: RequestStep,
    note: Option<String>,
) -> Result<sr::RequestRow, TransitionError> {
    let key = id.to_owned();
    let found = db
        .read(move |conn| {
            let Some(row) = sr::get(conn, &key)? else { return Ok(None) };
            let customer = row.customer_id.map(|c| store::customer_by_id(conn, c)).transpose()?.flatten();
            Ok(Some((row, customer)))
        })
        .await?;
    let systems = found.as_ref().and_then(|(row, _)| configured.iter().find(|s| s.id == row.site)).map(|s| s.systems.clone()).unwrap_or_default();
    let pulled = match found {
        Some((row, Some(customer))) if step == RequestStep::Complete && row.kind.yields_package() && advance(row.status, &step).is_ok() => {
            ask_provider(db, sites, configured, http, &row, &customer, &systems).await?
        }
        _ => None,
    };
    let (sites, id) = (Arc::clone(sites), id.to_owned());
    let now = crate::time::now_ms();
    db.write(move |conn| match transition(conn, &sites, &systems, &id, &step, note.as_deref(), now, pulled) {
        Ok(row) => Ok(Ok(row)),
        Err(TransitionError::Step(complete::StepError::Db(e))) => Err(e),
        Err(other) => Ok(Err(other)),
    })
    .await?
}

/// What the data provider of `row`'s site answers about `customer` now (`None` for a site
/// without one, or when completion will wait for systems anyway).
async fn ask_provider(
    db: &Db,
    sites: &Sites,
    configured: &[SiteSettings],
    http: &reqwest::Client,
    row: &sr::RequestRow,
    customer: &super::session::Customer,
    systems: &[String],
) -> Result<Option<SubjectData>, TransitionError> {
    let source = Source::of(configured, &row.site);
    let Some(policy) = sites.get(&row.site).map(|s| s.policy.clone()).filter(|_| source.is_pull()) else { return Ok(None) };
    let (id, systems) = (row.id.clone(), systems.to_vec());
    if !db.read(move |conn| waiting_for(conn, &id, &systems)).await?.is_empty() {
        return Ok(None);
    }
    match source.load(db, http, &policy, customer).await {
        Ok(data) => Ok(Some(data)),
        Err(SourceError::Db(e)) => Err(e.into()),
        Err(SourceError::Provider(e)) => Err(TransitionError::DataUnavailable {
            id: row.id.clone(),
            kind: row.kind.name(),
            status: row.status.name(),
            reason: e.to_string(),
        }),
    }
}

/// The systems without a final result for request `id`: those of `systems` (the site's list)
/// and those that reported, with their state.
fn waiting_for(conn: &Conn, id: &str, systems: &[String]) -> Result<Vec<String>, DbError> {
    pending(conn, id, &systems_of(conn, id, systems)?)
}

#[allow(clippy::too_many_arguments)]
fn transition(
    conn: &Conn,
    sites: &Sites,
    systems: &[String],
    id: &str,
    step: &RequestStep,
    note: Option<&str>,
    now: i64,
    pulled: Option<SubjectData>,
) -> Result<sr::RequestRow, TransitionError> {
    if *step == RequestStep::Complete {
        let waiting = waiting_for(conn, id, systems)?;
        if !waiting.is_empty() {
            return Err(TransitionError::SystemsPending(waiting.join(", ")));
        }
    }
    let row = complete::apply_step_with_data(conn, sites, id, step, "operator", now, store::today(), pulled)?;
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

