//! A visitor whose address is linked to no customer (C-C3, C-C4, C-C2): the code is mailed as to
//! any address, so neither the reply nor the mail tells a third party whether the address is a
//! customer's; once the person proves the address, the request is answered at once: an access
//! or export request with a package saying that no personal data is held (the rest of the
//! Art. 15 information included), an erasure and the other kinds completed with nothing to
//! change. The operator's list and `show` say so.

mod panel_support;

use panel_support::{Env, Reply};
use privacy_widget_server::params;
use serde_json::{json, Value};

const KNOWN: &str = "jan.devries@example.com";
const UNKNOWN: &str = "nobody-here@example.org";
const PAGE: &str = "http://panel.test/sites/pcextreme/privacy/";

async fn file(env: &Env, email: &str, kind: &str, details: Value, key: &str, ip: &str) -> Reply {
    let body = json!({"site": "pcextreme", "email": email, "kind": kind, "details": details});
    env.post("/api/v1/requests", "", &body, &[("idempotency-key", key), ("x-forwarded-for", ip)]).await
}

/// The demo outbox's messages to `to`, newest first.
async fn mails_to(env: &Env, to: &str) -> Vec<Value> {
    let all = env.get("/demo/outbox", "").await.json()["messages"].as_array().unwrap().clone();
    all.into_iter().filter(|m| m["to"] == to).collect()
}

/// Files and verifies; returns (id, the verify reply).
async fn verified(env: &Env, email: &str, kind: &str, details: Value, key: &str) -> (String, Value) {
    let r = file(env, email, kind, details, key, "10.9.0.1").await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let code = env.code_for(email).await;
    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": code, "page": PAGE}), &[]).await;
    assert_eq!(v.status, 200, "{}", v.text());
    (id, v.json())
}

fn steps(v: &Value) -> Vec<(String, String)> {
    v["timeline"].as_array().unwrap().iter().map(|e| (e["status"].as_str().unwrap().to_owned(), e["by"].as_str().unwrap().to_owned())).collect()
}

