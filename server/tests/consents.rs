//! Proof of consent: `POST /api/v1/consents` and `GET /api/v1/consents/{consent_id}` (C-A8, C-B1).

mod common;

use axum::Router;
use common::{consent_body, get, post_consent, Fixture, SITE};
use privacy_widget_server::{config::SiteSettings, serve};
use serde_json::{json, Value};

const SUBJECT: &str = "subject-0123456789abcdef";

fn field_errors(v: &Value) -> Vec<(String, String)> {
    v["errors"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|e| (e["field"].as_str().unwrap_or("").to_owned(), e["reason"].as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn has_field(v: &Value, field: &str) -> bool {
    field_errors(v).iter().any(|(f, _)| f == field)
}

// C-A8: a decision is stored with server time and returned as proof.
#[tokio::test]
async fn a_decision_is_recorded_once_and_a_repeat_gets_the_same_receipt() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let body = consent_body(SUBJECT);
    let first = post_consent(&app, "key-1", &body, &[]).await;
    assert_eq!(first.status, 201, "{}", String::from_utf8_lossy(&first.body));
    let receipt = first.json();
    assert!(receipt["id"].as_i64().is_some());
    let at = receipt["recorded_at"].as_str().unwrap();
    assert!(at.ends_with('Z') && at.len() == 24, "{at}");
    let again = post_consent(&app, "key-1", &body, &[]).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json(), receipt);
    let list = get(&app, &format!("/api/v1/consents/{SUBJECT}"), &[]).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.header("cache-control"), "no-store");
    let records = list.json()["records"].as_array().unwrap().clone();
    assert_eq!(records.len(), 1, "stored exactly once");
    let r = &records[0];
    assert_eq!(r["site"], SITE);
    assert_eq!(r["action"], "custom");
    assert_eq!(r["policy_version"], "1");
    assert_eq!(r["language"], "nl");
    assert_eq!(r["purposes"], json!({"ads": false, "analytics": true, "audiences": false, "remarketing": false}));
    assert_eq!(r["recorded_at"], receipt["recorded_at"]);
}

// C-A8: nothing more than the listed fields is kept (no IP address, no user agent); `sec_gpc`
// is the one flag C-B1 adds (the request carried `Sec-GPC: 1`).
#[tokio::test]
async fn the_record_holds_only_the_c_a8_fields() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let r = post_consent(&app, "key-fields", &consent_body(SUBJECT), &[("user-agent", "Secret/1.0"), ("x-forwarded-for", "203.0.113.9")]).await;
    assert_eq!(r.status, 201);
    let columns = fx.db().columns("consent_records");
    assert_eq!(
        columns,
        ["id", "idempotency_key", "site", "consent_id", "policy_version", "language", "action", "purposes", "origin", "widget_version", "gpc", "recorded_at_ms", "sec_gpc"]
    );
    let dump = fx.db().column::<String>("SELECT idempotency_key || site || consent_id || purposes || origin || widget_version FROM consent_records", &[]).concat();
    assert!(!dump.contains("Secret") && !dump.contains("203.0.113.9"));
}

#[tokio::test]
async fn the_same_key_with_another_body_is_a_conflict() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    assert_eq!(post_consent(&app, "key-2", &consent_body(SUBJECT), &[]).await.status, 201);
    let mut other = consent_body(SUBJECT);
    other["purposes"]["analytics"] = json!(false);
    let r = post_consent(&app, "key-2", &other, &[]).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert_eq!(r.json()["type"], "/problems/idempotency-conflict");
}

#[tokio::test]
async fn the_idempotency_key_is_required_and_checked() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    for key in ["", "has space", &"k".repeat(129)] {
        let r = post_consent(&app, key, &consent_body(SUBJECT), &[]).await;
        assert_eq!(r.status, 400, "{key:?}");
        assert_eq!(r.json()["type"], "/problems/invalid-header");
        assert!(has_field(&r.json(), "Idempotency-Key"));
    }
}

