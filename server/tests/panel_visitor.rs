//! A visitor who is not logged in follows the request they verified (C-C3, C-C2): the verify
//! reply carries a random status token, stored only as a hash, that reads that one request's
//! kind, status, dates and timeline, and nothing of any other request.

mod panel_support;

use panel_support::Env;
use privacy_widget_server::params;
use serde_json::{json, Value};

async fn file(env: &Env, email: &str, kind: &str, details: Value, key: &str, ip: &str) -> String {
    let body = json!({"site": "pcextreme", "email": email, "kind": kind, "details": details});
    let r = env.post("/api/v1/requests", "", &body, &[("idempotency-key", key), ("x-forwarded-for", ip)]).await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_owned()
}

/// Files and verifies a visitor's request; returns (id, status token).
async fn verified(env: &Env, email: &str, kind: &str, details: Value, key: &str) -> (String, String) {
    let id = file(env, email, kind, details, key, "10.7.0.1").await;
    let code = env.code_for(email).await;
    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": code}), &[]).await;
    assert_eq!(v.status, 200, "{}", v.text());
    assert_eq!(v.header("cache-control"), "no-store");
    let token = v.json()["status_token"].as_str().expect("a status token").to_owned();
    (id, token)
}

#[tokio::test]
async fn the_status_token_reads_the_verified_request_and_its_timeline() {
    // C-C3: counted once verified; C-C2: the due date is part of the status.
    let env = Env::new().await;
    let (id, token) = verified(&env, "jan.devries@example.com", "access", json!({}), "vs-1").await;
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    let s = env.get(&format!("/api/v1/visitor-requests/{token}"), "").await;
    assert_eq!(s.status, 200, "{}", s.text());
    assert_eq!(s.header("cache-control"), "no-store");
    let v = s.json();
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["kind"], "access");
    assert_eq!(v["status"], "verified");
    assert!(v["received_on"].as_str().is_some_and(|d| d.len() == 10));
    assert!(v["due_on"].as_str().is_some_and(|d| d.len() == 10));
    assert!(v["due_on"].as_str() >= v["received_on"].as_str());
    let steps: Vec<&str> = v["timeline"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap()).collect();
    assert_eq!(steps, ["received", "verified"]);
    // Only the status (and what the visitor can do with it): no details, answer or e-mail address.
    assert_eq!((v["can_cancel"].as_bool(), v["package_available"].as_bool()), (Some(true), Some(false)));
    for hidden in ["details", "result", "package", "email"] {
        assert!(v.get(hidden).is_none(), "{hidden} must not be shown to a token holder");
    }
    // Only the hash is stored.
    let stored: Vec<Vec<u8>> = env.db().column("SELECT token_hash FROM visitor_status_tokens WHERE request_id = ?1", params![&id]);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].len(), 32);
    assert!(!stored[0].windows(token.len()).any(|w| w == token.as_bytes()), "never the token itself");
}

#[tokio::test]
async fn the_status_follows_the_operator_to_completion() {
    let env = Env::new().await;
    let (id, token) = verified(&env, "jan.devries@example.com", "access", json!({}), "vs-2").await;
    assert!(env.ops(&["start", &id]).0);
    let (ok, _, err) = env.ops(&["complete", &id]);
    assert!(ok, "{err}");
    let v = env.get(&format!("/api/v1/visitor-requests/{token}"), "").await.json();
    assert_eq!(v["status"], "completed");
    let steps: Vec<&str> = v["timeline"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap()).collect();
    assert_eq!(steps, ["received", "verified", "in_progress", "completed"]);
    assert!(v.get("result").is_none() && v.get("package").is_none(), "the answer itself is a separate download");
    assert_eq!(v["package_available"], true);
}

