//! SQL for customers, their stored values and event dates, sessions and account opt-ins.

use std::collections::BTreeMap;

use privacy_widget::{
    policy::{Date, RetentionEvent},
    requests::{Kept, StoredValue, Subject},
};

use super::{
    session::Customer,
    source::{retention_events, HeldValue},
};
use crate::{
    db::{Conn, DbError, Row},
    params,
};

/// Today in UTC.
pub fn today() -> Date {
    Date::from_days(crate::time::now_ms().div_euclid(86_400_000)).unwrap_or(Date { year: 1970, month: 1, day: 1 })
}

const CUSTOMER_COLUMNS: &str = "c.id, c.site, c.handle, c.display_name, c.email, c.plan";

fn customer_row(row: &Row) -> Result<Customer, DbError> {
    Ok(Customer {
        id: row.get(0)?,
        site: row.get(1)?,
        handle: row.get(2)?,
        name: row.get(3)?,
        email: row.get(4)?,
        plan: row.get(5)?,
    })
}

/// `(handle, display name)` of every customer of a site, by name.
pub fn customers_of_site(conn: &Conn, site: &str) -> Result<Vec<(String, String)>, DbError> {
    let rows = conn.query("SELECT handle, display_name FROM customers WHERE site = ?1 ORDER BY display_name", params![site])?;
    rows.iter().map(|r| Ok((r.get(0)?, r.get(1)?))).collect()
}

/// A customer by site and handle.
pub fn customer_by_handle(conn: &Conn, site: &str, handle: &str) -> Result<Option<Customer>, DbError> {
    let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers c WHERE c.site = ?1 AND c.handle = ?2");
    conn.query_opt(&sql, params![site, handle])?.as_ref().map(customer_row).transpose()
}

/// A customer by id.
pub fn customer_by_id(conn: &Conn, id: i64) -> Result<Option<Customer>, DbError> {
    let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers c WHERE c.id = ?1");
    conn.query_opt(&sql, params![id])?.as_ref().map(customer_row).transpose()
}

/// The customer of a site with this (lowercase) e-mail address.
pub fn customer_by_email(conn: &Conn, site: &str, email: &str) -> Result<Option<Customer>, DbError> {
    let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers c WHERE c.site = ?1 AND c.email = ?2 ORDER BY c.id LIMIT 1");
    conn.query_opt(&sql, params![site, email])?.as_ref().map(customer_row).transpose()
}

/// Stores a new session.
pub fn insert_session(conn: &Conn, hash: &[u8; 32], customer: i64, now: i64, expires: i64) -> Result<(), DbError> {
    conn.execute("DELETE FROM sessions WHERE expires_at_ms < ?1", params![now])?;
    conn.execute(
        "INSERT INTO sessions (token_hash, customer_id, created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4)",
        params![hash.as_slice(), customer, now, expires],
    )?;
    Ok(())
}

/// The customer of a live session.
pub fn session_customer(conn: &Conn, hash: &[u8; 32], now: i64) -> Result<Option<Customer>, DbError> {
    let sql = format!(
        "SELECT {CUSTOMER_COLUMNS} FROM sessions s JOIN customers c ON c.id = s.customer_id \
         WHERE s.token_hash = ?1 AND s.expires_at_ms > ?2"
    );
    conn.query_opt(&sql, params![hash.as_slice(), now])?.as_ref().map(customer_row).transpose()
}

/// Ends a session.
pub fn delete_session(conn: &Conn, hash: &[u8; 32]) -> Result<(), DbError> {
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", params![hash.as_slice()])?;
    Ok(())
}

/// Reads `{"invoice_date": "2019-01-05"}` into event dates (unknown names and bad dates are skipped).
pub fn events_from_json(text: &str) -> Vec<(RetentionEvent, Date)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    retention_events(map.iter().filter_map(|(name, date)| Some((name.as_str(), date.as_str()?))))
}

/// Why a stored value is restricted (kept, but no longer used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restriction {
    /// The customer asked for it (a completed restriction request).
    Requested,
    /// Kept after an erasure because of a legal hold (invoices: tax law, C-C6).
    LegalHold,
    /// Kept after an erasure because the policy marks the category not erasable.
    NotErasable,
}

/// `restricted_reason` as the database holds it.
pub const REASON_REQUESTED: &str = "restriction request";
/// `restricted_reason` of a value kept under a legal hold after an erasure.
pub const REASON_LEGAL_HOLD: &str = "erasure: legal hold";
/// `restricted_reason` of a value kept after an erasure because it cannot be erased.
pub const REASON_NOT_ERASABLE: &str = "erasure: not erasable";

impl Restriction {
    /// The reason read from `restricted` and `restricted_reason` (an unknown or missing reason of
    /// a restricted value reads as the legal hold, the only reason older rows were given).
    pub fn from_row(restricted: bool, reason: Option<&str>) -> Option<Restriction> {
        if !restricted {
            return None;
        }
        Some(match reason {
            Some(REASON_REQUESTED) => Restriction::Requested,
            Some(REASON_NOT_ERASABLE) => Restriction::NotErasable,
            _ => Restriction::LegalHold,
        })
    }

