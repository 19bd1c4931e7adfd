//! A visitor (not logged in) gets the answer with the status token only (C-C3, C-C4, C-C5):
//! the package of a completed access/export request, the same one the customer gets, for that
//! token's request and no other; cancelling while pending by the customer's rule (idempotent);
//! a new code supersedes the address's earlier unverified request; a mail without data tells
//! the verified address that the answer is ready.

mod panel_support;

use panel_support::Env;
use privacy_widget_server::{config::SiteSettings, params, serve};
use serde_json::{json, Value};

const JAN: &str = "jan.devries@example.com";
const FATIMA: &str = "fatima@elamrani-webdesign.example";
const OLGA: &str = "olga@monitoring.example";
const PAGE: &str = "http://panel.test/sites/pcextreme/privacy/";

async fn file(env: &Env, email: &str, kind: &str, details: Value, key: &str, ip: &str) -> panel_support::Reply {
    // Host-Tracker offers export; the other addresses are PCextreme customers.
    let site = if email == OLGA { "host-tracker" } else { "pcextreme" };
    let body = json!({"site": site, "email": email, "kind": kind, "details": details});
    env.post("/api/v1/requests", "", &body, &[("idempotency-key", key), ("x-forwarded-for", ip)]).await
}

/// Files and verifies a visitor's request from the privacy page; returns (id, status token).
async fn verified(env: &Env, email: &str, kind: &str, details: Value, key: &str) -> (String, String) {
    let r = file(env, email, kind, details, key, "10.8.0.1").await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let code = env.code_for(email).await;
    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": code, "page": format!("{PAGE}?x=1#top")}), &[]).await;
    assert_eq!(v.status, 200, "{}", v.text());
    (id, v.json()["status_token"].as_str().unwrap().to_owned())
}

fn complete(env: &Env, id: &str) {
    assert!(env.ops(&["start", id]).0);
    let (ok, _, err) = env.ops(&["complete", id]);
    assert!(ok, "{err}");
}

async fn status(env: &Env, token: &str) -> Value {
    let r = env.get(&format!("/api/v1/visitor-requests/{token}"), "").await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

async fn cancel(env: &Env, token: &str) -> panel_support::Reply {
    env.post(&format!("/api/v1/visitor-requests/{token}/cancel"), "", &json!({}), &[]).await
}

#[tokio::test]
async fn the_token_downloads_the_completed_access_package_the_customer_would_get() {
    // C-C4: the answer of an access request; C-C3: the verified address's own data only.
    let env = Env::new().await;
    let (id, token) = verified(&env, JAN, "access", json!({}), "va-1").await;
    let before = status(&env, &token).await;
    assert_eq!((before["package_available"].as_bool(), before["can_cancel"].as_bool()), (Some(false), Some(true)));
    let early = env.get(&format!("/api/v1/visitor-requests/{token}/package"), "").await;
    assert_eq!(early.status, 409, "not before completion");
    assert_eq!(early.json()["type"], "/problems/invalid-transition");

    complete(&env, &id);
    let after = status(&env, &token).await;
    assert_eq!(after["status"], "completed");
    assert_eq!((after["package_available"].as_bool(), after["can_cancel"].as_bool()), (Some(true), Some(false)));
    let r = env.get(&format!("/api/v1/visitor-requests/{token}/package"), "").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("content-disposition").starts_with("attachment"), "{}", r.header("content-disposition"));
    assert_eq!(r.header("cache-control"), "no-store");
    let package = r.json();
    // The very package the logged-in customer downloads.
    let jan = env.login("pcextreme", "jan-de-vries").await;
    let theirs = env.get(&format!("/api/v1/requests/{id}/package"), &jan).await;
    assert_eq!(theirs.status, 200);
    assert_eq!(package, theirs.json());
    let text = package.to_string();
    assert!(text.contains(JAN));
    assert!(!text.contains(FATIMA) && !text.contains("Keizersgracht"), "nothing of another subject");
}

