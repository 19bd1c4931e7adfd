//! SQL for data-subject requests and their timeline, and their JSON form.

use privacy_widget::requests::{RequestKind, RequestStatus};
use serde_json::{json, Value};

use crate::{
    db::{Conn, DbError, Row},
    params,
};

/// One request as stored.
#[derive(Debug, Clone)]
pub struct RequestRow {
    /// The request id.
    pub id: String,
    /// The site it was filed on.
    pub site: String,
    /// The customer who filed it, when logged in.
    pub customer_id: Option<i64>,
    /// The visitor's address, when filed without a login.
    pub email: Option<String>,
    /// What the subject asks for.
    pub kind: RequestKind,
    /// The kind's details as filed.
    pub details: Value,
    /// Where the request stands.
    pub status: RequestStatus,
    /// The day it was received.
    pub received_on: String,
    /// The day it is due.
    pub due_on: String,
    /// Whether the deadline was extended.
    pub extended: bool,
    /// Hash of the filed body, to answer a repeated Idempotency-Key.
    pub body_hash: String,
    /// The prepared package, for access and export.
    pub package: Option<String>,
    /// What was done, once completed.
    pub result: Option<String>,
    /// When it was stored, Unix milliseconds.
    pub created_at_ms: i64,
}

/// One step of the timeline.
#[derive(Debug, Clone)]
pub struct Event {
    /// The status reached.
    pub status: String,
    /// The reason given, for an extension or refusal.
    pub reason: Option<String>,
    /// Who took the step: customer, operator or system.
    pub actor: String,
    /// When, Unix milliseconds.
    pub at_ms: i64,
}

const COLUMNS: &str = "id, site, customer_id, email, kind, details, status, received_on, due_on, extended, \
                       body_hash, package, result, created_at_ms";

fn row(r: &Row) -> Result<RequestRow, DbError> {
    let kind: String = r.get(4)?;
    let details: String = r.get(5)?;
    let status: String = r.get(6)?;
    Ok(RequestRow {
        id: r.get(0)?,
        site: r.get(1)?,
        customer_id: r.get(2)?,
        email: r.get(3)?,
        kind: RequestKind::from_name(&kind).unwrap_or(RequestKind::Access),
        details: serde_json::from_str(&details).unwrap_or(Value::Null),
        status: RequestStatus::from_name(&status).unwrap_or(RequestStatus::Received),
        received_on: r.get(7)?,
        due_on: r.get(8)?,
        extended: r.get(9)?,
        body_hash: r.get(10)?,
        package: r.get(11)?,
        result: r.get(12)?,
        created_at_ms: r.get(13)?,
    })
}

/// A new request, before it is stored.
pub struct NewRequest<'a> {
    /// The request id.
    pub id: &'a str,
    /// The site it is filed on.
    pub site: &'a str,
    /// The customer who files it, when logged in.
    pub customer_id: Option<i64>,
    /// The visitor's address, when filed without a login.
    pub email: Option<&'a str>,
    /// What the subject asks for.
    pub kind: RequestKind,
    /// The kind's details.
    pub details: &'a Value,
    /// The status it starts in.
    pub status: RequestStatus,
    /// The day it was received.
    pub received_on: &'a str,
    /// The day it is due.
    pub due_on: &'a str,
    /// The Idempotency-Key it came with.
    pub idempotency_key: &'a str,
    /// Hash of the body, to tell a repeat from a conflict.
    pub body_hash: &'a str,
}

/// Stores a request with its first timeline steps.
pub fn insert(conn: &Conn, r: &NewRequest<'_>, steps: &[(RequestStatus, &str)], now: i64) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO requests (id, site, customer_id, email, kind, details, status, received_on, due_on, \
         idempotency_key, body_hash, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            r.id, r.site, r.customer_id, r.email, r.kind.name(), &r.details.to_string(), r.status.name(),
            r.received_on, r.due_on, r.idempotency_key, r.body_hash, now
        ],
    )?;
    for (status, actor) in steps {
        add_event(conn, r.id, *status, None, actor, now)?;
    }
    Ok(())
}

/// The request stored under this site's Idempotency-Key.
pub fn by_key(conn: &Conn, site: &str, key: &str) -> Result<Option<RequestRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM requests WHERE site = ?1 AND idempotency_key = ?2");
    conn.query_opt(&sql, params![site, key])?.as_ref().map(row).transpose()
}

/// A request by id.
pub fn get(conn: &Conn, id: &str) -> Result<Option<RequestRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM requests WHERE id = ?1");
    conn.query_opt(&sql, params![id])?.as_ref().map(row).transpose()
}

/// A customer's requests, newest first.
pub fn of_customer(conn: &Conn, customer: i64) -> Result<Vec<RequestRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM requests WHERE customer_id = ?1 ORDER BY created_at_ms DESC, id");
    conn.query(&sql, params![customer])?.iter().map(row).collect()
}

