//! `request.due_soon` (7 days before the due date) and `request.overdue` (the day after it):
//! each once per request and due date (an extension's new date counts again), even with several
//! servers looking at the same database.

use privacy_widget::policy::Date;

use super::{outbox, EventType};
use crate::{
    db::{Conn, DbError},
    params,
};

/// How many days before the due date `request.due_soon` is sent.
pub const DUE_SOON_DAYS: i64 = 7;

/// Records the reminders that are due on `today` for every open request; answers how many.
pub fn record_due(conn: &Conn, today: Date, now_ms: i64) -> Result<usize, DbError> {
    let soon = today.add_days(DUE_SOON_DAYS).unwrap_or(today).to_string();
    let today_text = today.to_string();
    // Dates are YYYY-MM-DD, so text order is date order.
    let rows = conn.query(
        "SELECT id, due_on FROM requests WHERE status IN ('verified', 'in_progress', 'extended') AND due_on <= ?1 ORDER BY id",
        params![&soon],
    )?;
    let mut sent = 0;
    for row in rows {
        let (id, due_on): (String, String) = (row.get(0)?, row.get(1)?);
        let kind = if due_on < today_text { EventType::RequestOverdue } else { EventType::RequestDueSoon };
        let name = if kind == EventType::RequestOverdue { "overdue" } else { "due_soon" };
        let inserted = conn.execute(
            "INSERT INTO request_reminders (request_id, kind, due_on, at_ms) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (request_id, kind, due_on) DO NOTHING",
            params![&id, name, &due_on, now_ms],
        )?;
        if inserted == 1 {
            outbox::request_event(conn, kind, &id, now_ms)?;
            sent += 1;
        }
    }
    Ok(sent)
}