#[tokio::test]
async fn export_too_but_other_kinds_have_no_package() {
    // C-C5: the export is a JSON download.
    let env = Env::new().await;
    let (export_id, export_token) = verified(&env, OLGA, "export", json!({}), "ve-1").await;
    complete(&env, &export_id);
    let r = env.get(&format!("/api/v1/visitor-requests/{export_token}/package"), "").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["kind"], "export", "{}", r.text());
    assert!(r.text().contains(OLGA) && !r.text().contains(JAN));
    let (rect_id, rect_token) =
        verified(&env, JAN, "rectification", json!({"category": "account", "field": "phone", "value": "+31 6 0000 0000"}), "ve-2").await;
    complete(&env, &rect_id);
    assert_eq!(status(&env, &rect_token).await["package_available"], false);
    let r = env.get(&format!("/api/v1/visitor-requests/{rect_token}/package"), "").await;
    assert_eq!(r.status, 404, "only access and export have a package");
}

#[tokio::test]
async fn a_token_never_reaches_another_request() {
    let env = Env::new().await;
    let (jan_id, jan_token) = verified(&env, JAN, "access", json!({}), "vt-1").await;
    let (fatima_id, fatima_token) = verified(&env, FATIMA, "access", json!({}), "vt-2").await;
    complete(&env, &jan_id);
    complete(&env, &fatima_id);
    let fatima = env.get(&format!("/api/v1/visitor-requests/{fatima_token}/package"), "").await.text();
    assert!(fatima.contains(FATIMA) && !fatima.contains(JAN));
    let mut altered = jan_token.clone().into_bytes();
    altered[63] = if altered[63] == b'0' { b'1' } else { b'0' };
    let altered = String::from_utf8(altered).unwrap();
    let upper = jan_token.to_uppercase();
    for bad in [altered.as_str(), &"0".repeat(64), "short", jan_id.as_str(), &format!("{jan_token}0"), "%2e%2e"] {
        for path in [format!("/api/v1/visitor-requests/{bad}/package"), format!("/api/v1/visitor-requests/{bad}/cancel")] {
            let r = if path.ends_with("cancel") { env.post(&path, "", &json!({}), &[]).await } else { env.get(&path, "").await };
            assert_eq!(r.status, 404, "{path}");
            assert!(!r.text().contains(JAN) && !r.text().contains(&jan_id), "{path}");
        }
    }
    // Hex case does not matter (the token is hashed in lower case).
    assert_eq!(env.get(&format!("/api/v1/visitor-requests/{upper}/package"), "").await.status, 200);
    // A session cookie opens no visitor's request.
    let fatima_session = env.login("pcextreme", "fatima-el-amrani").await;
    let r = env.get(&format!("/api/v1/visitor-requests/{}/package", fatima_session.trim_start_matches("pw_session=")), &fatima_session).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn cancel_follows_the_customer_rules_and_is_idempotent() {
    let env = Env::new().await;
    let (id, token) = verified(&env, JAN, "erasure", json!({"confirm": true}), "vc-1").await;
    // Cross-site and non-JSON requests are refused (CSRF), unknown members are named.
    let evil = env.post(&format!("/api/v1/visitor-requests/{token}/cancel"), "", &json!({}), &[("origin", "https://evil.example")]).await;
    assert_eq!(evil.status, 403);
    let form = env.post(&format!("/api/v1/visitor-requests/{token}/cancel"), "", &json!({}), &[("content-type", "text/plain")]).await;
    assert_eq!(form.status, 403);
    let extra = env.post(&format!("/api/v1/visitor-requests/{token}/cancel"), "", &json!({"id": "r_x"}), &[]).await;
    assert_eq!(extra.status, 422);
    assert_eq!(status(&env, &token).await["status"], "verified");

    let first = cancel(&env, &token).await;
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(first.json()["status"], "cancelled");
    assert_eq!(first.json()["can_cancel"], false);
    let again = cancel(&env, &token).await;
    assert_eq!(again.status, 200, "cancelling twice answers the same");
    assert_eq!(again.json()["status"], "cancelled");
    let steps: Vec<String> = env.db().column("SELECT status FROM request_events WHERE request_id = ?1 ORDER BY id", params![&id]);
    assert_eq!(steps, ["received", "verified", "cancelled"], "one cancel step");
    let actor: String = env.db().one("SELECT actor FROM request_events WHERE request_id = ?1 AND status = 'cancelled'", params![&id]);
    assert_eq!(actor, "subject");
    assert!(!env.ops(&["start", &id]).0, "the operator cannot start a cancelled request");
}

#[tokio::test]
async fn no_cancel_once_the_company_works_on_it() {
    let env = Env::new().await;
    let (started, started_token) = verified(&env, JAN, "access", json!({}), "vn-1").await;
    assert!(env.ops(&["start", &started]).0);
    let r = cancel(&env, &started_token).await;
    assert_eq!(r.status, 409, "in progress: not pending any more");
    assert_eq!(r.json()["type"], "/problems/invalid-transition");
    assert!(env.ops(&["complete", &started]).0);
    assert_eq!(cancel(&env, &started_token).await.status, 409, "completed");
    let (refused, refused_token) = verified(&env, FATIMA, "access", json!({}), "vn-2").await;
    assert!(env.ops(&["refuse", &refused, "--reason", "kennelijk ongegrond"]).0);
    assert_eq!(cancel(&env, &refused_token).await.status, 409, "refused");
    assert_eq!(status(&env, &refused_token).await["status"], "refused");
    // Another visitor's token cancels only its own request.
    let (mine, mine_token) = verified(&env, JAN, "access", json!({}), "vn-3").await;
    assert_eq!(cancel(&env, &mine_token).await.status, 200);
    let other: String = env.db().one("SELECT status FROM requests WHERE id = ?1", params![&refused]);
    assert_eq!(other, "refused");
    let mine_status: String = env.db().one("SELECT status FROM requests WHERE id = ?1", params![&mine]);
    assert_eq!(mine_status, "cancelled");
}

#[tokio::test]
async fn a_new_code_supersedes_the_earlier_unverified_request() {
    let env = Env::new().await;
    let first = file(&env, JAN, "access", json!({}), "vs-1", "10.8.1.1").await.json()["id"].as_str().unwrap().to_owned();
    let old_code = env.code_for(JAN).await;
    // "Send a new code": the same request filed again under a new key.
    let second = file(&env, JAN, "access", json!({}), "vs-2", "10.8.1.1").await.json()["id"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    let row = env.db().row("SELECT status FROM requests WHERE id = ?1", params![&first]);
    assert_eq!(row.get::<String>(0).unwrap(), "cancelled");
    let event = env.db().row("SELECT actor, reason FROM request_events WHERE request_id = ?1 AND status = 'cancelled'", params![&first]);
    assert_eq!(event.get::<String>(0).unwrap(), "system");
    assert!(event.get::<String>(1).unwrap().contains("superseded"));
    // The old code verifies nothing any more; the new one works.
    let old = env.post(&format!("/api/v1/requests/{first}/verify"), "", &json!({"code": old_code}), &[]).await;
    assert_eq!(old.status, 404);
    let new_code = env.code_for(JAN).await;
    let v = env.post(&format!("/api/v1/requests/{second}/verify"), "", &json!({"code": new_code}), &[]).await;
    assert_eq!(v.status, 200, "{}", v.text());
    // Nothing unverified is left in the operator's list.
    let (ok, out, _) = env.ops(&["list", "--status", "received"]);
    assert!(ok && out.contains("0 request(s)"), "{out}");
    // A retry of the first submission answers the first (withdrawn) request: filed once.
    let retry = file(&env, JAN, "access", json!({}), "vs-1", "10.8.1.1").await;
    assert_eq!((retry.status.as_u16(), retry.json()["id"].as_str()), (200, Some(first.as_str())));
    // Verified requests and other addresses and sites are untouched by a new filing.
    let other = file(&env, FATIMA, "access", json!({}), "vs-3", "10.8.1.2").await.json()["id"].as_str().unwrap().to_owned();
    let _third = file(&env, JAN, "erasure", json!({"confirm": true}), "vs-4", "10.8.1.1").await;
    let statuses: Vec<String> = env.db().column("SELECT status FROM requests WHERE id IN (?1, ?2) ORDER BY id", params![&second, &other]);
    assert!(statuses.iter().all(|s| s == "verified" || s == "received"), "{statuses:?}");
    assert_eq!(env.db().one::<String>("SELECT status FROM requests WHERE id = ?1", params![&second]), "verified");
    assert_eq!(env.db().one::<String>("SELECT status FROM requests WHERE id = ?1", params![&other]), "received");
}

#[tokio::test]
async fn a_limited_filing_supersedes_nothing() {
    let env = Env::new().await;
    for i in 0..3 {
        assert_eq!(file(&env, JAN, "access", json!({}), &format!("vl-{i}"), "10.8.2.1").await.status, 201);
    }
    let last: String = env.db().one("SELECT id FROM requests WHERE status = 'received'", params![]);
    let r = file(&env, JAN, "access", json!({}), "vl-9", "10.8.2.1").await;
    assert_eq!(r.status, 429);
    let still: String = env.db().one("SELECT status FROM requests WHERE id = ?1", params![&last]);
    assert_eq!(still, "received", "the code the visitor has keeps working");
}

#[tokio::test]
async fn the_verified_address_gets_a_mail_without_data_when_the_answer_is_ready() {
    let env = Env::new().await;
    let (id, _) = verified(&env, JAN, "access", json!({}), "vm-1").await;
    complete(&env, &id);
    let mails = || async {
        let all = env.get("/demo/outbox", "").await.json()["messages"].as_array().unwrap().clone();
        all.into_iter().filter(|m| m["to"] == JAN && !m["body"].as_str().unwrap().contains("code")).collect::<Vec<_>>()
    };
    let answer = mails().await;
    assert_eq!(answer.len(), 1, "{answer:?}");
    let body = answer[0]["body"].as_str().unwrap();
    assert!(answer[0]["subject"].as_str().unwrap().contains("PCextreme"));
    assert!(body.contains("beantwoord") && body.contains("answered"), "{body}");
    assert!(body.contains(PAGE) && !body.contains("?x=1"), "the page verified on, without query: {body}");
    let seed: Value = serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/seed/pcextreme.json")).unwrap()).unwrap();
    let values = seed["customers"][0]["values"].as_array().unwrap();
    assert!(values.len() > 3);
    for v in values {
        let value = v["value"].as_str().unwrap_or_default();
        assert!(value.len() < 4 || !body.contains(value), "no data in the mail: {value}");
    }
    assert!(!body.contains(JAN), "not even the address");
    // "Once" means after the outbox has settled: no new mail for a whole second, with nothing
    // left unsent, so a second send by a retry or a later pass of the sender would be counted.
    let mut stable = 0;
    let mut last = mails().await.len();
    while stable < 10 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let now = mails().await.len();
        let unsent: i64 = env.db().one("SELECT COUNT(*) FROM visitor_mails WHERE sent_at_ms IS NULL", &[]);
        stable = if now == last && unsent == 0 { stable + 1 } else { 0 };
        last = now;
    }
    assert_eq!(last, 1, "sent once");
    let sent: Option<i64> = env.db().one("SELECT sent_at_ms FROM visitor_mails WHERE request_id = ?1", params![&id]);
    assert!(sent.is_some());

    // A refusal is announced too; a customer's own request (no address filed) mails nothing.
    let (refused, _) = verified(&env, FATIMA, "erasure", json!({"confirm": true}), "vm-2").await;
    assert!(env.ops(&["refuse", &refused, "--reason", "kennelijk ongegrond"]).0);
    let outbox = env.get("/demo/outbox", "").await.json().to_string();
    assert!(outbox.contains("afgewezen"));
    let jan = env.login("pcextreme", "jan-de-vries").await;
    let own = env.file(&jan, "vm-3", "access", json!({})).await.json()["id"].as_str().unwrap().to_owned();
    complete(&env, &own);
    let queued: i64 = env.db().one("SELECT COUNT(*) FROM visitor_mails WHERE request_id = ?1", params![&own]);
    assert_eq!(queued, 0);
}

#[tokio::test]
async fn only_a_page_of_the_site_is_kept_for_the_mail() {
    let env = Env::new().await;
    let r = file(&env, JAN, "access", json!({}), "vp-1", "10.8.3.1").await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let code = env.code_for(JAN).await;
    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": code, "page": "https://evil.example/phish"}), &[]).await;
    assert_eq!(v.status, 200);
    let page: Option<String> = env.db().one("SELECT page_url FROM visitor_status_tokens WHERE request_id = ?1", params![&id]);
    assert_eq!(page, None);
    complete(&env, &id);
    let outbox = env.get("/demo/outbox", "").await.json().to_string();
    assert!(!outbox.contains("evil.example"));
    assert!(outbox.contains("privacypagina"));
}

#[tokio::test]
async fn the_new_visitor_paths_answer_preflights_from_the_sites_pages() {
    // The marketing page that verified the request reads its status, cancels it and downloads
    // the answer cross-origin: each route answers its own method's preflight for the origins
    // the sites allow; a path that is no such route does not.
    let mut env = Env::new().await;
    let page = "https://www.pcextreme.nl";
    let mut settings = (*env.state.settings).clone();
    settings.sites = vec![SiteSettings { id: "pcextreme".into(), policy: None, allowed_origins: vec![page.into()], ..Default::default() }];
    env.state = serve::prepare(settings).await.expect("prepare");
    env.app = privacy_widget_server::app(env.state.clone());
    let preflight = |path: String, method: &'static str, origin: &'static str| {
        let headers = [("origin", origin), ("access-control-request-method", method)];
        let env = &env;
        async move { env.call("OPTIONS", &path, "", None, &headers).await }
    };
    let t = "a".repeat(64);
    for (path, method) in [
        (format!("/api/v1/visitor-requests/{t}"), "GET"),
        (format!("/api/v1/visitor-requests/{t}/cancel"), "POST"),
        (format!("/api/v1/visitor-requests/{t}/package"), "GET"),
    ] {
        let r = preflight(path.clone(), method, page).await;
        assert_eq!(r.status, 204, "{path}");
        assert_eq!((r.header("access-control-allow-origin"), r.header("access-control-allow-methods")), (page, method), "{path}");
        assert_eq!(preflight(path.clone(), method, "https://evil.example").await.status, 403, "{path}");
    }
    for path in [format!("/api/v1/visitor-requests/{t}/other"), "/api/v1/visitor-requests//cancel".to_owned()] {
        let r = preflight(path.clone(), "POST", page).await;
        assert_ne!(r.status, 204, "{path}");
        assert_eq!(r.header("access-control-allow-origin"), "", "{path}");
    }
}

#[tokio::test]
async fn the_answer_mail_links_to_the_status_for_another_device() {
    // C-C3/C-C4: the answer reaches the verified address wherever it is read; the link carries a
    // token of its own in the fragment (never sent to a server), stored only as a hash.
    let env = Env::new().await;
    let (id, first_token) = verified(&env, JAN, "access", json!({}), "vd-1").await;
    complete(&env, &id);
    let all = env.get("/demo/outbox", "").await.json()["messages"].as_array().unwrap().clone();
    let mail = all.iter().find(|m| m["to"] == JAN && m["body"].as_str().unwrap().contains("beantwoord")).expect("an answer mail");
    let body = mail["body"].as_str().unwrap();
    let prefix = format!("{PAGE}#pw-status=");
    let at = body.find(&prefix).unwrap_or_else(|| panic!("a link to the page with the token: {body}")) + prefix.len();
    let token: String = body[at..].chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(token.len(), 64, "{body}");
    assert_ne!(token, first_token, "a token of its own, not the browser's");
    // It opens the status and the answer, as the browser's token does.
    let status = env.get(&format!("/api/v1/visitor-requests/{token}"), "").await;
    assert_eq!(status.status, 200, "{}", status.text());
    assert_eq!((status.json()["id"].as_str(), status.json()["status"].as_str()), (Some(id.as_str()), Some("completed")));
    let mine = env.get(&format!("/api/v1/visitor-requests/{token}/package"), "").await;
    let theirs = env.get(&format!("/api/v1/visitor-requests/{first_token}/package"), "").await;
    assert_eq!((mine.status, mine.json()), (theirs.status, theirs.json()));
    // Only hashes are stored.
    let stored: Vec<Vec<u8>> = env.db().column("SELECT token_hash FROM visitor_status_tokens WHERE request_id = ?1", params![&id]);
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|h| h.len() == 32 && !h.windows(token.len()).any(|w| w == token.as_bytes())));
    // Without a page to link to, the mail names the privacy page and carries no token.
    let r = file(&env, FATIMA, "access", json!({}), "vd-2", "10.8.4.1").await;
    let other = r.json()["id"].as_str().unwrap().to_owned();
    let code = env.code_for(FATIMA).await;
    assert_eq!(env.post(&format!("/api/v1/requests/{other}/verify"), "", &json!({"code": code}), &[]).await.status, 200);
    complete(&env, &other);
    let all = env.get("/demo/outbox", "").await.json()["messages"].as_array().unwrap().clone();
    let plain = all.iter().find(|m| m["to"] == FATIMA && m["body"].as_str().unwrap().contains("beantwoord")).expect("an answer mail");
    assert!(!plain["body"].as_str().unwrap().contains("pw-status"), "{}", plain["body"]);
    let tokens: i64 = env.db().one("SELECT COUNT(*) FROM visitor_status_tokens WHERE request_id = ?1", params![&other]);
    assert_eq!(tokens, 1);
}
