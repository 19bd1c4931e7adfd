//! "My data" pulled from the company's data provider (issue 14 sections 2 and 4, C-E3) against
//! the real binary with `--no-demo`: the call is signed as Standard Webhooks and verified here;
//! the answer is joined to the policy, values the policy does not describe are shown apart (and
//! logged without their values); nothing is stored (C-E2); a slow, failing, invalid, huge or
//! redirecting provider gives a plain "cannot be fetched right now" and nothing stale. The
//! export, the erasure preview and the access package built when the operator completes a
//! request (admin API or `requests` command) come from the provider's answer of that moment
//! (C-C4, C-C5, C-C6); a provider that cannot be asked then leaves the request open and
//! nothing half-done.

mod common;
mod events_support;

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    body::Bytes, extract::State, http::HeaderMap, response::IntoResponse, response::Response,
    routing::post, Router,
};
use common::Fixture;
use events_support::{admin, customer, file_request, write_config_with, Server, ADMIN, SECRET};
use privacy_widget_server::params;
use serde_json::{json, Value};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Ok,
    Slow,
    Error,
    NotJson,
    Huge,
    Redirect,
}

#[derive(Default)]
struct Calls {
    mode: Option<Mode>,
    bodies: Vec<(bool, Value)>,
    after_redirect: usize,
}

async fn answer(
    State(calls): State<Arc<Mutex<Calls>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let verified = standardwebhooks::Webhook::new(SECRET)
        .unwrap()
        .verify(&body, &headers)
        .is_ok();
    let mode = {
        let mut c = calls.lock().unwrap();
        c.bodies.push((
            verified,
            serde_json::from_slice(&body).unwrap_or(Value::Null),
        ));
        c.mode.unwrap_or(Mode::Ok)
    };
    match mode {
        Mode::Ok => axum::Json(json!({
            "plan": null,
            "events": {},
            "values": [
                {"category": "usage", "field": "logins", "value": "12"},
                {"category": "hobbies", "field": "favourite", "value": "schaken"}
            ]
        }))
        .into_response(),
        Mode::Slow => {
            tokio::time::sleep(Duration::from_secs(8)).await;
            axum::Json(json!({"values": []})).into_response()
        }
        Mode::Error => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        Mode::NotJson => ([("content-type", "application/json")], "{\"values\": [").into_response(),
        Mode::Huge => {
            let filler = "x".repeat(10 * 1024 * 1024);
            (
                [("content-type", "application/json")],
                format!("{{\"values\": [], \"plan\": \"{filler}\"}}"),
            )
                .into_response()
        }
        Mode::Redirect => {
            (axum::http::StatusCode::FOUND, [("location", "/elsewhere")]).into_response()
        }
    }
}

async fn elsewhere(State(calls): State<Arc<Mutex<Calls>>>) -> Response {
    calls.lock().unwrap().after_redirect += 1;
    axum::Json(json!({"values": []})).into_response()
}

async fn provider() -> (String, Arc<Mutex<Calls>>) {
    let calls = Arc::new(Mutex::new(Calls::default()));
    let app = Router::new()
        .route("/data", post(answer))
        .route("/elsewhere", post(elsewhere).get(elsewhere))
        .with_state(Arc::clone(&calls));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/data", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (url, calls)
}