/// Replaces what differs per request (id, code, address) so that two replies or mails compare.
fn shape(text: &str, id: &str, email: &str) -> String {
    let text = text.replace(id, "ID").replace(email, "ADDRESS");
    let mut out = String::new();
    for c in text.chars() {
        out.push(if c.is_ascii_digit() { '9' } else { c });
    }
    out
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_reply_and_the_same_mail() {
    // No enumeration: status, body shape and the code mail are the same (C-C3).
    let env = Env::new().await;
    let known = file(&env, KNOWN, "access", json!({}), "u-1", "10.9.1.1").await;
    let unknown = file(&env, UNKNOWN, "access", json!({}), "u-2", "10.9.1.2").await;
    assert_eq!((known.status, unknown.status), (unknown.status, known.status));
    assert_eq!(known.status, 201);
    assert_eq!(known.header("content-type"), unknown.header("content-type"));
    assert_eq!(known.header("location").replace(known.json()["id"].as_str().unwrap(), "ID"), unknown.header("location").replace(unknown.json()["id"].as_str().unwrap(), "ID"));
    let (kid, uid) = (known.json()["id"].as_str().unwrap().to_owned(), unknown.json()["id"].as_str().unwrap().to_owned());
    assert_eq!(shape(&known.text(), &kid, KNOWN), shape(&unknown.text(), &uid, UNKNOWN), "the same body but for the id and times");
    // Both are mailed a code, in the same words.
    let (km, um) = (mails_to(&env, KNOWN).await, mails_to(&env, UNKNOWN).await);
    assert_eq!((km.len(), um.len()), (1, 1), "one code mail each");
    assert_eq!(km[0]["subject"], um[0]["subject"]);
    assert_eq!(shape(km[0]["body"].as_str().unwrap(), &kid, KNOWN), shape(um[0]["body"].as_str().unwrap(), &uid, UNKNOWN));
    // A wrong code reads the same for both.
    let kcode = env.code_for(KNOWN).await;
    let ucode = env.code_for(UNKNOWN).await;
    let wrong = ["000000", "111111"].into_iter().find(|w| *w != kcode && *w != ucode).unwrap();
    let kw = env.post(&format!("/api/v1/requests/{kid}/verify"), "", &json!({"code": wrong}), &[]).await;
    let uw = env.post(&format!("/api/v1/requests/{uid}/verify"), "", &json!({"code": wrong}), &[]).await;
    assert_eq!(kw.status, 422);
    assert_eq!((kw.status, shape(&kw.text(), &kid, KNOWN)), (uw.status, shape(&uw.text(), &uid, UNKNOWN)));
    // Both stored unverified with a code; the rate limit counts both alike.
    let codes: i64 = env.db().one("SELECT COUNT(*) FROM verification_codes WHERE request_id IN (?1, ?2)", params![&kid, &uid]);
    assert_eq!(codes, 2);
    for i in 3..5 {
        assert_eq!(file(&env, UNKNOWN, "access", json!({}), &format!("u-{i}"), "10.9.1.3").await.status, 201);
    }
    let limited = file(&env, UNKNOWN, "access", json!({}), "u-9", "10.9.1.4").await;
    assert_eq!(limited.status, 429, "3 codes an hour per address, known or not");
}

#[tokio::test]
async fn an_unknown_address_access_request_is_answered_at_once_no_data_held() {
    // C-C4 (Art. 15(1): confirmation whether or not data are processed), C-C2 (answered without
    // delay), C-C3 (only after the address is proven).
    let env = Env::new().await;
    env.login("pcextreme", "jan-de-vries").await; // the seed is loaded
    let customers_before: i64 = env.db().one("SELECT COUNT(*) FROM customers", params![]);
    let (id, v) = verified(&env, UNKNOWN, "access", json!({}), "ua-1").await;
    assert_eq!(v["status"], "completed");
    assert_eq!(v["no_personal_data"], true);
    assert_eq!(v["package_available"], true);
    assert_eq!(steps(&v), [("received", "subject"), ("verified", "subject"), ("in_progress", "system"), ("completed", "system")].map(|(a, b)| (a.to_owned(), b.to_owned())));
    let token = v["status_token"].as_str().unwrap().to_owned();
    let status = env.get(&format!("/api/v1/visitor-requests/{token}"), "").await.json();
    assert_eq!((status["status"].as_str(), status["no_personal_data"].as_bool(), status["package_available"].as_bool()), (Some("completed"), Some(true), Some(true)));
    let r = env.get(&format!("/api/v1/visitor-requests/{token}/package"), "").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let package = r.json();
    assert_eq!(package["no_personal_data"], true);
    assert_eq!(package["kind"], "access");
    assert_eq!(package["categories"], json!([]), "no data");
    assert!(package["note"].as_str().is_some_and(|n| n.contains("geen persoonsgegevens")), "in the site's language: {}", package["note"]);
    // Everything else an access answer holds (C-C4): controller, recipients, rights, authority.
    assert!(package["controller"]["name"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(package["recipients"].as_array().is_some_and(|r| !r.is_empty()));
    assert!(package["rights"].as_array().is_some_and(|r| r.iter().any(|k| k == "erasure")));
    assert!(package["complaint"]["authority"].as_str().is_some_and(|a| !a.is_empty()));
    let text = package.to_string();
    assert!(!text.contains(KNOWN) && !text.contains(UNKNOWN), "no customer's data, not even the address");
    // Nothing was created for the address.
    let customers_after: i64 = env.db().one("SELECT COUNT(*) FROM customers", params![]);
    assert_eq!(customers_before, customers_after);
    // The person is told by mail, as for any answer, with a link that opens it anywhere.
    let answer = mails_to(&env, UNKNOWN).await.into_iter().find(|m| m["body"].as_str().unwrap().contains("beantwoord")).expect("an answer mail");
    assert!(answer["body"].as_str().unwrap().contains(&format!("{PAGE}#pw-status=")), "{}", answer["body"]);
    let queued: i64 = env.db().one("SELECT COUNT(*) FROM visitor_mails WHERE request_id = ?1 AND sent_at_ms IS NOT NULL", params![&id]);
    assert_eq!(queued, 1);
}

#[tokio::test]
async fn erasure_and_rectification_of_an_unknown_address_complete_with_nothing_to_change() {
    let env = Env::new().await;
    env.login("pcextreme", "jan-de-vries").await; // the seed is loaded
    let values_before: i64 = env.db().one("SELECT COUNT(*) FROM customer_values", params![]);
    let (_, erasure) = verified(&env, UNKNOWN, "erasure", json!({"confirm": true}), "ue-1").await;
    assert_eq!((erasure["status"].as_str(), erasure["no_personal_data"].as_bool()), (Some("completed"), Some(true)));
    assert_eq!(erasure["result"]["no_personal_data"], true);
    assert_eq!(erasure["package_available"], false, "an erasure has no package");
    let token = erasure["status_token"].as_str().unwrap();
    assert_eq!(env.get(&format!("/api/v1/visitor-requests/{token}/package"), "").await.status, 404);
    let status = env.get(&format!("/api/v1/visitor-requests/{token}"), "").await.json();
    assert_eq!((status["status"].as_str(), status["no_personal_data"].as_bool()), (Some("completed"), Some(true)));
    let rect = json!({"category": "account", "field": "phone", "value": "+31 6 0000 0000"});
    let (_, rectified) = verified(&env, "someone-else@example.net", "rectification", rect, "ur-1").await;
    assert_eq!((rectified["status"].as_str(), rectified["no_personal_data"].as_bool()), (Some("completed"), Some(true)));
    let values_after: i64 = env.db().one("SELECT COUNT(*) FROM customer_values", params![]);
    assert_eq!(values_before, values_after, "nobody's data changed");
    // A known address's request waits for the operator as before.
    let (_, known) = verified(&env, KNOWN, "erasure", json!({"confirm": true}), "ue-2").await;
    assert_eq!((known["status"].as_str(), known["no_personal_data"].as_bool()), (Some("verified"), Some(false)));
}

#[tokio::test]
async fn the_operator_sees_who_was_answered_with_no_data() {
    let env = Env::new().await;
    let (answered, _) = verified(&env, UNKNOWN, "access", json!({}), "uo-1").await;
    let waiting = file(&env, "not-yet@example.org", "access", json!({}), "uo-2", "10.9.2.1").await.json()["id"].as_str().unwrap().to_owned();
    let (ok, out, err) = env.ops(&["list"]);
    assert!(ok, "{err}");
    let line = |id: &str| out.lines().find(|l| l.starts_with(id)).unwrap_or_else(|| panic!("{id} in {out}")).to_owned();
    assert!(line(&answered).contains("completed") && line(&answered).contains(&format!("{UNKNOWN} (no personal data held)")), "{out}");
    assert!(line(&waiting).contains("received") && line(&waiting).contains("not-yet@example.org (unverified)"), "{out}");
    let (ok, shown, err) = env.ops(&["show", &answered]);
    assert!(ok, "{err}");
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!((shown["no_personal_data"].as_bool(), shown["email"].as_str()), (Some(true), Some(UNKNOWN)));
    assert_eq!(shown["result"]["no_personal_data"], true);
    // Completing it again is refused: it is answered.
    let (ok, _, err) = env.ops(&["complete", &answered]);
    assert!(!ok && !err.is_empty());
}