#[tokio::test]
async fn validation_errors_name_every_field_at_fault() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let body = json!({
        "site": SITE,
        "consent_id": "short",
        "policy_version": "1",
        "language": "fr",
        "action": "maybe",
        "purposes": {"analytics": "yes", "essential": true, "unknown": false, "newsletter": true},
        "origin": "javascript:alert(1)",
        "widget_version": "0.1.0",
        "gpc": "no",
        "ip": "1.2.3.4"
    });
    let r = post_consent(&app, "key-v", &body, &[]).await;
    assert_eq!(r.status, 422);
    let p = r.json();
    assert_eq!(p["type"], "/problems/validation");
    assert_eq!(p["status"], 422);
    for field in [
        "consent_id", "language", "action", "purposes.analytics", "purposes.essential", "purposes.unknown",
        "purposes.newsletter", "purposes.ads", "origin", "gpc", "ip",
    ] {
        assert!(has_field(&p, field), "{field} not named in {p}");
    }
    let errors = field_errors(&p);
    assert!(errors.contains(&("purposes.essential".into(), "not a browser-consent purpose".into())));
    assert!(errors.contains(&("ip".into(), "unknown field".into())));
}

#[tokio::test]
async fn unknown_site_and_invented_policy_version_are_validation_errors() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let mut body = consent_body(SUBJECT);
    body["site"] = json!("nosuchsite");
    let r = post_consent(&app, "key-s", &body, &[]).await;
    assert_eq!(r.status, 422);
    assert!(has_field(&r.json(), "site"));
    let mut body = consent_body(SUBJECT);
    body["policy_version"] = json!("99");
    let r = post_consent(&app, "key-pv", &body, &[]).await;
    assert_eq!(r.status, 422);
    assert!(has_field(&r.json(), "policy_version"));
}

// C-A9: a decision made under an earlier policy version is refused, naming the current one.
#[tokio::test]
async fn an_earlier_policy_version_is_a_409_with_the_current_version() {
    let fx = Fixture::new();
    let state = fx.state().await;
    state.db.close().await;
    drop(state);
    fx.set_policy(&common::policy("2"));
    let (app, _) = fx.app().await;
    let r = post_consent(&app, "key-old", &consent_body(SUBJECT), &[]).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["type"], "/problems/stale-policy-version");
    assert_eq!(r.json()["current_policy_version"], "2");
    let mut body = consent_body(SUBJECT);
    body["policy_version"] = json!("2");
    assert_eq!(post_consent(&app, "key-new", &body, &[]).await.status, 201);
}

#[tokio::test]
async fn the_action_must_fit_the_choices() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let mut body = consent_body(SUBJECT);
    body["action"] = json!("reject_all");
    let r = post_consent(&app, "key-a1", &body, &[]).await;
    assert_eq!(r.status, 422);
    assert!(has_field(&r.json(), "purposes.analytics"));
    body["action"] = json!("accept_all");
    let r = post_consent(&app, "key-a2", &body, &[]).await;
    assert_eq!(r.status, 422);
    assert!(has_field(&r.json(), "purposes.ads"));
}

// C-B1: with GPC on (body or `Sec-GPC: 1`), advertising purposes cannot be granted.
#[tokio::test]
async fn gpc_keeps_advertising_denied() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let mut body = consent_body(SUBJECT);
    body["purposes"]["remarketing"] = json!(true);
    body["gpc"] = json!(true);
    let r = post_consent(&app, "key-g1", &body, &[]).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["type"], "/problems/gpc-conflict");
    assert!(has_field(&r.json(), "purposes.remarketing"));

    body["gpc"] = json!(false);
    let r = post_consent(&app, "key-g2", &body, &[("sec-gpc", "1")]).await;
    assert_eq!(r.status, 422, "the Sec-GPC header counts too");
    assert_eq!(r.json()["type"], "/problems/gpc-conflict");

    // Only exactly "1" is the signal.
    let r = post_consent(&app, "key-g3", &body, &[("sec-gpc", "true")]).await;
    assert_eq!(r.status, 201);

    // Accept all under GPC: everything but the GPC-governed purposes; the record says GPC.
    let body = json!({
        "site": SITE, "consent_id": SUBJECT, "policy_version": "1", "language": "en",
        "action": "accept_all",
        "purposes": {"analytics": true, "ads": false, "remarketing": false, "audiences": false},
        "origin": "https://www.example.nl", "widget_version": "0.1.0", "gpc": false
    });
    let r = post_consent(&app, "key-g4", &body, &[("sec-gpc", "1")]).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let list = get(&app, &format!("/api/v1/consents/{SUBJECT}"), &[]).await.json();
    assert_eq!(list["records"][1]["gpc"], true);
}

