//! The durable outbox: events written in the same transaction as the change they report
//! ([`record`], [`request_event`]), fanned out to one delivery per endpoint that wants them
//! ([`fan_out`]), claimed by one server at a time with a lease ([`claim`]; `FOR UPDATE SKIP
//! LOCKED` on PostgreSQL) and settled after each attempt ([`settle`]).

use serde::Serialize;

use super::{message_id, payload::EventRequest, retry_delay, Event, EventData, EventType, MAX_ATTEMPTS};
use crate::{
    db::{Backend, Conn, DbError},
    params,
};

/// How long a claimed delivery belongs to the server that claimed it: longer than the 15 s
/// request timeout, so a live server always settles first; a server killed mid-attempt loses
/// it to another (or to itself after a restart) once it runs out.
pub const LEASE_MS: i64 = 60_000;

/// Where a delivery stands.
pub mod status {
    /// Waiting for its next attempt.
    pub const PENDING: &str = "pending";
    /// A 2xx answer was received.
    pub const DELIVERED: &str = "delivered";
    /// Every attempt failed, or the endpoint is no longer configured.
    pub const FAILED: &str = "failed";
    /// The endpoint answered 410 Gone: it is disabled.
    pub const DISABLED: &str = "disabled";
}

/// Stores `event` for delivery (no-op for nobody: the fan-out decides who receives it) and
/// answers its `webhook-id`.
pub fn record(conn: &Conn, kind: EventType, data: EventData, now_ms: i64) -> Result<String, DbError> {
    let site = data.site.clone();
    let event = Event::new(kind, now_ms, data);
    let body = event.to_body().map_err(|e| DbError::Commit(format!("event body: {e}")))?;
    let id = message_id();
    conn.execute(
        "INSERT INTO outbox_events (message_id, site, event_type, payload, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![&id, &site, kind.name(), &body, now_ms],
    )?;
    Ok(id)
}

/// Records `kind` about request `request_id` as it is stored now (its status, due date and
/// the customer's id in the company's systems). Nothing is recorded for an unknown request.
pub fn request_event(conn: &Conn, kind: EventType, request_id: &str, now_ms: i64) -> Result<(), DbError> {
    let found = conn.query_opt(
        "SELECT r.site, c.handle, r.kind, r.status, r.due_on FROM requests r \
         LEFT JOIN customers c ON c.id = r.customer_id WHERE r.id = ?1",
        params![request_id],
    )?;
    let Some(row) = found else { return Ok(()) };
    let data = EventData {
        site: row.get(0)?,
        subject: row.get(1)?,
        request: Some(EventRequest { id: request_id.to_owned(), kind: row.get(2)?, status: row.get(3)?, due_at: row.get(4)? }),
        consent: None,
    };
    record(conn, kind, data, now_ms).map(|_| ())
}

/// Records `preferences.changed` for the customer with this database id.
pub fn preferences_event(conn: &Conn, customer_id: i64, now_ms: i64) -> Result<(), DbError> {
    let Some(row) = conn.query_opt("SELECT site, handle FROM customers WHERE id = ?1", params![customer_id])? else {
        return Ok(());
    };
    let data = EventData { site: row.get(0)?, subject: row.get(1)?, request: None, consent: None };
    record(conn, EventType::PreferencesChanged, data, now_ms).map(|_| ())
}

/// The endpoints of a site that receive an event type: `(site, event type) -> URLs`.
pub type Subscribers<'a> = dyn Fn(&str, &str) -> Vec<String> + 'a;

/// `FOR UPDATE SKIP LOCKED` where the engine has it (PostgreSQL); SQLite has one writer.
fn skip_locked(conn: &Conn) -> &'static str {
    if conn.backend() == Backend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    }
}

/// Turns up to `limit` new events into deliveries, one per endpoint that wants each (and is not
/// disabled). Answers how many events were handled. Each event is fanned out by one server.
pub fn fan_out(conn: &Conn, subscribers: &Subscribers<'_>, limit: i64, now_ms: i64) -> Result<usize, DbError> {
    let sql = format!(
        "SELECT id, site, event_type FROM outbox_events WHERE fanned_out = 0 ORDER BY id LIMIT ?1{}",
        skip_locked(conn)
    );
    let rows = conn.query(&sql, params![limit])?;
    for row in &rows {
        let (id, site, kind): (i64, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        // Another server may have taken it between the select and now (SQLite: never).
        if conn.execute("UPDATE outbox_events SET fanned_out = 1 WHERE id = ?1 AND fanned_out = 0", params![id])? == 0 {
            continue;
        }
        for url in subscribers(&site, &kind) {
            let disabled = conn.query_opt("SELECT 1 FROM webhook_endpoints_disabled WHERE site = ?1 AND url = ?2", params![&site, &url])?;
            let initial = if disabled.is_some() { status::DISABLED } else { status::PENDING };
            conn.execute(
                "INSERT INTO webhook_deliveries (event_id, endpoint_url, status, next_attempt_at_ms, updated_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (event_id, endpoint_url) DO NOTHING",
                params![id, &url, initial, now_ms],
            )?;
        }
    }
    Ok(rows.len())
}

/// One claimed delivery, ready to send.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The delivery's id.
    pub id: i64,
    /// `webhook-id`.
    pub message_id: String,
    /// The site the webhook belongs to.
    pub site: String,
    /// The endpoint the events are posted to.
    pub url: String,
    /// The body, exactly as recorded.
    pub payload: String,
    /// This attempt's number (1 for the first).
    pub attempt: u32,
}