    /// Why a value kept by an erasure is restricted.
    pub fn kept(why: &Kept) -> Restriction {
        match why {
            Kept::LegalHold { .. } => Restriction::LegalHold,
            Kept::NotErasable => Restriction::NotErasable,
        }
    }

    /// `restricted_reason` as the database holds it.
    pub fn stored_reason(self) -> &'static str {
        match self {
            Restriction::Requested => REASON_REQUESTED,
            Restriction::LegalHold => REASON_LEGAL_HOLD,
            Restriction::NotErasable => REASON_NOT_ERASABLE,
        }
    }

    /// The wire name (`restricted_reason` in `/api/v1/me/data`).
    pub fn name(self) -> &'static str {
        match self {
            Restriction::Requested => "restriction_request",
            Restriction::LegalHold => "legal_hold",
            Restriction::NotErasable => "not_erasable",
        }
    }
}

/// Every value stored about a customer, in insertion order.
pub fn values(conn: &Conn, customer: i64) -> Result<Vec<HeldValue>, DbError> {
    let rows = conn.query(
        "SELECT id, category, field, value, events, restricted, restricted_reason FROM customer_values WHERE customer_id = ?1 ORDER BY id",
        params![customer],
    )?;
    rows.iter()
        .map(|r| {
            let events: String = r.get(4)?;
            Ok(HeldValue {
                row: Some(r.get(0)?),
                value: StoredValue { category: r.get(1)?, field: r.get(2)?, value: r.get(3)?, events: events_from_json(&events) },
                restricted: Restriction::from_row(r.get(5)?, r.get::<Option<String>>(6)?.as_deref()),
            })
        })
        .collect()
}

/// Stores one value (`events` as JSON text), restricted for `restricted` if given.
pub fn insert_value(
    conn: &Conn,
    customer: i64,
    category: &str,
    field: &str,
    value: &str,
    events: &str,
    restricted: Option<Restriction>,
) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO customer_values (customer_id, category, field, value, events, restricted, restricted_reason) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![customer, category, field, value, events, restricted.is_some(), restricted.map(Restriction::stored_reason)],
    )?;
    Ok(())
}

/// Marks a stored value restricted, and why (it is kept but no longer used).
pub fn restrict(conn: &Conn, row: i64, why: Restriction) -> Result<u64, DbError> {
    conn.execute("UPDATE customer_values SET restricted = 1, restricted_reason = ?2 WHERE id = ?1", params![row, why.stored_reason()])
}

/// Deletes one stored value.
pub fn delete_value(conn: &Conn, row: i64) -> Result<(), DbError> {
    conn.execute("DELETE FROM customer_values WHERE id = ?1", params![row])?;
    Ok(())
}

/// Deletes every stored value and event date of a customer (the customer and their opt-in
/// history stay).
pub fn clear_values(conn: &Conn, customer: i64) -> Result<(), DbError> {
    conn.execute("DELETE FROM customer_values WHERE customer_id = ?1", params![customer])?;
    conn.execute("DELETE FROM customer_events WHERE customer_id = ?1", params![customer])?;
    Ok(())
}

/// The customer's plan and account-wide event dates.
pub fn subject(conn: &Conn, customer: &Customer) -> Result<Subject, DbError> {
    let rows = conn.query("SELECT event, date FROM customer_events WHERE customer_id = ?1 ORDER BY event", params![customer.id])?;
    let pairs = rows.iter().map(|row| Ok((row.get::<String>(0)?, row.get::<String>(1)?))).collect::<Result<Vec<_>, DbError>>()?;
    Ok(Subject { plan: customer.plan.clone(), events: retention_events(pairs.iter().map(|(n, d)| (n.as_str(), d.as_str()))) })
}

/// The latest state of one opt-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preference {
    /// Whether the customer opted in.
    pub granted: bool,
    /// The policy version the choice was made under.
    pub policy_version: String,
    /// Where the change was made, as recorded with it.
    pub source: String,
    /// When it changed, Unix milliseconds.
    pub changed_at_ms: i64,
}

/// The latest change per purpose.
pub fn preferences(conn: &Conn, customer: i64) -> Result<BTreeMap<String, Preference>, DbError> {
    let rows = conn.query(
        "SELECT purpose, granted, policy_version, source, changed_at_ms FROM preference_changes \
         WHERE customer_id = ?1 ORDER BY id",
        params![customer],
    )?;
    let mut out = BTreeMap::new();
    for r in rows {
        let pref = Preference { granted: r.get(1)?, policy_version: r.get(2)?, source: r.get(3)?, changed_at_ms: r.get(4)? };
        out.insert(r.get::<String>(0)?, pref);
    }
    Ok(out)
}

/// Appends one opt-in change.
pub fn insert_preference(
    conn: &Conn,
    customer: i64,
    purpose: &str,
    granted: bool,
    policy_version: &str,
    source: &str,
    now: i64,
) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO preference_changes (customer_id, purpose, granted, policy_version, source, changed_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![customer, purpose, granted, policy_version, source, now],
    )?;
    Ok(())
}
