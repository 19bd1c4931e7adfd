//! What the operator's `requests` command does: list data-subject requests and move them on (start,
//! extend with a reason, complete, refuse with a reason) on the server's own database file.
//! Completing access/export builds the data package from what the company holds now (the site's
//! data provider, asked at that moment, or the stored data); completing an
//! erasure deletes what may go and keeps legal-hold data restricted. A visitor's request whose
//! address is linked to no customer was answered at verification ("no personal data held");
//! the list and `show` say so.

use std::{collections::HashMap, sync::Arc};

use privacy_widget::requests::{RequestStatus, RequestStep};
use serde_json::{Map, Value};

use super::{complete, results, store, store_requests as sr};
use crate::{
    config::SiteSettings,
    db::{Conn, Db},
    sites::Sites,
};

/// Each configured site's `systems` (the configuration's `sites[i].systems`), by site id.
pub type Systems = Arc<HashMap<String, Vec<String>>>;

/// The configured systems of `site` (none when the configuration lists none).
fn listed(systems: &Systems, site: &str) -> Vec<String> {
    systems.get(site).cloned().unwrap_or_default()
}

/// Takes `step` on request `id` as the operator ([`super::operator::step`], the admin API's
/// code, with the sites of the server's configuration: completion waits for each site's
/// `systems` and every system that reported, and an access or export package of a site with a
/// data provider is built from the provider's answer): the line that says where it stands now
/// (and, once completed, what completing it did), or why it was refused.
pub async fn step(db: &Db, sites: &Arc<Sites>, configured: &[SiteSettings], http: &reqwest::Client, id: &str, step: RequestStep) -> Result<String, String> {
    let row = super::operator::step(db, sites, configured, http, id, step, None).await.map_err(|e| e.to_string())?;
    let mut text = format!("{} is now {} (due {})", row.id, row.status.name(), row.due_on);
    if row.status == RequestStatus::Completed {
        text.push_str(&outcome_summary(&row));
    }
    Ok(text)
}

fn outcome_summary(row: &sr::RequestRow) -> String {
    if complete::no_personal_data(row) {
        let answer = if row.kind.yields_package() { "; the package says so" } else { "; nothing to change" };
        return format!("\nno personal data is linked to this address{answer}");
    }
    if let Some(p) = row.package.as_deref().and_then(|p| serde_json::from_str::<Value>(p).ok()) {
        let cats = p["categories"].as_array().map_or(0, Vec::len);
        let values: usize = p["categories"].as_array().into_iter().flatten().map(|c| c["values"].as_array().map_or(0, Vec::len)).sum();
        let apart = p["not_described"].as_array().map_or(0, Vec::len);
        let apart = if apart > 0 { format!("; {apart} not described by the privacy statement") } else { String::new() };
        return format!("\ndata package: {values} values in {cats} categories{apart}");
    }
    match row.result.as_deref().and_then(|r| serde_json::from_str::<Value>(r).ok()) {
        Some(r) if r.get("erased_count").is_some() => {
            format!("\nerased {} values; kept {} (legal hold or not erasable, now restricted)", r["erased_count"], r["kept_count"])
        }
        Some(r) => format!("\nresult: {r}"),
        None => String::new(),
    }
}

/// Records the result of `system` on request `id` (`body` as the admin API's `PUT
/// /api/v1/admin/requests/{id}/systems/{system}` takes it, checked and recorded by the same
/// code): the line that says what is still waited for, or why it was refused.
pub async fn result(db: &Db, sites: &Arc<Sites>, systems: &Systems, id: &str, system: &str, body: &Map<String, Value>) -> Result<String, String> {
    let key = id.to_owned();
    let row = db.read(move |conn| sr::get(conn, &key)).await.map_err(|e| e.to_string())?.ok_or("no such request")?;
    if !row.status.is_open() {
        return Err(results::closed_reason(row.status));
    }
    let policy = sites.get(&row.site).map(|s| s.policy.clone()).ok_or_else(|| format!("no policy of site {} is loaded", row.site))?;
    let listed = listed(systems, &row.site);
    let result = results::check(&policy, &listed, system, body).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, e.reason)).collect();
        lines.join("\n")
    })?;
    let (key, now) = (id.to_owned(), crate::time::now_ms());
    let waiting = db.write(move |conn| results::record(conn, &key, &listed, &result, now)).await.map_err(|e| e.to_string())?;
    let waiting = waiting.ok_or("the request is no longer open: results can only be reported while it is open")?;
    Ok(match waiting.as_slice() {
        [] => format!("{id}: {system} recorded; every system has a final result"),
        _ => format!("{id}: {system} recorded; waiting for {}", waiting.join(", ")),
    })
}

