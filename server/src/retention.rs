//! Storage limitation for the server's own data (C-E2): a background task deletes each kind of
//! row when its period ends (README, "What the server stores"). [`purge`] does one pass for a
//! given `now`, so that tests run it on a chosen clock; [`start`] runs it every
//! [`INTERVAL`] on the real one.
//!
//! - `code_sends`, `code_failures` (IP addresses): `retention.ip` after they were written;
//! - `sessions`: when they expire;
//! - `signin_token_ids` (used `jti`s): once the token could no longer be accepted;
//! - `visitor_status_tokens`: when they stop working (`visitor_token_days` after the request's
//!   closing step);
//! - `verification_codes`: once used or expired (or their request no longer waits for one);
//! - closed `requests` with their steps, codes, tokens, mails, answer, per-system results
//!   (`request_systems`) and due-date reminders (`request_reminders`): `retention.request` after
//!   the closing step;
//! - `request_attachments`: once their request is closed (completing it copied them into the
//!   package; refused or cancelled, nothing reads them);
//! - `outbox_events` with their `webhook_deliveries`: `retention.webhooks` after the last
//!   attempt, once no delivery is still being retried (one that is, is never deleted);
//! - `consent_records` and `preference_changes`: `retention.consent` after a newer decision of
//!   the same subject (and purpose) replaced them. The current decision is never deleted; a
//!   trigger (migration 0130) refuses that in the database itself.

use std::time::Duration;

use crate::{
    config::Retention,
    db::{Conn, Db, DbError},
    params,
};

/// The ids of closed requests whose closing step is at or before `?1`.
const CLOSED_BEFORE: &str = "SELECT r.id FROM requests r WHERE r.status IN ('completed', 'refused', 'cancelled') \
    AND COALESCE((SELECT MAX(e.at_ms) FROM request_events e WHERE e.request_id = r.id AND e.status = r.status), r.created_at_ms) <= ?1";

/// The ids of outgoing events none of whose deliveries is still being retried (pending), whose
/// last attempt (or, without deliveries, whose recording) is at or before `?1`.
const EVENTS_OVER_BEFORE: &str = "SELECT e.id FROM outbox_events e \
    WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.event_id = e.id AND p.status = 'pending') \
    AND COALESCE((SELECT MAX(d.updated_at_ms) FROM webhook_deliveries d WHERE d.event_id = e.id), e.created_at_ms) <= ?1";

/// How often the task runs.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// How many rows one pass deleted, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Code-send counters (per address and IP) past their period.
    pub code_sends: u64,
    /// Failed-code counters past their period.
    pub code_failures: u64,
    /// Expired sessions.
    pub sessions: u64,
    /// Status tokens of requests closed longer than their lifetime.
    pub status_tokens: u64,
    /// Consent records replaced longer ago than the consent retention.
    pub consent_records: u64,
    /// Opt-in changes replaced longer ago than the consent retention.
    pub preference_changes: u64,
    /// Verification codes past their period.
    pub verification_codes: u64,
    /// Closed requests past the request retention, with their steps and mails.
    pub requests: u64,
    /// Sign-in token ids past their expiry.
    pub signin_token_ids: u64,
    /// Per-system results of purged requests.
    pub request_systems: u64,
    /// Due-date reminder marks of purged requests.
    pub request_reminders: u64,
    /// Attachments of closed requests.
    pub request_attachments: u64,
    /// Outgoing events whose deliveries ended longer ago than the webhook retention.
    pub outbox_events: u64,
    /// Their deliveries.
    pub webhook_deliveries: u64,
}

