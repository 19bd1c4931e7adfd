//! Events to the company's systems (issue 14 section 3, C-E3) against the real binary with
//! `--no-demo`: a receiver on loopback verifies every signature; receivers that answer 500,
//! 410 or hang; a SIGKILL between filing and delivery; the operator's `webhooks` command.

mod common;
mod events_support;

use std::{process::Command, time::Duration};

use common::Fixture;
use events_support::{customer, file_request, of_type, write_config, write_config_events, Mode, Receiver, Server, ADMIN};
use privacy_widget_server::params;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_e3_events_are_signed_thin_and_sent_once_per_change() {
    let fx = Fixture::new();
    let hook = Receiver::start(Mode::Ok).await;
    let config = write_config(&fx, &[&hook.url]);
    let token = customer(&fx, "cust-42");
    let server = Server::start(&fx, &config);

    let id = file_request(&server, &token, "access", "k1").await;
    let calls = hook.wait_for(WAIT, |c| !of_type(c, "request.created").is_empty()).await;
    let created = of_type(&calls, "request.created")[0];
    assert!(created.verified, "the signature verifies with the endpoint's secret");
    let request = &created.body["data"]["request"];
    assert_eq!(created.body["data"]["site"], "testsite");
    assert_eq!(created.body["data"]["subject"], "cust-42");
    assert_eq!(request["id"], id.as_str());
    assert_eq!((request["kind"].as_str(), request["status"].as_str()), (Some("access"), Some("verified")));
    assert!(request["due_at"].as_str().is_some_and(|d| d.len() == 10));
    // Thin: ids and states only, nothing the customer wrote or what is stored about them.
    let keys: Vec<_> = request.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["due_at", "id", "kind", "status"]);
    assert!(created.id.starts_with("msg_"));

    // The operator answers through the admin API: request.completed, signed, its own id.
    let base = format!("{}/api/v1/admin/requests/{id}/transitions", server.base);
    for system in ["billing", "mail"] {
        let url = format!("{}/api/v1/admin/requests/{id}/systems/{system}", server.base);
        let (status, body) = events_support::admin(reqwest::Method::PUT, &url, Some(ADMIN), Some(json!({"status": "done"}))).await;
        assert_eq!(status, 200, "{body}");
    }
    for to in ["in_progress", "completed"] {
        let (status, body) = events_support::admin(reqwest::Method::POST, &base, Some(ADMIN), Some(json!({"to": to}))).await;
        assert_eq!(status, 200, "{body}");
    }
    let calls = hook.wait_for(WAIT, |c| !of_type(c, "request.completed").is_empty()).await;
    let completed = of_type(&calls, "request.completed")[0];
    assert!(completed.verified);
    assert_eq!(completed.body["data"]["request"]["status"], "completed");
    assert_ne!(completed.id, created.id);

    // An opt-in change: preferences.changed for the subject.
    let put = events_support::client()
        .put(format!("{}/api/v1/me/preferences", server.base))
        .header("content-type", "application/json")
        .header("origin", &server.base)
        .header("cookie", format!("pw_session={token}"))
        .body(json!({"policy_version": "1", "preferences": {"newsletter": true}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let calls = hook.wait_for(WAIT, |c| !of_type(c, "preferences.changed").is_empty()).await;
    let prefs = of_type(&calls, "preferences.changed")[0];
    assert!(prefs.verified);
    assert_eq!(prefs.body["data"], json!({"site": "testsite", "subject": "cust-42"}));

    // Exactly one delivery per event: nothing arrives twice.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let calls = hook.calls();
    let mut ids: Vec<_> = calls.iter().map(|c| c.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), calls.len(), "{calls:#?}");
    assert_eq!(calls.len(), 3, "created, completed, preferences.changed: {calls:#?}");
    // And the log says so (the operator's command reads the same database).
    let out = Command::new(common::binary()).args(["webhooks", "list", "--db"]).arg(fx.db_path()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert_eq!(text.matches("delivered").count(), 3, "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_answering_500_gets_the_same_webhook_id_again_about_5_s_later() {
    let fx = Fixture::new();
    let hook = Receiver::start(Mode::FailFirst(1)).await;
    let config = write_config(&fx, &[&hook.url]);
    let token = customer(&fx, "c500");
    let server = Server::start(&fx, &config);
    file_request(&server, &token, "access", "k1").await;
    let calls = hook.wait_for(WAIT, |c| c.len() >= 2).await;
    assert_eq!(calls[0].id, calls[1].id, "the same webhook-id on the retry");
    assert!(calls.iter().all(|c| c.verified));
    assert!(calls[1].timestamp >= calls[0].timestamp, "webhook-timestamp is set per attempt");
    let gap = calls[1].at.duration_since(calls[0].at).as_secs_f64();
    assert!((4.0..8.0).contains(&gap), "first retry after about 5 s (jitter 10 %): {gap}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let row = fx.db().row("SELECT status, attempts, last_status FROM webhook_deliveries", params![]);
    assert_eq!(row.get::<String>(0).unwrap(), "delivered");
    assert_eq!(row.get::<i64>(1).unwrap(), 2);
    assert_eq!(row.get::<Option<i64>>(2).unwrap(), Some(200));
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_answering_410_is_disabled_logged_and_enabled_again_by_a_replay() {
    let fx = Fixture::new();
    let hook = Receiver::start(Mode::Gone).await;
    let config = write_config(&fx, &[&hook.url]);
    let token = customer(&fx, "c410");
    let server = Server::start(&fx, &config);
    file_request(&server, &token, "access", "k1").await;
    hook.wait_for(WAIT, |c| c.len() == 1).await;
    // Disabled: the next event is not sent to it.
    file_request(&server, &token, "access", "k2").await;
    let db = fx.db();
    let deadline = std::time::Instant::now() + WAIT;
    while db.column::<String>("SELECT status FROM webhook_deliveries ORDER BY id", params![]) != ["disabled", "disabled"] {
        assert!(std::time::Instant::now() < deadline, "{:?}", db.column::<String>("SELECT status FROM webhook_deliveries", params![]));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(hook.calls().len(), 1, "nothing more is sent to a disabled endpoint");
    assert!(server.log().contains("410 Gone"), "the operator is told: {}", server.log());
    let disabled: i64 = db.one("SELECT COUNT(*) FROM webhook_endpoints_disabled", params![]);
    assert_eq!(disabled, 1);

    // The operator replays the second delivery through the admin API: same webhook-id, sent now.
    hook.set_mode(Mode::Ok);
    let second: i64 = db.one("SELECT MAX(id) FROM webhook_deliveries", params![]);
    let message: String = db.one("SELECT e.message_id FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id WHERE d.id = ?1", params![second]);
    let url = format!("{}/api/v1/admin/webhooks/deliveries/{second}/replay", server.base);
    let (status, body) = events_support::admin(reqwest::Method::POST, &url, Some(ADMIN), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "pending");
    let calls = hook.wait_for(WAIT, |c| c.len() == 2).await;
    assert_eq!(calls[1].id, message);
    assert!(calls[1].verified);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_receiver_times_out_after_15_s_without_holding_up_another_endpoint() {
    let fx = Fixture::new();
    let hung = Receiver::start(Mode::Hang).await;
    let fine = Receiver::start(Mode::Ok).await;
    let config = write_config(&fx, &[&hung.url, &fine.url]);
    let token = customer(&fx, "chang");
    let server = Server::start(&fx, &config);
    let start = std::time::Instant::now();
    file_request(&server, &token, "access", "k1").await;
    fine.wait_for(Duration::from_secs(5), |c| c.len() == 1).await;
    assert!(start.elapsed() < Duration::from_secs(5), "the other endpoint is not held up");
    hung.wait_for(Duration::from_secs(5), |c| c.len() == 1).await;
    let db = fx.db();
    let query = "SELECT last_error FROM webhook_deliveries WHERE endpoint_url = ?1";
    let deadline = start + Duration::from_secs(25);
    let error = loop {
        if let Some(e) = db.one::<Option<String>>(query, params![hung.url.as_str()]) {
            break e;
        }
        assert!(std::time::Instant::now() < deadline, "no timeout recorded");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let waited = start.elapsed();
    assert!(waited >= Duration::from_secs(15) && waited < Duration::from_secs(22), "{waited:?}");
    assert_eq!(error, "no answer within 15 s");
    let row = db.row("SELECT status, attempts FROM webhook_deliveries WHERE endpoint_url = ?1", params![hung.url.as_str()]);
    assert_eq!((row.get::<String>(0).unwrap(), row.get::<i64>(1).unwrap()), ("pending".into(), 1), "retried later");
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_e3_an_event_survives_a_sigkill_and_is_delivered_after_the_restart_with_the_same_webhook_id() {
    let fx = Fixture::new();
    let hook = Receiver::start(Mode::FailFirst(1)).await;
    let config = write_config(&fx, &[&hook.url]);
    let token = customer(&fx, "ckill");
    let mut server = Server::start(&fx, &config);
    file_request(&server, &token, "access", "k1").await;
    let first = hook.wait_for(WAIT, |c| c.len() == 1).await[0].clone();
    // Wait until the failed attempt is recorded (retry due in about 5 s), then kill -9.
    let db = fx.db();
    let deadline = std::time::Instant::now() + WAIT;
    while db.one::<Option<i64>>("SELECT last_status FROM webhook_deliveries", params![]) != Some(500) {
        assert!(std::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.kill9();
    assert_eq!(hook.calls().len(), 1, "not delivered before the kill");
    let _restarted = Server::start(&fx, &config);
    let calls = hook.wait_for(WAIT, |c| c.len() == 2).await;
    assert_eq!(calls[1].id, first.id, "the same webhook-id after the restart");
    assert!(calls[1].verified);
    assert_eq!(calls[1].body, first.body, "the same body");
}

/// `POST /api/v1/consents` to the real server, as a marketing page does; answers status and body.
async fn post_consent(server: &Server, key: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    let response = events_support::client()
        .post(format!("{}/api/v1/consents", server.base))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_e3_consent_recorded_goes_only_to_an_endpoint_that_named_it_signed_and_thin() {
    let fx = Fixture::new();
    let consents = Receiver::start(Mode::Ok).await;
    let everything = Receiver::start(Mode::Ok).await;
    let config = write_config_events(&fx, &[(&consents.url, &["consent.recorded"]), (&everything.url, &["*"])], None);
    let token = customer(&fx, "cust-consent");
    let server = Server::start(&fx, &config);

    let body = common::consent_body("c0ffee00c0ffee00c0ffee00");
    let (status, receipt) = post_consent(&server, "consent-1", &body).await;
    assert_eq!(status, 201, "{receipt}");
    let calls = consents.wait_for(WAIT, |c| !c.is_empty()).await;
    let recorded = &calls[0];
    assert!(recorded.verified, "the signature verifies with the endpoint's secret");
    assert_eq!(recorded.body["type"], "consent.recorded");
    // Thin: the record's ids and the kind of decision, never the choices or the page.
    assert_eq!(
        recorded.body["data"],
        json!({"site": "testsite", "subject": null, "consent": {"id": receipt["id"], "consent_id": "c0ffee00c0ffee00c0ffee00", "action": "custom"}})
    );
    // A repeat under the same Idempotency-Key stores nothing, so announces nothing.
    assert_eq!(post_consent(&server, "consent-1", &body).await.0, 200);

    // The "*" endpoint is live (it gets request.created) but never gets consent.recorded.
    file_request(&server, &token, "access", "k1").await;
    everything.wait_for(WAIT, |c| !of_type(c, "request.created").is_empty()).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(of_type(&everything.calls(), "consent.recorded").is_empty(), "{:#?}", everything.calls());
    assert_eq!(everything.calls().len(), 1);
    assert_eq!(consents.calls().len(), 1, "one record, one event, nothing else: {:#?}", consents.calls());

    // A site none of whose webhooks asked for it writes no outbox row for a consent (high volume).
    let mut other = body.clone();
    other["site"] = json!("othersite");
    assert_eq!(post_consent(&server, "consent-2", &other).await.0, 201);
    let db = fx.db();
    let rows: Vec<String> = db.column("SELECT site FROM outbox_events WHERE event_type = 'consent.recorded'", params![]);
    assert_eq!(rows, ["testsite"]);
}
