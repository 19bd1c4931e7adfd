//! The `consent_records` table: append-only inserts keyed by `Idempotency-Key`, reads by subject.

use serde::Serialize;

use super::validate::NewConsent;
use crate::{
    db::{Conn, DbError, Row},
    events::{outbox, EventConsent, EventData, EventType},
    params,
};

/// What the server hands back for a stored record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// The record's row id.
    pub id: i64,
    /// Server time, UTC, RFC 3339 with milliseconds.
    pub recorded_at: String,
}

/// The result of an insert.
#[derive(Debug)]
pub enum Outcome {
    /// First write under this key.
    Created(Receipt),
    /// The same key with the same record: nothing written.
    Repeated(Receipt),
    /// The same key with a different record: nothing written.
    Conflict,
}

/// A stored record as `GET /api/v1/consents/{consent_id}` returns it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredConsent {
    /// The record's row id.
    pub id: i64,
    /// The site the decision was made on.
    pub site: String,
    /// The visitor's consent id (a random id, not a person).
    pub consent_id: String,
    /// The policy version the visitor saw.
    pub policy_version: String,
    /// The language the notice was shown in.
    pub language: String,
    /// What the visitor did: `accept_all`, `reject_all`, `custom` or `withdraw`.
    pub action: String,
    /// The decision per purpose, as stored.
    pub purposes: serde_json::Value,
    /// The page origin the decision came from.
    pub origin: String,
    /// The widget version that recorded it.
    pub widget_version: String,
    /// Whether the browser sent Global Privacy Control.
    pub gpc: bool,
    /// The request carried `Sec-GPC: 1`.
    pub sec_gpc: bool,
    /// Server time of the record, UTC, RFC 3339 with milliseconds.
    pub recorded_at: String,
}

const COLUMNS: &str = "id, site, consent_id, policy_version, language, action, purposes, origin, \
                       widget_version, gpc, recorded_at_ms, sec_gpc";

fn row_to_stored(row: &Row) -> Result<(StoredConsent, String), DbError> {
    let purposes_text: String = row.get(6)?;
    let stored = StoredConsent {
        id: row.get(0)?,
        site: row.get(1)?,
        consent_id: row.get(2)?,
        policy_version: row.get(3)?,
        language: row.get(4)?,
        action: row.get(5)?,
        purposes: serde_json::from_str(&purposes_text).unwrap_or(serde_json::Value::Null),
        origin: row.get(7)?,
        widget_version: row.get(8)?,
        gpc: row.get(9)?,
        recorded_at: crate::time::rfc3339_ms(row.get(10)?),
        sec_gpc: row.get(11)?,
    };
    Ok((stored, purposes_text))
}

fn purposes_json(record: &NewConsent) -> String {
    serde_json::to_string(&record.purposes).unwrap_or_else(|_| "{}".into())
}

fn same_record(stored: &StoredConsent, purposes_text: &str, record: &NewConsent) -> bool {
    stored.site == record.site
        && stored.consent_id == record.consent_id
        && stored.policy_version == record.policy_version
        && stored.language == record.language
        && stored.action == record.action.as_str()
        && purposes_text == purposes_json(record)
        && stored.origin == record.origin
        && stored.widget_version == record.widget_version
        && stored.gpc == record.gpc
}

/// Stores `record` under `key` unless the key is known; runs inside the writer's transaction.
/// A new key takes one statement (the insert); a known one is then read and compared. With
/// `announce` (the site has a webhook that asked for `consent.recorded`), a new record also
/// writes that event to the outbox, in the same transaction; a repeat writes nothing.
pub fn insert(conn: &Conn, key: &str, record: &NewConsent, announce: bool) -> Result<Outcome, DbError> {
    let recorded_at_ms = crate::time::now_ms();
    let inserted = conn.query_opt(
        "INSERT INTO consent_records (idempotency_key, site, consent_id, policy_version, language, action, \
         purposes, origin, widget_version, gpc, recorded_at_ms, sec_gpc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
        params![
            key,
            &record.site,
            &record.consent_id,
            &record.policy_version,
            &record.language,
            record.action.as_str(),
            &purposes_json(record),
            &record.origin,
            &record.widget_version,
            record.gpc,
            recorded_at_ms,
            record.sec_gpc,
        ],
    )?;
    if let Some(row) = inserted {
        let id: i64 = row.get(0)?;
        if announce {
            announce_record(conn, id, record, recorded_at_ms)?;
        }
        return Ok(Outcome::Created(Receipt { id, recorded_at: crate::time::rfc3339_ms(recorded_at_ms) }));
    }
    let existing = conn.query_one(&format!("SELECT {COLUMNS} FROM consent_records WHERE idempotency_key = ?1"), params![key])?;
    let (stored, purposes_text) = row_to_stored(&existing)?;
    Ok(if same_record(&stored, &purposes_text, record) {
        Outcome::Repeated(Receipt { id: stored.id, recorded_at: stored.recorded_at })
    } else {
        Outcome::Conflict
    })
}

/// Writes `consent.recorded` for the record `id` just stored: thin, its ids and the kind of
/// decision only (C-E3), never the choices or where they were made.
fn announce_record(conn: &Conn, id: i64, record: &NewConsent, at_ms: i64) -> Result<(), DbError> {
    let consent = EventConsent { id, consent_id: record.consent_id.clone(), action: record.action.as_str().to_owned() };
    let data = EventData { site: record.site.clone(), subject: None, request: None, consent: Some(consent) };
    outbox::record(conn, EventType::ConsentRecorded, data, at_ms).map(|_| ())
}

/// Every record of one pseudonymous subject, oldest first.
pub fn by_subject(conn: &Conn, consent_id: &str) -> Result<Vec<StoredConsent>, DbError> {
    let rows = conn.query(&format!("SELECT {COLUMNS} FROM consent_records WHERE consent_id = ?1 ORDER BY id"), params![consent_id])?;
    rows.iter().map(|row| row_to_stored(row).map(|(stored, _)| stored)).collect()
}