/// Every request, optionally of one site and in some statuses, oldest first.
pub fn all(conn: &Conn, site: Option<&str>, statuses: &[RequestStatus]) -> Result<Vec<RequestRow>, DbError> {
    let found = match site {
        Some(site) => conn.query(&format!("SELECT {COLUMNS} FROM requests WHERE site = ?1 ORDER BY created_at_ms, id"), params![site])?,
        None => conn.query(&format!("SELECT {COLUMNS} FROM requests ORDER BY created_at_ms, id"), params![])?,
    };
    let rows: Vec<RequestRow> = found.iter().map(row).collect::<Result<_, _>>()?;
    Ok(rows.into_iter().filter(|r| statuses.is_empty() || statuses.contains(&r.status)).collect())
}

/// The timeline, oldest first.
pub fn events(conn: &Conn, id: &str) -> Result<Vec<Event>, DbError> {
    let rows = conn.query("SELECT status, reason, actor, at_ms FROM request_events WHERE request_id = ?1 ORDER BY id", params![id])?;
    rows.iter().map(|r| Ok(Event { status: r.get(0)?, reason: r.get(1)?, actor: r.get(2)?, at_ms: r.get(3)? })).collect()
}

/// Appends a timeline step.
pub fn add_event(conn: &Conn, id: &str, status: RequestStatus, reason: Option<&str>, actor: &str, now: i64) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO request_events (request_id, status, reason, actor, at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, status.name(), reason, actor, now],
    )?;
    Ok(())
}

/// Moves a request to `status` and records the step.
pub fn set_status(conn: &Conn, id: &str, status: RequestStatus, reason: Option<&str>, actor: &str, now: i64) -> Result<(), DbError> {
    conn.execute("UPDATE requests SET status = ?2 WHERE id = ?1", params![id, status.name()])?;
    add_event(conn, id, status, reason, actor, now)
}

/// Sets receipt and due dates.
pub fn set_dates(conn: &Conn, id: &str, received_on: &str, due_on: &str, extended: bool) -> Result<(), DbError> {
    conn.execute(
        "UPDATE requests SET received_on = ?2, due_on = ?3, extended = ?4 WHERE id = ?1",
        params![id, received_on, due_on, extended],
    )?;
    Ok(())
}

/// Binds a visitor's request to the customer whose address it is.
pub fn set_customer(conn: &Conn, id: &str, customer: i64) -> Result<(), DbError> {
    conn.execute("UPDATE requests SET customer_id = ?2 WHERE id = ?1", params![id, customer])?;
    Ok(())
}

/// Stores the outcome of a completed request.
pub fn set_outcome(conn: &Conn, id: &str, package: Option<&str>, result: Option<&str>) -> Result<(), DbError> {
    conn.execute("UPDATE requests SET package = ?2, result = ?3 WHERE id = ?1", params![id, package, result])?;
    Ok(())
}

/// Stores the hash of a visitor's status token for request `id`.
pub fn add_status_token(conn: &Conn, id: &str, token_hash: &[u8; 32], now: i64) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO visitor_status_tokens (token_hash, request_id, created_at_ms) VALUES (?1, ?2, ?3)",
        params![token_hash.as_slice(), id, now],
    )?;
    Ok(())
}

/// The one request a visitor's status token was issued for.
pub fn by_status_token(conn: &Conn, token_hash: &[u8; 32]) -> Result<Option<RequestRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM requests WHERE id = (SELECT request_id FROM visitor_status_tokens WHERE token_hash = ?1)"
    );
    conn.query_opt(&sql, params![token_hash.as_slice()])?.as_ref().map(row).transpose()
}

/// The JSON the API answers with. `complaint` is the supervisory authority, shown with a refusal (C-C2).
pub fn to_json(r: &RequestRow, events: &[Event], complaint: Option<Value>) -> Value {
    let timeline: Vec<Value> = events
        .iter()
        .map(|e| json!({ "status": e.status, "at": crate::time::rfc3339_ms(e.at_ms), "reason": e.reason, "by": e.actor }))
        .collect();
    let mut out = json!({
        "id": r.id,
        "site": r.site,
        "kind": r.kind.name(),
        "status": r.status.name(),
        "details": r.details,
        "received_on": r.received_on,
        "due_on": r.due_on,
        "extended": r.extended,
        "can_cancel": r.status.is_pending(),
        "package_available": r.package.is_some() && r.status == RequestStatus::Completed,
        "timeline": timeline,
    });
    if r.status == RequestStatus::Refused {
        out["complaint"] = complaint.unwrap_or(Value::Null);
    }
    if let Some(result) = r.result.as_deref().and_then(|s| serde_json::from_str::<Value>(s).ok()) {
        out["result"] = result;
    }
    out
}
