//! The loop that sends queued "your answer is ready" mails starts when the application is
//! built: a mail the operator command (a separate process) queues goes out without any
//! visitor or panel request reaching the server first (C-C3).

mod panel_support;

use std::time::{Duration, Instant};

use panel_support::Env;
use privacy_widget_server::{params, serve};
use serde_json::json;

const JAN: &str = "jan.devries@example.com";

#[tokio::test]
async fn a_mail_queued_by_the_operator_goes_out_without_a_request_first() {
    let env = Env::new().await;
    let body = json!({"site": "pcextreme", "email": JAN, "kind": "access", "details": {}});
    let r = env.post("/api/v1/requests", "", &body, &[("idempotency-key", "ml-1"), ("x-forwarded-for", "10.9.0.1")]).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let code = env.code_for(JAN).await;
    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": code}), &[]).await;
    assert_eq!(v.status, 200, "{}", v.text());

    // A restarted server: a fresh application on the same database that no request has reached.
    let Env { dir, db, www, app, state } = env;
    let settings = (*state.settings).clone();
    drop((app, state));
    let state = serve::prepare(settings).await.expect("prepare");
    let fresh = privacy_widget_server::app(state.clone());
    let env = Env { dir, db, www, app: fresh, state };

    assert!(env.ops(&["start", &id]).0);
    let (ok, _, err) = env.ops(&["complete", &id]);
    assert!(ok, "{err}");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let sent: Option<i64> = env.db().one("SELECT sent_at_ms FROM visitor_mails WHERE request_id = ?1", params![&id]);
        if sent.is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "the queued answer mail was not sent without a request");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Sent by the fresh application's mailer (its demo outbox holds it).
    let outbox = env.get("/demo/outbox", "").await.json();
    let answers: Vec<_> = outbox["messages"].as_array().unwrap().iter().filter(|m| m["to"] == JAN).collect();
    assert_eq!(answers.len(), 1, "{outbox}");
    assert!(answers[0]["body"].as_str().unwrap().contains(&id));
}