#[tokio::test]
async fn a_refusal_shows_the_reason_and_the_authority() {
    let env = Env::new().await;
    let (id, token) = verified(&env, "jan.devries@example.com", "erasure", json!({"confirm": true}), "vs-3").await;
    let (ok, _, err) = env.ops(&["refuse", &id, "--reason", "kennelijk ongegrond"]);
    assert!(ok, "{err}");
    let v = env.get(&format!("/api/v1/visitor-requests/{token}"), "").await.json();
    assert_eq!(v["status"], "refused");
    assert_eq!(v["timeline"].as_array().unwrap().last().unwrap()["reason"], "kennelijk ongegrond");
    assert!(v["complaint"]["authority"].as_str().is_some_and(|a| !a.is_empty()));
}

#[tokio::test]
async fn a_token_reads_nothing_of_another_request() {
    let env = Env::new().await;
    let (jan_id, jan_token) = verified(&env, "jan.devries@example.com", "access", json!({}), "vs-4").await;
    let (fatima_id, fatima_token) = verified(&env, "fatima@elamrani-webdesign.example", "access", json!({}), "vs-5").await;
    assert_ne!(jan_token, fatima_token);
    let jan = env.get(&format!("/api/v1/visitor-requests/{jan_token}"), "").await.json();
    let fatima = env.get(&format!("/api/v1/visitor-requests/{fatima_token}"), "").await.json();
    assert_eq!((jan["id"].as_str(), fatima["id"].as_str()), (Some(jan_id.as_str()), Some(fatima_id.as_str())));
    // Unknown, altered, malformed tokens and request ids are all the same 404.
    let mut altered = jan_token.clone().into_bytes();
    altered[0] = if altered[0] == b'0' { b'1' } else { b'0' };
    let altered = String::from_utf8(altered).unwrap();
    for bad in [altered.as_str(), &"0".repeat(64), "short", jan_id.as_str(), &format!("{jan_token}0")] {
        let r = env.get(&format!("/api/v1/visitor-requests/{bad}"), "").await;
        assert_eq!(r.status, 404, "{bad}");
        assert!(!r.text().contains(&jan_id) && !r.text().contains(&fatima_id));
    }
    // A status token is no session: it opens nothing of the panel.
    let me = env.call("GET", "/api/v1/requests", &format!("pw_session={jan_token}"), None, &[]).await;
    assert_eq!(me.status, 401);
}

#[tokio::test]
async fn no_token_before_verification_or_for_wrong_codes() {
    let env = Env::new().await;
    let id = file(&env, "jan.devries@example.com", "access", json!({}), "vs-6", "10.7.0.2").await;
    let code = env.code_for("jan.devries@example.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": wrong}), &[]).await;
    assert_eq!(v.status, 422);
    assert_eq!(v.header("content-type"), "application/problem+json");
    let p = v.json();
    assert_eq!(p["type"], "/problems/invalid-code");
    assert_eq!(p["code_state"], "wrong");
    assert_eq!(p["attempts_left"], 4, "5 attempts per code (C-C3)");
    assert!(p.get("status_token").is_none());
    let n: i64 = env.db().one("SELECT COUNT(*) FROM visitor_status_tokens", params![]);
    assert_eq!(n, 0);
}

#[tokio::test]
async fn an_expired_code_says_so_for_the_form() {
    let env = Env::new().await;
    let id = file(&env, "jan.devries@example.com", "access", json!({}), "vs-7", "10.7.0.3").await;
    let code = env.code_for("jan.devries@example.com").await;
    env.db().execute("UPDATE verification_codes SET expires_at_ms = 0 WHERE request_id = ?1", params![&id]).unwrap();
    let p = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": code}), &[]).await.json();
    assert_eq!(p["code_state"], "expired");
    assert_eq!(p["attempts_left"], 0);
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_wrong_code_answer() {
    // No account enumeration: the same problem members as a known address.
    let env = Env::new().await;
    let id = file(&env, "nobody@example.com", "access", json!({}), "vs-8", "10.7.0.4").await;
    let p = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": "123456"}), &[]).await.json();
    assert_eq!(p["code_state"], "wrong");
    assert_eq!(p["attempts_left"], 4);
    let outbox = env.get("/demo/outbox", "").await.json();
    assert!(outbox.to_string().contains("nobody@example.com"), "the code is mailed to any address");
}
