//! C-E2: the server's own data goes exactly when its period ends, never earlier. The retention
//! pass runs on a chosen clock (`retention::purge(conn, now, …)`, what the background task runs
//! every minute with the real one), on SQLite, and on PostgreSQL under `PW_TEST_DATABASE_URL`
//! (`scripts/with-postgres.sh cargo test -p privacy-widget-server --test retention`).

mod panel_support;

use std::time::Duration;

use panel_support::Env;
use privacy_widget_server::{
    config::{Overrides, Retention, Settings},
    params,
    retention::{purge, Purged},
};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
const T0: i64 = 1_900_000_000_000;

async fn pass(env: &Env, now: i64, retention: Retention, token_days: i64) -> Purged {
    let lifetime = Duration::from_millis(u64::try_from(token_days * DAY).unwrap());
    env.state.db.write(move |conn| purge(conn, now, &retention, lifetime)).await.unwrap()
}

fn count(env: &Env, table: &str) -> i64 {
    env.db().one(&format!("SELECT COUNT(*) FROM {table}"), &[])
}

#[tokio::test]
async fn c_e2_ip_addresses_in_the_code_tables_go_24_hours_after_they_were_written() {
    let env = Env::new().await;
    let (base_sends, base_failures) = (count(&env, "code_sends"), count(&env, "code_failures"));
    let db = env.db();
    db.execute("INSERT INTO code_sends (email, ip, at_ms) VALUES ('a@example.com', '192.0.2.1', ?1)", params![T0]).unwrap();
    db.execute("INSERT INTO code_sends (email, ip, at_ms) VALUES ('b@example.com', '192.0.2.2', ?1)", params![T0 + HOUR]).unwrap();
    db.execute("INSERT INTO code_failures (ip, at_ms) VALUES ('192.0.2.1', ?1)", params![T0]).unwrap();
    let r = Retention::default();
    pass(&env, T0 + 24 * HOUR - 1, r, 30).await;
    assert_eq!((count(&env, "code_sends"), count(&env, "code_failures")), (base_sends + 2, base_failures + 1), "not a millisecond early");
    let p = pass(&env, T0 + 24 * HOUR, r, 30).await;
    assert_eq!((p.code_sends, p.code_failures), (1, 1));
    let left: Vec<String> = env.db().column("SELECT ip FROM code_sends WHERE at_ms >= ?1", params![T0]);
    assert_eq!(left, ["192.0.2.2"], "the younger row stays");
    pass(&env, T0 + 25 * HOUR, r, 30).await;
    assert_eq!(count(&env, "code_sends"), base_sends);

    // A shorter configured period (ip_retention_hours = 2) is enforced as such.
    db.execute("INSERT INTO code_failures (ip, at_ms) VALUES ('192.0.2.9', ?1)", params![T0]).unwrap();
    let short = Retention { ip: Duration::from_secs(2 * 3600), ..r };
    pass(&env, T0 + 2 * HOUR - 1, short, 30).await;
    assert_eq!(count(&env, "code_failures"), base_failures + 1);
    pass(&env, T0 + 2 * HOUR, short, 30).await;
    assert_eq!(count(&env, "code_failures"), base_failures);
}

#[tokio::test]
async fn c_e2_sessions_go_when_they_expire() {
    let env = Env::new().await;
    env.login("pcextreme", "jan-de-vries").await;
    let expires: i64 = env.db().one("SELECT MAX(expires_at_ms) FROM sessions", &[]);
    let before = count(&env, "sessions");
    assert!(before >= 1);
    pass(&env, expires - 1, Retention::default(), 30).await;
    assert_eq!(count(&env, "sessions"), before, "still valid a millisecond before");
    pass(&env, expires, Retention::default(), 30).await;
    assert_eq!(env.db().one::<i64>("SELECT COUNT(*) FROM sessions WHERE expires_at_ms >= ?1", params![expires]), 0);
}