// C-A8: the records are append-only, enforced in the database itself.
#[tokio::test]
async fn records_cannot_be_updated_or_deleted() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    assert_eq!(post_consent(&app, "key-ao", &consent_body(SUBJECT), &[]).await.status, 201);
    let db = fx.db();
    let update = db.execute("UPDATE consent_records SET action = 'accept_all'", &[]);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = db.execute("DELETE FROM consent_records", &[]);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    let n: i64 = db.one("SELECT count(*) FROM consent_records", &[]);
    assert_eq!(n, 1);
}

#[tokio::test]
async fn non_json_bodies_are_refused() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    use axum::{body::Body, http::Request};
    let r = common::send(
        &app,
        Request::post("/api/v1/consents").header("content-type", "application/json").header("idempotency-key", "k").body(Body::from("{nope")).unwrap(),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["type"], "/problems/malformed-body");
    let r = common::send(
        &app,
        Request::post("/api/v1/consents").header("content-type", "text/plain").header("idempotency-key", "k").body(Body::from("{}")).unwrap(),
    )
    .await;
    assert_eq!(r.status, 415);
    assert_eq!(r.json()["type"], "/problems/unsupported-media-type");
}

#[tokio::test]
async fn other_origins_may_not_post() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let r = post_consent(&app, "key-o1", &consent_body(SUBJECT), &[("origin", "https://evil.example"), ("host", "127.0.0.1:8080")]).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["type"], "/problems/origin-not-allowed");
    let r = post_consent(&app, "key-o2", &consent_body(SUBJECT), &[("origin", "http://127.0.0.1:8080"), ("host", "127.0.0.1:8080")]).await;
    assert_eq!(r.status, 201);
}

#[tokio::test]
async fn listing_checks_the_subject_id_and_is_empty_for_a_stranger() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let r = get(&app, "/api/v1/consents/short", &[]).await;
    assert_eq!(r.status, 422);
    assert!(has_field(&r.json(), "consent_id"));
    let r = get(&app, "/api/v1/consents/nobody-0123456789abcdef", &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["records"], json!([]));
}

// C-A8: many concurrent decisions are all stored, each exactly once (batched writer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_are_all_stored_once() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let key = format!("burst-{}", i % 100);
            let r = post_consent(&app, &key, &consent_body(&format!("subject-burst-{:08}", i % 100)), &[]).await;
            r.status.as_u16()
        }));
    }
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            201 => created += 1,
            200 => {}
            s => panic!("unexpected status {s}"),
        }
    }
    assert_eq!(created, 100);
    let n: i64 = fx.db().one("SELECT count(*) FROM consent_records", &[]);
    assert_eq!(n, 100);
}

// C-B1: the record keeps whether the request itself carried `Sec-GPC: 1` (the browser's own
// signal), apart from `gpc`, the signal the decision honoured.
#[tokio::test]
async fn c_b1_the_record_says_whether_sec_gpc_came_with_the_decision() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let with = "0123456789abcdef0123456789abcd01";
    let without = "0123456789abcdef0123456789abcd02";
    assert_eq!(post_consent(&app, "key-s1", &consent_body(with), &[("sec-gpc", "1")]).await.status, 201);
    let mut body = consent_body(without);
    body["gpc"] = json!(true);
    assert_eq!(post_consent(&app, "key-s2", &body, &[]).await.status, 201);
    let first = &get(&app, &format!("/api/v1/consents/{with}"), &[]).await.json()["records"][0];
    assert_eq!((first["gpc"].clone(), first["sec_gpc"].clone()), (json!(true), json!(true)), "header sent: both");
    let second = &get(&app, &format!("/api/v1/consents/{without}"), &[]).await.json()["records"][0];
    assert_eq!((second["gpc"].clone(), second["sec_gpc"].clone()), (json!(true), json!(false)), "body only: no Sec-GPC");
}

const COOKIE_ID: &str = "0123456789abcdef0123456789abcd03";