/// Claims up to `limit` deliveries that are due and not held by another server, for `LEASE_MS`.
pub fn claim(conn: &Conn, limit: i64, now_ms: i64) -> Result<Vec<Claimed>, DbError> {
    let sql = format!(
        "UPDATE webhook_deliveries SET lease_until_ms = ?1, attempts = attempts + 1, updated_at_ms = ?2 \
         WHERE status = 'pending' AND lease_until_ms <= ?2 AND id IN (\
           SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at_ms <= ?2 \
           AND lease_until_ms <= ?2 ORDER BY next_attempt_at_ms, id LIMIT ?3{}) \
         RETURNING id, attempts",
        skip_locked(conn)
    );
    let rows = conn.query(&sql, params![now_ms + LEASE_MS, now_ms, limit])?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.get(0)?;
        let attempt: i64 = row.get(1)?;
        let detail = conn.query_one(
            "SELECT e.message_id, e.site, d.endpoint_url, e.payload FROM webhook_deliveries d \
             JOIN outbox_events e ON e.id = d.event_id WHERE d.id = ?1",
            params![id],
        )?;
        out.push(Claimed {
            id,
            message_id: detail.get(0)?,
            site: detail.get(1)?,
            url: detail.get(2)?,
            payload: detail.get(3)?,
            attempt: u32::try_from(attempt).unwrap_or(u32::MAX),
        });
    }
    Ok(out)
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer.
    Delivered {
        /// The endpoint's 2xx status.
        status: u16,
    },
    /// 410 Gone: the endpoint is disabled.
    Gone,
    /// Another answer, or none (timeout, refused connection, …).
    Failed {
        /// The endpoint's status, if it answered.
        status: Option<u16>,
        /// Why the attempt failed.
        error: String,
    },
    /// The endpoint is no longer configured for the site.
    Unconfigured,
}

/// Records how `claimed`'s attempt ended: delivered, disabled, retried later (after the
/// schedule's delay, spread by `jitter`) or failed for good after the last attempt.
pub fn settle(conn: &Conn, claimed: &Claimed, outcome: &Outcome, jitter: f64, now_ms: i64) -> Result<(), DbError> {
    match outcome {
        Outcome::Delivered { status: code } => {
            conn.execute(
                "UPDATE webhook_deliveries SET status = ?2, last_status = ?3, last_error = NULL, delivered_at_ms = ?4, \
                 lease_until_ms = 0, updated_at_ms = ?4 WHERE id = ?1",
                params![claimed.id, status::DELIVERED, i64::from(*code), now_ms],
            )?;
        }
        Outcome::Gone => {
            conn.execute(
                "INSERT INTO webhook_endpoints_disabled (site, url, disabled_at_ms, reason) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (site, url) DO NOTHING",
                params![&claimed.site, &claimed.url, now_ms, "answered 410 Gone"],
            )?;
            conn.execute(
                "UPDATE webhook_deliveries SET status = ?2, last_status = 410, last_error = 'endpoint answered 410 Gone', \
                 lease_until_ms = 0, updated_at_ms = ?3 WHERE id = ?1",
                params![claimed.id, status::DISABLED, now_ms],
            )?;
            // Whatever else waits for that endpoint of the site is not sent either.
            conn.execute(
                "UPDATE webhook_deliveries SET status = ?3, last_error = 'endpoint disabled (410 Gone)', updated_at_ms = ?4 \
                 WHERE status = 'pending' AND endpoint_url = ?1 AND event_id IN (SELECT id FROM outbox_events WHERE site = ?2)",
                params![&claimed.url, &claimed.site, status::DISABLED, now_ms],
            )?;
        }
        Outcome::Failed { status: code, error } => {
            let next = retry_delay(claimed.attempt, jitter).filter(|_| claimed.attempt < MAX_ATTEMPTS);
            let (state, next_at) = match next {
                Some(delay) => (status::PENDING, now_ms + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX / 2)),
                None => (status::FAILED, now_ms),
            };
            conn.execute(
                "UPDATE webhook_deliveries SET status = ?2, last_status = ?3, last_error = ?4, next_attempt_at_ms = ?5, \
                 lease_until_ms = 0, updated_at_ms = ?6 WHERE id = ?1",
                params![claimed.id, state, code.map(i64::from), error.as_str(), next_at, now_ms],
            )?;
        }
        Outcome::Unconfigured => {
            conn.execute(
                "UPDATE webhook_deliveries SET status = ?2, last_error = 'endpoint no longer configured', lease_until_ms = 0, \
                 updated_at_ms = ?3 WHERE id = ?1",
                params![claimed.id, status::FAILED, now_ms],
            )?;
        }
    }
    Ok(())
}