/// A closed request (closing step at `closed`) with a status token, and an open one with one.
fn requests_with_tokens(env: &Env, closed: i64) {
    let db = env.db();
    for (id, status, hash) in [("r_closed", "completed", [1u8; 32]), ("r_open", "in_progress", [2u8; 32])] {
        db.execute(
            "INSERT INTO requests (id, site, email, kind, details, status, received_on, due_on, idempotency_key, body_hash, created_at_ms) \
             VALUES (?1, 'pcextreme', 'v@example.com', 'access', '{}', ?2, '2030-01-01', '2030-02-01', ?1, 'x', ?3)",
            params![id, status, T0],
        )
        .unwrap();
        db.execute("INSERT INTO request_events (request_id, status, actor, at_ms) VALUES (?1, ?2, 'operator', ?3)", params![id, status, closed]).unwrap();
        db.execute("INSERT INTO visitor_status_tokens (token_hash, request_id, created_at_ms) VALUES (?1, ?2, ?3)", params![hash.as_slice(), id, T0]).unwrap();
    }
}

#[tokio::test]
async fn c_e2_visitor_status_tokens_go_when_they_stop_working() {
    let env = Env::new().await;
    let closed = T0 + DAY;
    requests_with_tokens(&env, closed);
    let tokens = |env: &Env| -> Vec<String> {
        env.db().column("SELECT request_id FROM visitor_status_tokens WHERE request_id LIKE 'r\\_%' ESCAPE '\\' ORDER BY request_id", &[])
    };
    // visitor_token_days = 30: the closed request's token works until closing + 30 days.
    pass(&env, closed + 30 * DAY - 1, Retention::default(), 30).await;
    assert_eq!(tokens(&env), ["r_closed", "r_open"]);
    let p = pass(&env, closed + 30 * DAY, Retention::default(), 30).await;
    assert_eq!(p.status_tokens, 1);
    assert_eq!(tokens(&env), ["r_open"], "an open request's token stays, however old");
    pass(&env, closed + 3650 * DAY, Retention::default(), 30).await;
    assert_eq!(tokens(&env), ["r_open"]);
}

#[tokio::test]
async fn c_e2_consent_proofs_go_five_years_after_they_stop_being_current_and_the_current_one_never() {
    let env = Env::new().await;
    let db = env.db();
    let record = |key: &str, subject: &str, at: i64| {
        db.execute(
            "INSERT INTO consent_records (idempotency_key, site, consent_id, policy_version, language, action, purposes, origin, widget_version, gpc, recorded_at_ms) \
             VALUES (?1, 'pcextreme', ?2, '1', 'nl', 'custom', '{}', 'https://www.pcextreme.nl', '0.1.0', 0, ?3)",
            params![key, subject, at],
        )
        .unwrap();
    };
    record("k1", "subject-a", T0);
    record("k2", "subject-a", T0 + DAY); // replaces k1 at T0 + 1 day
    record("k3", "subject-b", T0); // the only decision of subject b: current
    let keys = |env: &Env| -> Vec<String> { env.db().column("SELECT idempotency_key FROM consent_records WHERE idempotency_key LIKE 'k%' ORDER BY idempotency_key", &[]) };
    let five_years = Retention::default().consent;
    assert_eq!(five_years, Duration::from_secs(1826 * 86_400));
    let replaced = T0 + DAY;
    pass(&env, replaced + 1826 * DAY - 1, Retention::default(), 30).await;
    assert_eq!(keys(&env), ["k1", "k2", "k3"], "kept until the period after replacement ends");
    let p = pass(&env, replaced + 1826 * DAY, Retention::default(), 30).await;
    assert_eq!(p.consent_records, 1);
    assert_eq!(keys(&env), ["k2", "k3"]);
    pass(&env, T0 + 100 * 365 * DAY, Retention::default(), 30).await;
    assert_eq!(keys(&env), ["k2", "k3"], "current decisions are never deleted");
    // The database itself refuses deleting a current decision, and any update.
    let refused = env.db().execute("DELETE FROM consent_records WHERE idempotency_key = 'k3'", &[]);
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    assert!(env.db().execute("UPDATE consent_records SET action = 'x' WHERE idempotency_key = 'k2'", &[]).is_err());
}

