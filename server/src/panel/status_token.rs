//! How long a visitor's status token works (C-C3): while its request is open, always; once the
//! request is closed (completed, refused or cancelled), for the configured lifetime
//! (`visitor_token_days`, default 30) counted from the closing step. After that every token of
//! the request answers as an unknown token does, and the answer is no longer downloadable
//! through it. Checked when a token is read; the hashes stay stored (no cleanup loop).

use privacy_widget::requests::RequestStatus;

use super::store_requests as sr;
use crate::{
    db::{Conn, DbError},
    params,
};

/// When the tokens of a request in `status` stop working (UTC ms), or `None` while it is open.
/// `closed_at_ms` is the time of the closing step; a closed request without one (never written
/// by this server) counts from its filing, `created_at_ms`.
pub fn expires_at(status: RequestStatus, closed_at_ms: Option<i64>, created_at_ms: i64, lifetime_ms: i64) -> Option<i64> {
    status.is_final().then(|| closed_at_ms.unwrap_or(created_at_ms).saturating_add(lifetime_ms))
}

/// Whether a token whose request expires at `expires_at` still works at `now`.
pub fn works(expires_at: Option<i64>, now: i64) -> bool {
    expires_at.is_none_or(|at| now < at)
}

/// When request `id` reached `status` (its latest step to that status), if it did.
pub fn reached_at(conn: &Conn, id: &str, status: RequestStatus) -> Result<Option<i64>, DbError> {
    let row = conn.query_opt("SELECT MAX(at_ms) FROM request_events WHERE request_id = ?1 AND status = ?2", params![id, status.name()])?;
    match row {
        Some(r) => r.get(0),
        None => Ok(None),
    }
}

/// The request a status token opens at `now`: `None` for an unknown token and for an expired one
/// alike.
pub fn request(conn: &Conn, token_hash: &[u8; 32], now: i64, lifetime_ms: i64) -> Result<Option<sr::RequestRow>, DbError> {
    let Some(row) = sr::by_status_token(conn, token_hash)? else { return Ok(None) };
    let closed_at = if row.status.is_final() { reached_at(conn, &row.id, row.status)? } else { None };
    Ok(works(expires_at(row.status, closed_at, row.created_at_ms, lifetime_ms), now).then_some(row))
}

/// A lifetime in milliseconds (saturating).
pub fn lifetime_ms(lifetime: std::time::Duration) -> i64 {
    i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    #[test]
    fn open_requests_never_expire() {
        for status in [RequestStatus::Received, RequestStatus::Verified, RequestStatus::InProgress, RequestStatus::Extended] {
            assert_eq!(expires_at(status, None, 0, 30 * DAY), None);
            assert!(works(expires_at(status, None, 0, DAY), i64::MAX));
        }
    }

    #[test]
    fn closed_requests_expire_a_lifetime_after_the_closing_step() {
        for status in [RequestStatus::Completed, RequestStatus::Refused, RequestStatus::Cancelled] {
            let at = expires_at(status, Some(10 * DAY), 0, 30 * DAY);
            assert_eq!(at, Some(40 * DAY));
            assert!(works(at, 40 * DAY - 1));
            assert!(!works(at, 40 * DAY));
        }
        assert_eq!(expires_at(RequestStatus::Completed, None, 5, DAY), Some(DAY + 5));
        assert_eq!(expires_at(RequestStatus::Completed, Some(i64::MAX - 1), 0, DAY), Some(i64::MAX));
    }
}
