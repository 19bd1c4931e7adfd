//! Visitors who are not logged in (C-C3): a six-digit code, stored hashed, valid 10 minutes,
//! at most 5 attempts, rate-limited per address and per IP; the answer never says whether the
//! address is known. Submissions are idempotent.

mod panel_support;

use panel_support::Env;
use privacy_widget_server::params;
use serde_json::{json, Value};

fn visitor(email: &str, kind: &str) -> Value {
    json!({"site": "pcextreme", "email": email, "kind": kind, "details": {}})
}

async fn file_as_visitor(env: &Env, email: &str, key: &str, ip: &str) -> panel_support::Reply {
    env.post("/api/v1/requests", "", &visitor(email, "access"), &[("idempotency-key", key), ("x-forwarded-for", ip)]).await
}

#[tokio::test]
async fn a_visitor_verifies_with_the_mailed_code_and_the_request_then_counts() {
    // C-C3: proof of control of a known address, short-lived code; no ID document.
    let env = Env::new().await;
    let r = file_as_visitor(&env, "Jan.DeVries@example.com", "v-1", "10.0.0.1").await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(r.json()["status"], "received");
    assert_eq!(r.json()["verification"], "code_sent");
    let code = env.code_for("jan.devries@example.com").await;
    // Stored hashed: the code appears nowhere in the database.
    let row = env.db().row("SELECT salt, code_hash FROM verification_codes WHERE request_id = ?1", params![&id]);
    let (salt, hash): (Vec<u8>, Vec<u8>) = (row.get(0).unwrap(), row.get(1).unwrap());
    assert_eq!((salt.len(), hash.len()), (16, 32));
    let dump: i64 = env.db().one("SELECT COUNT(*) FROM requests WHERE details LIKE ?1", params![&format!("%{code}%")]);
    assert_eq!(dump, 0);

    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": code}), &[]).await;
    assert_eq!(v.status, 200, "{}", v.text());
    assert_eq!(v.json()["status"], "verified");
    let statuses: Vec<String> = v.json()["timeline"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap().to_owned()).collect();
    assert_eq!(statuses, ["received", "verified"]);
    // The request now belongs to the customer and shows in their panel.
    let jan = env.login("pcextreme", "jan-de-vries").await;
    let list = env.get("/api/v1/requests", &jan).await.json();
    assert_eq!(list["requests"][0]["id"], id.as_str());
    // The code is used up.
    let again = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": code}), &[]).await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_a_code_too() {
    // No enumeration: the reply and the mail do not say whether the address is a customer's
    // (the whole flow of an unknown address: panel_visitor_unknown.rs).
    let env = Env::new().await;
    let known = file_as_visitor(&env, "jan.devries@example.com", "k-1", "10.0.0.2").await;
    let unknown = file_as_visitor(&env, "stranger@example.com", "k-2", "10.0.0.2").await;
    assert_eq!(known.status, unknown.status);
    let keys = |v: Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(known.json()), keys(unknown.json()));
    let outbox = env.get("/demo/outbox", "").await.json();
    assert!(outbox.to_string().contains("stranger@example.com"), "mailed like any address");
    let id = unknown.json()["id"].as_str().unwrap().to_owned();
    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": "000000"}), &[]).await;
    assert_eq!(v.json()["type"], "/problems/invalid-code", "like a wrong code for a known address");
}