#[tokio::test]
async fn c_e2_opt_in_changes_go_the_consent_period_after_a_newer_change_replaced_them() {
    let env = Env::new().await;
    env.login("pcextreme", "jan-de-vries").await; // the demo customers are seeded by then
    let customer: i64 = env.db().one("SELECT id FROM customers WHERE handle = 'jan-de-vries'", &[]);
    let change = |granted: i64, at: i64| {
        env.db()
            .execute(
                "INSERT INTO preference_changes (customer_id, purpose, granted, policy_version, source, changed_at_ms) VALUES (?1, 'newsletter', ?2, '1', 'control_panel', ?3)",
                params![customer, granted, at],
            )
            .unwrap();
    };
    change(1, T0);
    change(0, T0 + DAY);
    let mine = |env: &Env| -> Vec<i64> {
        env.db().column("SELECT changed_at_ms FROM preference_changes WHERE customer_id = ?1 AND purpose = 'newsletter' AND changed_at_ms >= ?2 ORDER BY id", params![customer, T0])
    };
    let one_year = Retention { consent: Duration::from_secs(365 * 86_400), ..Retention::default() };
    pass(&env, T0 + DAY + 365 * DAY - 1, one_year, 30).await;
    assert_eq!(mine(&env), [T0, T0 + DAY]);
    pass(&env, T0 + DAY + 365 * DAY, one_year, 30).await;
    assert_eq!(mine(&env), [T0 + DAY], "the replaced change goes; the current one stays");
}

#[tokio::test]
async fn c_e2_verification_codes_go_once_used_or_expired() {
    let env = Env::new().await;
    requests_with_tokens(&env, T0 + DAY);
    let db = env.db();
    db.execute(
        "INSERT INTO requests (id, site, email, kind, details, status, received_on, due_on, idempotency_key, body_hash, created_at_ms) \
         VALUES ('r_waiting', 'pcextreme', 'w@example.com', 'access', '{}', 'received', '2030-01-01', '2030-02-01', 'r_waiting', 'x', ?1)",
        params![T0],
    )
    .unwrap();
    for (id, used, expires) in [("r_waiting", 0, T0 + 600_000), ("r_open", 1, T0 + 600_000), ("r_closed", 0, T0 + 600_000)] {
        db.execute(
            "INSERT INTO verification_codes (request_id, salt, code_hash, expires_at_ms, attempts, used) VALUES (?1, ?2, ?2, ?3, 0, ?4)",
            params![id, [0u8; 16].as_slice(), expires, used],
        )
        .unwrap();
    }
    let codes = |env: &Env| -> Vec<String> {
        env.db().column("SELECT request_id FROM verification_codes WHERE request_id LIKE 'r\\_%' ESCAPE '\\' ORDER BY request_id", &[])
    };
    // Used, or its request no longer waits: gone at once; the waiting one stays until it expires.
    pass(&env, T0, Retention::default(), 30).await;
    assert_eq!(codes(&env), ["r_waiting"]);
    pass(&env, T0 + 600_000 - 1, Retention::default(), 30).await;
    assert_eq!(codes(&env), ["r_waiting"], "valid a millisecond before it expires");
    pass(&env, T0 + 600_000, Retention::default(), 30).await;
    assert!(codes(&env).is_empty());
}

#[tokio::test]
async fn c_e2_closed_requests_go_with_everything_of_theirs_when_their_period_ends() {
    let env = Env::new().await;
    let closed = T0 + DAY;
    requests_with_tokens(&env, closed);
    env.db().execute("INSERT INTO visitor_mails (request_id, status, queued_at_ms) VALUES ('r_closed', 'completed', ?1)", params![closed]).unwrap();
    for id in ["r_closed", "r_open"] {
        let db = env.db();
        db.execute("INSERT INTO request_systems (request_id, system, status, updated_at_ms) VALUES (?1, 'billing', 'done', ?2)", params![id, T0]).unwrap();
        db.execute("INSERT INTO request_reminders (request_id, kind, due_on, at_ms) VALUES (?1, 'due_soon', '2030-02-01', ?2)", params![id, T0]).unwrap();
        db.execute(
            "INSERT INTO request_attachments (request_id, name, media_type, content, created_at_ms) VALUES (?1, 'calls.csv', 'text/csv', 'a,b', ?2)",
            params![id, T0],
        )
        .unwrap();
    }
    let attachments = |env: &Env| -> Vec<String> { env.db().column("SELECT request_id FROM request_attachments ORDER BY request_id", &[]) };
    // Attachments go once their request is closed (completing it put them in the package).
    let p = pass(&env, closed, Retention::default(), 30).await;
    assert_eq!((p.request_attachments, p.requests), (1, 0));
    assert_eq!(attachments(&env), ["r_open"]);
    let ids = |env: &Env| -> Vec<String> { env.db().column("SELECT id FROM requests WHERE id LIKE 'r\\_%' ESCAPE '\\' ORDER BY id", &[]) };
    let r = Retention::default();
    assert_eq!(r.request, Duration::from_secs(1826 * 86_400), "five years by default");
    pass(&env, closed + 1826 * DAY - 1, r, 30).await;
    assert_eq!(ids(&env), ["r_closed", "r_open"]);
    let p = pass(&env, closed + 1826 * DAY, r, 30).await;
    assert_eq!(p.requests, 1);
    assert_eq!((p.request_systems, p.request_reminders), (1, 1), "its system results and reminder marks go with it");
    assert_eq!(ids(&env), ["r_open"], "an open request stays, however old");
    for table in ["request_events", "visitor_status_tokens", "visitor_mails", "request_systems", "request_reminders"] {
        let n: i64 = env.db().one(&format!("SELECT COUNT(*) FROM {table} WHERE request_id = 'r_closed'"), &[]);
        assert_eq!(n, 0, "{table}");
    }
    let open_events: i64 = env.db().one("SELECT COUNT(*) FROM request_events WHERE request_id = 'r_open'", &[]);
    assert_eq!(open_events, 1);
    assert_eq!(attachments(&env), ["r_open"], "an open request keeps its attachments");
    let open_systems: i64 = env.db().one("SELECT COUNT(*) FROM request_systems WHERE request_id = 'r_open'", &[]);
    assert_eq!(open_systems, 1);
}