/// The loader's `pw_consent` value for `consent_body(COOKIE_ID)`.
fn loader_value() -> String {
    format!("1~{COOKIE_ID}~1~ads:0.analytics:1.audiences:0.remarketing:0~c~nl~1767225600~1767225600")
}

/// The app with the fixture site configured with `cookie_domain` (the page's data-cookie-domain).
async fn app_with_cookie_domain(fx: &Fixture, domain: Option<&str>) -> Router {
    let mut settings = fx.args.settings().expect("settings");
    settings.sites = vec![SiteSettings { id: SITE.into(), cookie_domain: domain.map(str::to_owned), ..Default::default() }];
    privacy_widget_server::app(serve::prepare(settings).await.expect("prepare"))
}

// C-A10: a same-site request carrying the loader's cookie for this very decision gets it back
// from the server (13 months, SameSite=Lax, not HttpOnly, the page's domain); nothing otherwise.
#[tokio::test]
async fn c_a10_a_same_site_decision_gets_the_loaders_cookie_back_for_13_months() {
    let fx = Fixture::new();
    let app = app_with_cookie_domain(&fx, Some("")).await;
    let value = loader_value();
    let cookie = format!("other=x; pw_consent={value}");
    let r = post_consent(&app, "key-c1", &consent_body(COOKIE_ID), &[("sec-fetch-site", "same-origin"), ("cookie", &cookie)]).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.header("set-cookie"), format!("pw_consent={value}; Path=/; SameSite=Lax; Max-Age=33696000"));
    let https = [("sec-fetch-site", "same-origin"), ("cookie", cookie.as_str()), ("x-forwarded-proto", "https")];
    let again = post_consent(&app, "key-c1", &consent_body(COOKIE_ID), &https).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.header("set-cookie"), format!("pw_consent={value}; Path=/; SameSite=Lax; Max-Age=33696000; Secure"), "Secure on https");
    // Cross-site, no cookie, or a cookie of another decision: the answer sets nothing.
    let other = format!("pw_consent={}", value.replace("analytics:1", "analytics:0"));
    for (key, headers) in [
        ("key-c2", vec![("sec-fetch-site", "cross-site"), ("cookie", cookie.as_str())]),
        ("key-c3", vec![("sec-fetch-site", "same-origin")]),
        ("key-c4", vec![("sec-fetch-site", "same-origin"), ("cookie", other.as_str())]),
    ] {
        let r = post_consent(&app, key, &consent_body(COOKIE_ID), &headers).await;
        assert!(r.status == 200 || r.status == 201, "{key}: {}", r.status);
        assert_eq!(r.header("set-cookie"), "", "{key}");
    }
}

// C-A10: the server never makes a second pw_consent beside the loader's. It sets the page's own
// domain, and nothing when its configuration does not say which domain the page uses, or when
// the request already carries two pw_consent cookies.
#[tokio::test]
async fn c_a10_the_server_sets_the_pages_domain_and_never_a_second_cookie() {
    let fx = Fixture::new();
    let value = loader_value();
    let cookie = format!("pw_consent={value}");
    let same = [("sec-fetch-site", "same-site"), ("cookie", cookie.as_str())];
    let shared = app_with_cookie_domain(&fx, Some("example.nl")).await;
    let r = post_consent(&shared, "key-d1", &consent_body(COOKIE_ID), &same).await;
    assert_eq!(r.header("set-cookie"), format!("pw_consent={value}; Path=/; SameSite=Lax; Max-Age=33696000; Domain=example.nl"));
    let twice = format!("pw_consent={value}; pw_consent={value}");
    let r = post_consent(&shared, "key-d2", &consent_body(COOKIE_ID), &[("sec-fetch-site", "same-origin"), ("cookie", &twice)]).await;
    assert!(r.status == 200 || r.status == 201, "{}", r.status);
    assert_eq!(r.header("set-cookie"), "", "two pw_consent already: not a third");
    let unsaid = Fixture::new();
    let (app, _) = unsaid.app().await;
    let r = post_consent(&app, "key-d3", &consent_body(COOKIE_ID), &same).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.header("set-cookie"), "", "no cookie_domain configured: the script-written cookie stays the only one");
}