#[tokio::test]
async fn five_attempts_then_the_code_is_dead() {
    let env = Env::new().await;
    let r = file_as_visitor(&env, "jan.devries@example.com", "a-1", "10.0.0.3").await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let code = env.code_for("jan.devries@example.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for attempt in 1..=5 {
        let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": wrong}), &[]).await;
        assert_eq!(v.status, 422, "attempt {attempt}");
        assert_eq!(v.json()["type"], "/problems/invalid-code");
    }
    // The right code no longer works after 5 wrong ones.
    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": code}), &[]).await;
    assert_eq!(v.status, 422);
    assert!(v.json()["detail"].as_str().unwrap().contains("no attempts left"));
    let attempts: i64 = env.db().one("SELECT attempts FROM verification_codes WHERE request_id = ?1", params![&id]);
    assert_eq!(attempts, 5);
    // Malformed codes are refused before counting.
    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": "12ab56"}), &[]).await;
    assert_eq!(v.json()["errors"][0]["field"], "code");
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let env = Env::new().await;
    let r = file_as_visitor(&env, "jan.devries@example.com", "e-1", "10.0.0.4").await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let code = env.code_for("jan.devries@example.com").await;
    let row = env.db().row("SELECT r.created_at_ms, c.expires_at_ms FROM requests r JOIN verification_codes c ON c.request_id = r.id WHERE r.id = ?1", params![&id]);
    let (created, expires): (i64, i64) = (row.get(0).unwrap(), row.get(1).unwrap());
    assert_eq!(expires - created, 10 * 60 * 1000);
    // Eleven minutes later.
    env.db().execute("UPDATE verification_codes SET expires_at_ms = ?2 WHERE request_id = ?1", params![&id, created - 60_000]).unwrap();
    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": code}), &[]).await;
    assert_eq!(v.status, 422);
    assert!(v.json()["detail"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn codes_are_rate_limited_per_address_and_per_ip() {
    let env = Env::new().await;
    for i in 0..3 {
        let r = file_as_visitor(&env, "jan.devries@example.com", &format!("ra-{i}"), &format!("10.1.0.{i}")).await;
        assert_eq!(r.status, 201);
    }
    let r = file_as_visitor(&env, "jan.devries@example.com", "ra-4", "10.1.0.9").await;
    assert_eq!(r.status, 429, "fourth code for one address within the hour");
    assert_eq!(r.json()["type"], "/problems/too-many-requests");
    for i in 0..10 {
        let r = file_as_visitor(&env, &format!("person{i}@example.com"), &format!("ip-{i}"), "10.2.0.1").await;
        assert_eq!(r.status, 201, "{i}");
    }
    let r = file_as_visitor(&env, "person99@example.com", "ip-99", "10.2.0.1").await;
    assert_eq!(r.status, 429, "eleventh code from one IP within the hour");
    let n: i64 = env.db().one("SELECT COUNT(*) FROM requests", &[]);
    assert_eq!(n, 13, "refused submissions store nothing");
}

#[tokio::test]
async fn wrong_codes_are_rate_limited_per_ip_across_requests() {
    let env = Env::new().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let r = file_as_visitor(&env, &format!("p{i}@example.com"), &format!("w-{i}"), &format!("10.3.0.{i}")).await;
        ids.push(r.json()["id"].as_str().unwrap().to_owned());
    }
    let mut statuses = Vec::new();
    for id in &ids {
        for _ in 0..5 {
            let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": "999999"}), &[("x-forwarded-for", "10.9.9.9")]).await;
            statuses.push(v.status);
        }
    }
    // The first 20 wrong codes are each answered as wrong codes; every attempt past them is refused.
    assert_eq!(statuses.len(), 25);
    assert!(statuses[..20].iter().all(|s| *s != 429), "the first 20 attempts are not rate limited: {statuses:?}");
    assert!(statuses[20..].iter().all(|s| *s == 429), "every attempt past the 20th is refused: {statuses:?}");
}

#[tokio::test]
async fn the_same_idempotency_key_files_one_request() {
    let env = Env::new().await;
    let jan = env.login("pcextreme", "jan-de-vries").await;
    let first = env.file(&jan, "same-key", "access", json!({})).await;
    let second = env.file(&jan, "same-key", "access", json!({})).await;
    assert_eq!((first.status.as_u16(), second.status.as_u16()), (201, 200));
    assert_eq!(first.json()["id"], second.json()["id"]);
    let other = env.file(&jan, "same-key", "erasure", json!({"confirm": true})).await;
    assert_eq!(other.status, 422);
    assert_eq!(other.json()["type"], "/problems/idempotency-conflict");
    let missing = env.post("/api/v1/requests", &jan, &json!({"kind": "access", "details": {}}), &[]).await;
    assert_eq!(missing.status, 400);
    // A visitor retrying gets no second code.
    let v1 = file_as_visitor(&env, "fatima@elamrani-webdesign.example", "vk", "10.4.0.1").await;
    let v2 = file_as_visitor(&env, "fatima@elamrani-webdesign.example", "vk", "10.4.0.1").await;
    assert_eq!(v1.json()["id"], v2.json()["id"]);
    let mails = env.get("/demo/outbox", "").await.json()["messages"].as_array().unwrap().iter().filter(|m| m["to"] == "fatima@elamrani-webdesign.example").count();
    assert_eq!(mails, 1);
    let n: i64 = env.db().one("SELECT COUNT(*) FROM requests", &[]);
    assert_eq!(n, 2);
}