/// An outgoing event recorded at `at`, with one delivery per `(status, last attempt)`.
fn event(env: &Env, message: &str, at: i64, deliveries: &[(&str, i64)]) {
    let db = env.db();
    db.execute(
        "INSERT INTO outbox_events (message_id, site, event_type, payload, created_at_ms, fanned_out) VALUES (?1, 'pcextreme', 'request.created', '{}', ?2, 1)",
        params![message, at],
    )
    .unwrap();
    let id: i64 = db.one("SELECT id FROM outbox_events WHERE message_id = ?1", params![message]);
    for (i, (status, last)) in deliveries.iter().enumerate() {
        db.execute(
            "INSERT INTO webhook_deliveries (event_id, endpoint_url, status, attempts, next_attempt_at_ms, updated_at_ms) VALUES (?1, ?2, ?3, 1, ?4, ?4)",
            params![id, format!("https://hooks.example/{i}").as_str(), *status, *last],
        )
        .unwrap();
    }
}

#[tokio::test]
async fn c_e2_outgoing_events_go_30_days_after_their_last_attempt_and_never_while_being_retried() {
    let env = Env::new().await;
    event(&env, "msg_delivered", T0, &[("delivered", T0)]);
    event(&env, "msg_later", T0, &[("delivered", T0), ("failed", T0 + DAY)]); // the last attempt counts
    event(&env, "msg_disabled", T0, &[("disabled", T0)]);
    event(&env, "msg_retrying", T0, &[("delivered", T0), ("pending", T0)]);
    event(&env, "msg_nobody", T0, &[]); // fanned out to no endpoint
    let left = |env: &Env| -> Vec<String> { env.db().column("SELECT message_id FROM outbox_events ORDER BY message_id", &[]) };
    let r = Retention::default();
    assert_eq!(r.webhooks, Duration::from_secs(30 * 86_400), "30 days by default");
    pass(&env, T0 + 30 * DAY - 1, r, 30).await;
    assert_eq!(left(&env), ["msg_delivered", "msg_disabled", "msg_later", "msg_nobody", "msg_retrying"], "not a millisecond early");
    let p = pass(&env, T0 + 30 * DAY, r, 30).await;
    assert_eq!((p.outbox_events, p.webhook_deliveries), (3, 2));
    assert_eq!(left(&env), ["msg_later", "msg_retrying"]);
    pass(&env, T0 + DAY + 30 * DAY, r, 30).await;
    assert_eq!(left(&env), ["msg_retrying"]);
    // An event still being retried stays with all its deliveries, however old.
    pass(&env, T0 + 3650 * DAY, r, 30).await;
    assert_eq!(left(&env), ["msg_retrying"]);
    assert_eq!(count(&env, "webhook_deliveries"), 2);

    // Once its retry ends, the period runs from that attempt; a shorter configured one holds.
    env.db().execute("UPDATE webhook_deliveries SET status = 'failed', updated_at_ms = ?1 WHERE status = 'pending'", params![T0 + 10 * DAY]).unwrap();
    let one_day = Retention { webhooks: Duration::from_secs(86_400), ..r };
    pass(&env, T0 + 11 * DAY - 1, one_day, 30).await;
    assert_eq!(left(&env), ["msg_retrying"]);
    let p = pass(&env, T0 + 11 * DAY, one_day, 30).await;
    assert_eq!((p.outbox_events, p.webhook_deliveries), (1, 2));
    assert_eq!((count(&env, "outbox_events"), count(&env, "webhook_deliveries")), (0, 0));
}

