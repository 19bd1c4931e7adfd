//! What the operator's `requests` command does: list data-subject requests and move them on (start,
//! extend with a reason, complete, refuse with a reason) on the server's own database file.
//! Completing access/export builds the data package from the stored data; completing an
//! erasure deletes what may go and keeps legal-hold data restricted. A visitor's request whose
//! address is linked to no customer was answered at verification ("no personal data held");
//! the list and `show` say so.

use std::sync::Arc;

use privacy_widget::requests::{RequestStatus, RequestStep};
use serde_json::Value;

use super::{complete, store, store_requests as sr};
use crate::{db::Db, sites::Sites};

/// Takes `step` on request `id` as the operator: the line that says where it stands now
/// (and, once completed, what completing it did), or why it was refused.
pub async fn step(db: &Db, sites: &Arc<Sites>, id: &str, step: RequestStep) -> Result<String, String> {
    let (id, sites) = (id.to_owned(), Arc::clone(sites));
    let outcome = db
        .write(move |conn| {
            let now = crate::time::now_ms();
            // The site's `systems` list lives in the server's configuration; here the systems
            // that reported are waited for.
            match super::operator::transition(conn, &sites, &[], &id, &step, None, now) {
                Ok(row) => Ok(Ok(row)),
                Err(super::operator::TransitionError::Step(complete::StepError::Db(e))) => Err(e),
                Err(other) => Ok(Err(other.to_string())),
            }
        })
        .await
        .map_err(|e| e.to_string())?;
    let row = outcome?;
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
        return format!("\ndata package: {values} values in {cats} categories");
    }
    match row.result.as_deref().and_then(|r| serde_json::from_str::<Value>(r).ok()) {
        Some(r) if r.get("erased_count").is_some() => {
            format!("\nerased {} values; kept {} (legal hold or not erasable, now restricted)", r["erased_count"], r["kept_count"])
        }
        Some(r) => format!("\nresult: {r}"),
        None => String::new(),
    }
}

/// The requests (of `site`, in the statuses named), oldest first, as a table.
pub async fn list(db: &Db, site: Option<String>, status: &[String]) -> Result<String, String> {
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
                out.push((r, who));
            }
            Ok(out)
        })
        .await
        .map_err(|e| e.to_string())?;
    let mut table = vec![["ID", "SITE", "KIND", "STATUS", "RECEIVED", "DUE", "SUBJECT"].map(String::from)];
    for (r, who) in &rows {
        let due = if r.extended { format!("{} (ext.)", r.due_on) } else { r.due_on.clone() };
        table.push([r.id.clone(), r.site.clone(), r.kind.name().into(), r.status.name().into(), r.received_on.clone(), due, who.clone()]);
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

/// One request with its timeline and outcome, as pretty JSON.
pub async fn show(db: &Db, id: String) -> Result<String, String> {
    let found = db
        .read(move |conn| {
            let Some(row) = sr::get(conn, &id)? else { return Ok(None) };
            let events = sr::events(conn, &id)?;
            let mut json = sr::to_json(&row, &events, None);
            json["email"] = row.email.clone().map_or(Value::Null, Value::String);
            json[complete::NO_PERSONAL_DATA] = Value::Bool(complete::no_personal_data(&row));
            Ok(Some(json))
        })
        .await
        .map_err(|e| e.to_string())?;
    let value = found.ok_or("no such request")?;
    serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
}
