//! "My data" pulled from the company's data provider (issue 14 section 2, C-E3) against the
//! real binary with `--no-demo`: the call is signed as Standard Webhooks and verified here; the
//! answer is joined to the policy, values the policy does not describe are shown apart (and
//! logged without their values); nothing is stored; a slow, failing, invalid, huge or
//! redirecting provider gives a plain "cannot be fetched right now" and nothing stale.

mod common;
mod events_support;

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{body::Bytes, extract::State, http::HeaderMap, response::IntoResponse, response::Response, routing::post, Router};
use common::Fixture;
use events_support::{customer, write_config_with, Server, SECRET};
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

async fn answer(State(calls): State<Arc<Mutex<Calls>>>, headers: HeaderMap, body: Bytes) -> Response {
    let verified = standardwebhooks::Webhook::new(SECRET).unwrap().verify(&body, &headers).is_ok();
    let mode = {
        let mut c = calls.lock().unwrap();
        c.bodies.push((verified, serde_json::from_slice(&body).unwrap_or(Value::Null)));
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
            ([("content-type", "application/json")], format!("{{\"values\": [], \"plan\": \"{filler}\"}}")).into_response()
        }
        Mode::Redirect => (axum::http::StatusCode::FOUND, [("location", "/elsewhere")]).into_response(),
    }
}

async fn elsewhere(State(calls): State<Arc<Mutex<Calls>>>) -> Response {
    calls.lock().unwrap().after_redirect += 1;
    axum::Json(json!({"values": []})).into_response()
}

async fn provider() -> (String, Arc<Mutex<Calls>>) {
    let calls = Arc::new(Mutex::new(Calls::default()));
    let app = Router::new().route("/data", post(answer)).route("/elsewhere", post(elsewhere).get(elsewhere)).with_state(Arc::clone(&calls));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/data", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (url, calls)
}

async fn my_data(server: &Server, token: &str) -> (u16, Value) {
    let response = events_support::client()
        .get(format!("{}/api/v1/me/data?lang=en", server.base))
        .header("cookie", format!("pw_session={token}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null))
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
    let usage = body["categories"].as_array().unwrap().iter().find(|c| c["id"] == "usage").expect("the usage category");
    assert!(usage.to_string().contains("\"12\""), "{usage}");
    // Not described by the policy: shown apart, never dropped; logged without the value.
    assert_eq!(body["not_described"], json!([{"category": "hobbies", "field": "favourite", "value": "schaken"}]));
    assert!(!body["categories"].to_string().contains("schaken"));
    let log = server.log();
    assert!(log.contains("not described in the privacy statement") && log.contains("hobbies.favourite"), "{log}");
    assert!(!log.contains("schaken"), "the operator's log holds no values");
    // Nothing pulled is stored.
    let stored: i64 = fx.db().one("SELECT COUNT(*) FROM customer_values", params![]);
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
    for mode in [Mode::Error, Mode::NotJson, Mode::Huge, Mode::Redirect, Mode::Slow] {
        calls.lock().unwrap().mode = Some(mode);
        let start = Instant::now();
        let (status, body) = my_data(&server, &token).await;
        assert_eq!(status, 503, "{mode:?}: {body}");
        assert_eq!(body["type"], "/problems/data-unavailable", "{mode:?}");
        assert_eq!(body["detail"], "the data cannot be fetched right now; try again in a moment");
        assert!(body.get("categories").is_none(), "nothing stale is shown");
        if mode == Mode::Slow {
            let took = start.elapsed();
            assert!(took >= Duration::from_secs(5) && took < Duration::from_secs(7), "5 s timeout: {took:?}");
        }
    }
    assert_eq!(calls.lock().unwrap().after_redirect, 0, "the redirect is not followed");
    let log = server.log();
    for reason in ["answered 500", "not valid", "larger than", "redirect (302)", "within 5 s"] {
        assert!(log.contains(reason), "the operator's log names {reason:?}:\n{log}");
    }
    // The provider is back: the data shows again (a retry works).
    calls.lock().unwrap().mode = Some(Mode::Ok);
    assert_eq!(my_data(&server, &token).await.0, 200);
}
