//! SQL for what only visitors (not logged in) have: earlier unverified requests superseded by a
//! new code, the page a visitor verified on, and the queue of "your answer is ready" mails.

use privacy_widget::requests::RequestStatus;

use super::store_requests as sr;
use crate::{
    db::{Conn, DbError},
    params,
};

/// The reason recorded on an unverified request that a newer one of the same address replaced.
pub const SUPERSEDED: &str = "superseded by a newer request with a new code";

/// Withdraws every unverified (received) request of `email` on `site`: a new code supersedes
/// them, so no orphan waits in the operator's list and an older code no longer verifies
/// anything. Returns the ids withdrawn.
pub fn supersede_unverified(conn: &Conn, site: &str, email: &str, now: i64) -> Result<Vec<String>, DbError> {
    let rows = conn.query(
        "SELECT id FROM requests WHERE site = ?1 AND email = ?2 AND status = ?3 AND customer_id IS NULL",
        params![site, email, RequestStatus::Received.name()],
    )?;
    let ids: Vec<String> = rows.iter().map(|r| r.get(0)).collect::<Result<_, _>>()?;
    for id in &ids {
        sr::set_status(conn, id, RequestStatus::Cancelled, Some(SUPERSEDED), "system", now)?;
        conn.execute("UPDATE verification_codes SET used = 1 WHERE request_id = ?1", params![id])?;
    }
    Ok(ids)
}

/// Remembers the page a visitor verified on (an absolute URL the site allows), for the mail.
pub fn set_page(conn: &Conn, token_hash: &[u8; 32], page: &str) -> Result<(), DbError> {
    conn.execute("UPDATE visitor_status_tokens SET page_url = ?2 WHERE token_hash = ?1", params![token_hash.as_slice(), page])?;
    Ok(())
}

/// Queues the "your answer is ready" mail of a visitor's request that reached `status`.
pub fn queue_mail(conn: &Conn, request: &str, status: RequestStatus, now: i64) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO visitor_mails (request_id, status, queued_at_ms) VALUES (?1, ?2, ?3)",
        params![request, status.name(), now],
    )?;
    Ok(())
}

/// A queued mail with what it needs: (mail id, site, address, kind, status, page, when the
/// request reached that status).
#[derive(Debug, Clone)]
pub struct QueuedMail {
    /// The mail id.
    pub id: i64,
    /// The request it is about.
    pub request: String,
    /// The site it was filed on.
    pub site: String,
    /// The visitor's address.
    pub to: String,
    /// The request kind.
    pub kind: String,
    /// The status the mail announces.
    pub status: String,
    /// The panel page the mail links to, if any.
    pub page: Option<String>,
    /// When the request reached `status` (UTC ms): the tokens' lifetime counts from there.
    pub closed_at_ms: Option<i64>,
}

/// Mails not yet sent, oldest first (at most `limit`).
pub fn unsent(conn: &Conn, limit: i64) -> Result<Vec<QueuedMail>, DbError> {
    let rows = conn.query(
        "SELECT m.id, r.id, r.site, r.email, r.kind, m.status, \
         (SELECT t.page_url FROM visitor_status_tokens t WHERE t.request_id = r.id AND t.page_url IS NOT NULL ORDER BY t.created_at_ms DESC LIMIT 1), \
         (SELECT MAX(e.at_ms) FROM request_events e WHERE e.request_id = r.id AND e.status = m.status) \
         FROM visitor_mails m JOIN requests r ON r.id = m.request_id \
         WHERE m.sent_at_ms IS NULL AND r.email IS NOT NULL ORDER BY m.id LIMIT ?1",
        params![limit],
    )?;
    rows.iter()
        .map(|r| {
            Ok(QueuedMail {
                id: r.get(0)?,
                request: r.get(1)?,
                site: r.get(2)?,
                to: r.get(3)?,
                kind: r.get(4)?,
                status: r.get(5)?,
                page: r.get(6)?,
                closed_at_ms: r.get(7)?,
            })
        })
        .collect()
}

/// Marks a queued mail sent.
pub fn mark_sent(conn: &Conn, id: i64, now: i64) -> Result<(), DbError> {
    conn.execute("UPDATE visitor_mails SET sent_at_ms = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}