/// A GET of `path` as the customer with session `token`: status and JSON body.
async fn get_as(server: &Server, token: &str, path: &str) -> (u16, Value) {
    let response = events_support::client()
        .get(format!("{}{path}", server.base))
        .header("cookie", format!("pw_session={token}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null),
    )
}

async fn my_data(server: &Server, token: &str) -> (u16, Value) {
    get_as(server, token, "/api/v1/me/data?lang=en").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_e3_my_data_is_pulled_signed_joined_to_the_policy_and_not_stored() {
    let fx = Fixture::new();
    let (url, calls) = provider().await;
    let config = write_config_with(&fx, &[], Some(&url));
    let token = customer(&fx, "olga");
    let server = Server::start(&fx, &config);
    let (status, body) = my_data(&server, &token).await;
    assert_eq!(status, 200, "{body}\n{}", server.log());
    let (verified, call) = calls.lock().unwrap().bodies[0].clone();
    assert!(verified, "the call is signed with the provider's secret");
    assert_eq!(call["type"], "subject.data.requested");
    assert_eq!(call["data"], json!({"site": "testsite", "subject": "olga"}));
    let usage = body["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "usage")
        .expect("the usage category");
    assert!(usage.to_string().contains("\"12\""), "{usage}");
    // Not described by the policy: shown apart, never dropped; logged without the value.
    assert_eq!(
        body["not_described"],
        json!([{"category": "hobbies", "field": "favourite", "value": "schaken"}])
    );
    assert!(!body["categories"].to_string().contains("schaken"));
    let log = server.log();
    assert!(
        log.contains("not described in the privacy statement") && log.contains("hobbies.favourite"),
        "{log}"
    );
    assert!(
        !log.contains("schaken"),
        "the operator's log holds no values"
    );
    // Nothing pulled is stored.
    let stored: i64 = fx
        .db()
        .one("SELECT COUNT(*) FROM customer_values", params![]);
    assert_eq!(stored, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_failing_invalid_huge_or_redirecting_provider_shows_nothing_stale() {
    let fx = Fixture::new();
    let (url, calls) = provider().await;
    let config = write_config_with(&fx, &[], Some(&url));
    let token = customer(&fx, "piet");
    let server = Server::start(&fx, &config);
    let (status, _) = my_data(&server, &token).await;
    assert_eq!(status, 200, "first a good answer");
    for mode in [
        Mode::Error,
        Mode::NotJson,
        Mode::Huge,
        Mode::Redirect,
        Mode::Slow,
    ] {
        calls.lock().unwrap().mode = Some(mode);
        let start = Instant::now();
        let (status, body) = my_data(&server, &token).await;
        assert_eq!(status, 503, "{mode:?}: {body}");
        assert_eq!(body["type"], "/problems/data-unavailable", "{mode:?}");
        assert_eq!(
            body["detail"],
            "the data cannot be fetched right now; try again in a moment"
        );
        assert!(body.get("categories").is_none(), "nothing stale is shown");
        if mode == Mode::Slow {
            let took = start.elapsed();
            assert!(
                took >= Duration::from_secs(5) && took < Duration::from_secs(7),
                "5 s timeout: {took:?}"
            );
        }
    }
    assert_eq!(
        calls.lock().unwrap().after_redirect,
        0,
        "the redirect is not followed"
    );
    let log = server.log();
    for reason in [
        "answered 500",
        "not valid",
        "larger than",
        "redirect (302)",
        "within 5 s",
    ] {
        assert!(
            log.contains(reason),
            "the operator's log names {reason:?}:\n{log}"
        );
    }
    // The provider is back: the data shows again (a retry works).
    calls.lock().unwrap().mode = Some(Mode::Ok);
    assert_eq!(my_data(&server, &token).await.0, 200);
}

/// The calls the provider got for `subject`, each with whether its signature verified.
fn calls_for(calls: &Arc<Mutex<Calls>>, subject: &str) -> Vec<bool> {
    let c = calls.lock().unwrap();
    c.bodies
        .iter()
        .filter(|(_, b)| b["type"] == "subject.data.requested" && b["data"]["subject"] == subject)
        .map(|(v, _)| *v)
        .collect()
}

/// Files an access request as the customer and moves it to in_progress with every system of the
/// site done, so that completing it is the only step left.
async fn ready_to_complete(server: &Server, token: &str, key: &str) -> String {
    let id = file_request(server, token, "access", key).await;
    let base = format!("{}/api/v1/admin/requests/{id}", server.base);
    let (status, body) = admin(
        reqwest::Method::POST,
        &format!("{base}/transitions"),
        Some(ADMIN),
        Some(json!({"to": "in_progress"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for system in ["billing", "mail"] {
        let (status, body) = admin(
            reqwest::Method::PUT,
            &format!("{base}/systems/{system}"),
            Some(ADMIN),
            Some(json!({"status": "done"})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    id
}

fn requests_cli(fx: &Fixture, config: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(common::binary())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .arg("requests")
        .args(args)
        .arg("--db")
        .arg(fx.db_path())
        .arg("--www")
        .arg(&fx.args.www)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn stored_values(fx: &Fixture) -> i64 {
    fx.db()
        .one("SELECT COUNT(*) FROM customer_values", params![])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_c4_an_access_request_of_a_pull_site_is_answered_with_the_providers_values() {
    let fx = Fixture::new();
    let (url, calls) = provider().await;
    let config = write_config_with(&fx, &[], Some(&url));
    let token = customer(&fx, "olga");
    let server = Server::start(&fx, &config);
    let id = ready_to_complete(&server, &token, "pull-1").await;
    assert!(calls_for(&calls, "olga").is_empty(), "nobody asked yet");
    let (status, body) = admin(
        reqwest::Method::POST,
        &format!("{}/api/v1/admin/requests/{id}/transitions", server.base),
        Some(ADMIN),
        Some(json!({"to": "completed"})),
    )
    .await;
    assert_eq!(status, 200, "{body}\n{}", server.log());
    assert_eq!(body["status"], "completed");
    assert_eq!(
        calls_for(&calls, "olga"),
        [true],
        "one signed subject.data.requested for the subject, at completion"
    );
    // The customer's package holds the provider's values, the undescribed one apart (C-C4).
    let (status, package) =
        get_as(&server, &token, &format!("/api/v1/requests/{id}/package")).await;
    assert_eq!(status, 200, "{package}");
    assert_eq!(package["kind"], "access");
    let usage = package["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "usage")
        .expect("the usage category");
    assert_eq!(usage["values"][0]["value"], "12", "{usage}");
    assert_eq!(
        package["not_described"],
        json!([{"category": "hobbies", "field": "favourite", "value": "schaken"}])
    );
    // Only the package the customer asked for keeps what was pulled (C-E2).
    assert_eq!(stored_values(&fx), 0);
    assert!(
        !server.log().contains("schaken"),
        "the operator's log holds no values"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_down_at_completion_leaves_the_request_open_and_nothing_half_done() {
    let fx = Fixture::new();
    let (url, calls) = provider().await;
    let config = write_config_with(&fx, &[], Some(&url));
    let token = customer(&fx, "piet");
    let server = Server::start(&fx, &config);
    let id = ready_to_complete(&server, &token, "pull-2").await;
    let one = format!("{}/api/v1/admin/requests/{id}", server.base);
    let (_, before) = admin(reqwest::Method::GET, &one, Some(ADMIN), None).await;
    calls.lock().unwrap().mode = Some(Mode::Error);
    // The admin API: 503 naming the request, why, and that nothing was done.
    let (status, body) = admin(
        reqwest::Method::POST,
        &format!("{one}/transitions"),
        Some(ADMIN),
        Some(json!({"to": "completed"})),
    )
    .await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["type"], "/problems/data-unavailable");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains(&id)
            && detail.contains("answered 500")
            && detail.contains("stays in_progress"),
        "{detail}"
    );
    // The `requests` command takes the same path: exit 1, the same words.
    let (ok, out, err) = requests_cli(&fx, &config, &["complete", &id]);
    assert!(!ok, "refused: {out}");
    assert!(
        err.contains(&id) && err.contains("answered 500") && err.contains("nothing was done"),
        "{err}"
    );
    assert_eq!(calls_for(&calls, "piet").len(), 2, "asked once per attempt");
    let (_, after) = admin(reqwest::Method::GET, &one, Some(ADMIN), None).await;
    assert_eq!(after, before, "status, timeline and outcome as they were");
    let package: i64 = fx.db().one("SELECT COUNT(*) FROM requests WHERE id = ?1 AND (package IS NOT NULL OR result IS NOT NULL)", params![id.as_str()]);
    assert_eq!(package, 0, "no package built from nothing");
    let completed: i64 = fx.db().one(
        "SELECT COUNT(*) FROM outbox_events WHERE event_type = 'request.completed'",
        params![],
    );
    assert_eq!(
        completed, 0,
        "the company is not told of a completion that did not happen"
    );
    assert_eq!(stored_values(&fx), 0);
    // The provider is back: the `requests` command completes it from the provider's answer.
    calls.lock().unwrap().mode = Some(Mode::Ok);
    let (ok, out, err) = requests_cli(&fx, &config, &["complete", &id]);
    assert!(ok, "{err}");
    assert!(
        out.contains("is now completed")
            && out.contains(
                "data package: 1 values in 1 categories; 1 not described by the privacy statement"
            ),
        "{out}"
    );
    assert_eq!(calls_for(&calls, "piet"), [true, true, true]);
    assert_eq!(stored_values(&fx), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_c5_c_c6_export_and_erasure_preview_of_a_pull_site_come_from_the_provider() {
    let fx = Fixture::new();
    let (url, calls) = provider().await;
    let config = write_config_with(&fx, &[], Some(&url));
    let token = customer(&fx, "anna");
    let server = Server::start(&fx, &config);
    let (status, export) = get_as(&server, &token, "/api/v1/me/export").await;
    assert_eq!(status, 200, "{export}");
    assert_eq!(export["kind"], "export");
    assert!(
        export["categories"].to_string().contains("\"12\""),
        "{export}"
    );
    assert_eq!(
        export["not_described"],
        json!([{"category": "hobbies", "field": "favourite", "value": "schaken"}])
    );
    let (status, plan) = get_as(&server, &token, "/api/v1/me/erasure-plan").await;
    assert_eq!(status, 200, "{plan}");
    let listed: Vec<&str> = plan["erase"]
        .as_array()
        .unwrap()
        .iter()
        .chain(plan["keep"].as_array().unwrap())
        .filter_map(|v| v["value"].as_str())
        .collect();
    assert!(
        listed.contains(&"12") && listed.contains(&"schaken"),
        "every value the provider holds, described or not: {plan}"
    );
    assert_eq!(
        calls_for(&calls, "anna"),
        [true, true],
        "each read asks the provider, signed"
    );
    assert_eq!(stored_values(&fx), 0, "nothing pulled is stored (C-E2)");
    calls.lock().unwrap().mode = Some(Mode::Error);
    for path in ["/api/v1/me/export", "/api/v1/me/erasure-plan"] {
        let (status, body) = get_as(&server, &token, path).await;
        assert_eq!(
            (status, body["type"].as_str()),
            (503, Some("/problems/data-unavailable")),
            "{path}: {body}"
        );
    }
}