/// Whether anything is waiting: an event to fan out or a delivery due (a cheap read before a write).
pub fn has_work(conn: &Conn, now_ms: i64) -> Result<bool, DbError> {
    if conn.query_opt("SELECT 1 FROM outbox_events WHERE fanned_out = 0 LIMIT 1", params![])?.is_some() {
        return Ok(true);
    }
    let due = conn.query_opt(
        "SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at_ms <= ?1 AND lease_until_ms <= ?1 LIMIT 1",
        params![now_ms],
    )?;
    Ok(due.is_some())
}

/// One delivery as the operator sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// The outbox row id.
    pub id: i64,
    /// `webhook-id`.
    pub message_id: String,
    /// The site the event belongs to.
    pub site: String,
    /// The event type, e.g. `request.completed`.
    pub event_type: String,
    /// The endpoint it is posted to.
    pub url: String,
    /// Where delivery stands: pending, delivered or failed.
    pub status: String,
    /// How many delivery attempts were made.
    pub attempts: i64,
    /// When the next attempt is due (pending deliveries), RFC 3339.
    pub next_attempt_at: Option<String>,
    /// The HTTP status of the last attempt, if any answered.
    pub last_status: Option<i64>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// When the event was queued.
    pub created_at: String,
    /// When the endpoint accepted it, if it has.
    pub delivered_at: Option<String>,
}

const DELIVERY_COLUMNS: &str = "d.id, e.message_id, e.site, e.event_type, d.endpoint_url, d.status, d.attempts, \
     d.next_attempt_at_ms, d.last_status, d.last_error, e.created_at_ms, d.delivered_at_ms";

fn delivery(row: &crate::db::Row) -> Result<Delivery, DbError> {
    let status: String = row.get(5)?;
    let next: i64 = row.get(7)?;
    Ok(Delivery {
        id: row.get(0)?,
        message_id: row.get(1)?,
        site: row.get(2)?,
        event_type: row.get(3)?,
        url: row.get(4)?,
        attempts: row.get(6)?,
        next_attempt_at: (status == status::PENDING).then(|| crate::time::rfc3339_ms(next)),
        status,
        last_status: row.get(8)?,
        last_error: row.get(9)?,
        created_at: crate::time::rfc3339_ms(row.get(10)?),
        delivered_at: row.get::<Option<i64>>(11)?.map(crate::time::rfc3339_ms),
    })
}

/// The newest `limit` deliveries, of one site and/or in one status if given.
pub fn deliveries(conn: &Conn, site: Option<&str>, state: Option<&str>, limit: i64) -> Result<Vec<Delivery>, DbError> {
    let mut sql = format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id WHERE 1 = 1");
    let mut values = vec![crate::db::Param::Int(limit)];
    for (column, value) in [("e.site", site), ("d.status", state)] {
        if let Some(v) = value {
            values.push(crate::db::Param::Text(v));
            sql.push_str(&format!(" AND {column} = ?{}", values.len()));
        }
    }
    sql.push_str(" ORDER BY d.id DESC LIMIT ?1");
    conn.query(&sql, &values)?.iter().map(delivery).collect()
}

/// One delivery by id.
pub fn delivery_by_id(conn: &Conn, id: i64) -> Result<Option<Delivery>, DbError> {
    let sql = format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id WHERE d.id = ?1");
    conn.query_opt(&sql, params![id])?.as_ref().map(delivery).transpose()
}

/// Queues delivery `id` again now, with the same `webhook-id` and a fresh retry schedule; a
/// disabled endpoint is enabled again (the operator asked for it). Answers the delivery, or
/// `None` for an unknown id.
pub fn replay(conn: &Conn, id: i64, now_ms: i64) -> Result<Option<Delivery>, DbError> {
    let Some(found) = delivery_by_id(conn, id)? else { return Ok(None) };
    if found.status == status::DISABLED {
        conn.execute("DELETE FROM webhook_endpoints_disabled WHERE site = ?1 AND url = ?2", params![&found.site, &found.url])?;
    }
    conn.execute(
        "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at_ms = ?2, lease_until_ms = 0, \
         updated_at_ms = ?2 WHERE id = ?1",
        params![id, now_ms],
    )?;
    delivery_by_id(conn, id)
}