impl Purged {
    /// Rows deleted in all.
    pub fn total(&self) -> u64 {
        self.code_sends
            + self.code_failures
            + self.sessions
            + self.status_tokens
            + self.consent_records
            + self.preference_changes
            + self.verification_codes
            + self.requests
            + self.signin_token_ids
            + self.request_systems
            + self.request_reminders
            + self.request_attachments
            + self.outbox_events
            + self.webhook_deliveries
    }
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Deletes, as of `now` (UTC ms), every row whose period has ended: exactly when it ends (a row
/// written at `t` with period `p` goes at `now >= t + p`), never earlier.
pub fn purge(conn: &Conn, now: i64, retention: &Retention, token_lifetime: Duration) -> Result<Purged, DbError> {
    let ip_cutoff = now.saturating_sub(ms(retention.ip));
    let consent_cutoff = now.saturating_sub(ms(retention.consent));
    let token_cutoff = now.saturating_sub(ms(token_lifetime));
    let request_cutoff = now.saturating_sub(ms(retention.request));
    let webhook_cutoff = now.saturating_sub(ms(retention.webhooks));
    let of_closed = |table: &str, cutoff: i64| conn.execute(&format!("DELETE FROM {table} WHERE request_id IN ({CLOSED_BEFORE})"), params![cutoff]);
    // Attachments: in the package once their request completed, of no use once it closed otherwise.
    let request_attachments = of_closed("request_attachments", now)?;
    // Closed requests whose period ended: their dependent rows first (foreign keys).
    for table in ["verification_codes", "visitor_status_tokens", "visitor_mails", "request_events"] {
        of_closed(table, request_cutoff)?;
    }
    let request_systems = of_closed("request_systems", request_cutoff)?;
    let request_reminders = of_closed("request_reminders", request_cutoff)?;
    let requests = conn.execute(&format!("DELETE FROM requests WHERE id IN ({CLOSED_BEFORE})"), params![request_cutoff])?;
    // Outgoing events whose deliveries are over: the deliveries first (foreign key).
    let webhook_deliveries = conn.execute(&format!("DELETE FROM webhook_deliveries WHERE event_id IN ({EVENTS_OVER_BEFORE})"), params![webhook_cutoff])?;
    let outbox_events = conn.execute(&format!("DELETE FROM outbox_events WHERE id IN ({EVENTS_OVER_BEFORE})"), params![webhook_cutoff])?;
    Ok(Purged {
        requests,
        request_systems,
        request_reminders,
        request_attachments,
        outbox_events,
        webhook_deliveries,
        // Used sign-in token ids: kept while the token could still be presented (its `exp` plus
        // the clock leeway, `keep_until_ms`), as the sign-in itself does (panel::signin).
        signin_token_ids: conn.execute("DELETE FROM signin_token_ids WHERE keep_until_ms < ?1", params![now])?,
        // A code is read only while its request waits for it (status received): once used, or
        // expired, or its request moved on, it goes (an expired one is then answered as such).
        verification_codes: conn.execute(
            "DELETE FROM verification_codes WHERE used = 1 OR expires_at_ms <= ?1 \
               OR request_id IN (SELECT id FROM requests WHERE status <> 'received')",
            params![now],
        )?,
        code_sends: conn.execute("DELETE FROM code_sends WHERE at_ms <= ?1", params![ip_cutoff])?,
        code_failures: conn.execute("DELETE FROM code_failures WHERE at_ms <= ?1", params![ip_cutoff])?,
        sessions: conn.execute("DELETE FROM sessions WHERE expires_at_ms <= ?1", params![now])?,
        status_tokens: conn.execute(
            &format!("DELETE FROM visitor_status_tokens WHERE request_id IN ({CLOSED_BEFORE})"),
            params![token_cutoff],
        )?,
        consent_records: conn.execute(
            "DELETE FROM consent_records WHERE EXISTS (SELECT 1 FROM consent_records n \
               WHERE n.site = consent_records.site AND n.consent_id = consent_records.consent_id \
               AND n.id > consent_records.id AND n.recorded_at_ms <= ?1)",
            params![consent_cutoff],
        )?,
        preference_changes: conn.execute(
            "DELETE FROM preference_changes WHERE EXISTS (SELECT 1 FROM preference_changes n \
               WHERE n.customer_id = preference_changes.customer_id AND n.purpose = preference_changes.purpose \
               AND n.id > preference_changes.id AND n.changed_at_ms <= ?1)",
            params![consent_cutoff],
        )?,
    })
}

/// Starts the task: a pass at once, then every [`INTERVAL`], until the database closes. A pass
/// that fails is logged and tried again at the next tick.
pub fn start(db: &Db, retention: Retention, token_lifetime: Duration) {
    if tokio::runtime::Handle::try_current().is_err() {
        return;
    }
    let db = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(INTERVAL);
        loop {
            tick.tick().await;
            let now = crate::time::now_ms();
            match db.write(move |conn| purge(conn, now, &retention, token_lifetime)).await {
                Ok(p) if p.total() > 0 => tracing::info!(?p, "retention: deleted rows whose period ended"),
                Ok(_) => {}
                Err(DbError::Closed) => return,
                Err(e) => tracing::error!(error = %e, "retention: pass failed"),
            }
        }
    });
}