/// The systems of request `id` with their results, as the list shows them (`billing:done mail:-`).
fn systems_cell(conn: &Conn, id: &str, listed: &[String]) -> Result<String, crate::db::DbError> {
    let states = results::states(conn, id, listed)?;
    let cells: Vec<String> = states.iter().map(|(system, state)| format!("{system}:{state}")).collect();
    Ok(if cells.is_empty() { "-".to_owned() } else { cells.join(" ") })
}

/// The requests (of `site`, in the statuses named), oldest first, as a table with the state of
/// each system.
pub async fn list(db: &Db, systems: &Systems, site: Option<String>, status: &[String]) -> Result<String, String> {
    let systems = Arc::clone(systems);
    let mut wanted = Vec::new();
    for s in status {
        wanted.push(RequestStatus::from_name(s).ok_or_else(|| format!("unknown status \"{s}\""))?);
    }
    let rows = db
        .read(move |conn| {
            let rows = sr::all(conn, site.as_deref(), &wanted)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let who = match (r.customer_id, &r.email) {
                    (Some(id), _) => store::customer_by_id(conn, id)?.map_or_else(|| id.to_string(), |c| c.handle),
                    (None, Some(e)) if r.status == RequestStatus::Received => format!("{e} (unverified)"),
                    (None, Some(e)) if complete::no_personal_data(&r) => format!("{e} (no personal data held)"),
                    (None, Some(e)) => format!("{e} (no customer)"),
                    (None, None) => "-".into(),
                };
                let states = systems_cell(conn, &r.id, &listed(&systems, &r.site))?;
                out.push((r, who, states));
            }
            Ok(out)
        })
        .await
        .map_err(|e| e.to_string())?;
    let mut table = vec![["ID", "SITE", "KIND", "STATUS", "RECEIVED", "DUE", "SUBJECT", "SYSTEMS"].map(String::from)];
    for (r, who, states) in &rows {
        let due = if r.extended { format!("{} (ext.)", r.due_on) } else { r.due_on.clone() };
        table.push([r.id.clone(), r.site.clone(), r.kind.name().into(), r.status.name().into(), r.received_on.clone(), due, who.clone(), states.clone()]);
    }
    Ok(format_table(&table) + &format!("\n{} request(s)", rows.len()))
}

/// Left-aligned columns separated by two spaces.
fn format_table<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let lines: Vec<String> = rows
        .iter()
        .map(|row| {
            let cells: Vec<String> = row.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect();
    lines.join("\n")
}

/// One request with its timeline, outcome and each system's result, as pretty JSON.
pub async fn show(db: &Db, systems: &Systems, id: String) -> Result<String, String> {
    let systems = Arc::clone(systems);
    let found = db
        .read(move |conn| {
            let Some(row) = sr::get(conn, &id)? else { return Ok(None) };
            let events = sr::events(conn, &id)?;
            let mut json = sr::to_json(&row, &events, None);
            let states = results::states(conn, &id, &listed(&systems, &row.site))?;
            json["systems"] = states.into_iter().map(|(system, status)| serde_json::json!({"system": system, "status": (status != "-").then_some(status)})).collect();
            json["email"] = row.email.clone().map_or(Value::Null, Value::String);
            json[complete::NO_PERSONAL_DATA] = Value::Bool(complete::no_personal_data(&row));
            Ok(Some(json))
        })
        .await
        .map_err(|e| e.to_string())?;
    let value = found.ok_or("no such request")?;
    serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
}