#[tokio::test]
async fn c_e2_used_sign_in_token_ids_go_once_the_token_could_no_longer_be_accepted() {
    let env = Env::new().await;
    env.db().execute("INSERT INTO signin_token_ids (site, jti, keep_until_ms) VALUES ('pcextreme', 'j-1', ?1)", params![T0]).unwrap();
    let n = |env: &Env| -> i64 { env.db().one("SELECT COUNT(*) FROM signin_token_ids WHERE jti = 'j-1'", &[]) };
    pass(&env, T0, Retention::default(), 30).await;
    assert_eq!(n(&env), 1, "still refusable as a replay up to keep_until");
    let p = pass(&env, T0 + 1, Retention::default(), 30).await;
    assert_eq!((p.signin_token_ids, n(&env)), (1, 0));
}

fn load(toml: &str, env: &[(&str, &str)]) -> Result<Settings, Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.toml");
    std::fs::write(&file, toml).unwrap();
    let env: std::collections::HashMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Settings::load(Some(&file), &|name| env.get(name).cloned(), &Overrides::default()).map_err(|e| e.errors)
}

#[test]
fn c_e2_retention_settings_are_validated_on_start_naming_the_key() {
    let s = load("", &[]).unwrap();
    assert_eq!(s.retention, Retention::default());
    assert_eq!(s.retention.ip, Duration::from_secs(24 * 3600));
    let s = load("ip_retention_hours = 6\nconsent_retention_days = 730.5\n", &[]).unwrap();
    assert_eq!(s.retention.ip, Duration::from_secs(6 * 3600));
    assert_eq!(s.retention.consent, Duration::from_secs_f64(730.5 * 86_400.0));
    for bad in ["0", "-1", "0.5", "25", "nan"] {
        let errors = load(&format!("ip_retention_hours = {bad}\n"), &[]).unwrap_err();
        assert!(errors.iter().any(|e| e.starts_with("ip_retention_hours: ")), "{bad}: {errors:?}");
    }
    for bad in ["0", "-5", "364", "3651"] {
        let errors = load(&format!("consent_retention_days = {bad}\n"), &[]).unwrap_err();
        assert!(errors.iter().any(|e| e.starts_with("consent_retention_days: ") && e.contains("365")), "{bad}: {errors:?}");
    }
    // The environment names the same key.
    let errors = load("", &[("PW_CONSENT_RETENTION_DAYS", "soon")]).unwrap_err();
    assert!(errors.iter().any(|e| e.starts_with("consent_retention_days: ")), "{errors:?}");
    for bad in ["0", "-1", "100"] {
        let errors = load(&format!("request_retention_days = {bad}\n"), &[]).unwrap_err();
        assert!(errors.iter().any(|e| e.starts_with("request_retention_days: ")), "{bad}: {errors:?}");
    }
    assert_eq!(load("request_retention_days = 400\n", &[]).unwrap().retention.request, Duration::from_secs(400 * 86_400));
    let s = load("", &[("PW_IP_RETENTION_HOURS", "12")]).unwrap();
    assert_eq!(s.retention.ip, Duration::from_secs(12 * 3600));
    for bad in ["0", "0.5", "366", "nan"] {
        let errors = load(&format!("webhook_retention_days = {bad}\n"), &[]).unwrap_err();
        assert!(errors.iter().any(|e| e.starts_with("webhook_retention_days: ") && e.contains("365")), "{bad}: {errors:?}");
    }
    assert_eq!(load("webhook_retention_days = 7\n", &[]).unwrap().retention.webhooks, Duration::from_secs(7 * 86_400));
    assert_eq!(load("", &[("PW_WEBHOOK_RETENTION_DAYS", "90")]).unwrap().retention.webhooks, Duration::from_secs(90 * 86_400));
}
