//! Demo login, the session cookie, `/api/v1/me`, logout, and the CSRF guard on every
//! state-changing panel endpoint.

mod panel_support;

use panel_support::Env;
use serde_json::json;

#[tokio::test]
async fn demo_customers_are_listed_per_site_and_seeded_once() {
    let env = Env::new().await;
    for site in ["pcextreme", "host-tracker", "webanizr", "manetti", "webhost"] {
        let r = env.get(&format!("/api/v1/demo/customers?site={site}"), "").await;
        assert_eq!(r.status, 200, "{}", r.text());
        let list = r.json()["customers"].as_array().unwrap().len();
        assert!(list >= 2, "{site}: {list} customers");
    }
    let r = env.get("/api/v1/demo/customers?site=nope", "").await;
    assert_eq!(r.status, 404);
    // Seeding again (a restart on the same file) adds nothing.
    let count: i64 = env.db().one("SELECT COUNT(*) FROM customers", &[]);
    assert!(count >= 10);
    let added = privacy_widget_server::panel::seed(&env.state.db, &env.state.live.current().sites).await.unwrap();
    assert_eq!(added, 0);
    let count_after: i64 = env.db().one("SELECT COUNT(*) FROM customers", &[]);
    assert_eq!(count, count_after);
}

#[tokio::test]
async fn login_sets_an_httponly_samesite_cookie_and_stores_only_its_hash() {
    let env = Env::new().await;
    let r = env.post("/api/v1/demo/login", "", &json!({"site": "pcextreme", "customer": "jan-de-vries"}), &[]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let cookie = r.header("set-cookie").to_owned();
    assert!(cookie.starts_with("pw_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http: no Secure flag");
    let token = cookie.split(';').next().unwrap().trim_start_matches("pw_session=").to_owned();
    assert_eq!(token.len(), 64, "256-bit token in hex");
    let stored: Vec<u8> = env.db().one("SELECT token_hash FROM sessions", &[]);
    assert_eq!(stored.len(), 32);
    assert!(!stored.windows(8).any(|w| token.as_bytes().windows(8).any(|t| t == w)), "the token itself is not stored");

    let status = env.get("/api/v1/session", &format!("pw_session={token}")).await.json();
    assert_eq!((status["signed_in"].as_bool(), status["customer"].as_str()), (Some(true), Some("jan-de-vries")));
    let me = env.get("/api/v1/me", &format!("pw_session={token}")).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["customer"], "jan-de-vries");
    assert_eq!(me.json()["site"], "pcextreme");

    let https = env
        .post("/api/v1/demo/login", "", &json!({"site": "pcextreme", "customer": "jan-de-vries"}), &[("x-forwarded-proto", "https")])
        .await;
    assert!(https.header("set-cookie").contains("; Secure"));

    let out = env.post("/api/v1/logout", &format!("pw_session={token}"), &json!({}), &[]).await;
    assert_eq!(out.status, 204);
    assert!(out.header("set-cookie").contains("Max-Age=0"));
    let status = env.get("/api/v1/session", &format!("pw_session={token}")).await;
    assert_eq!(status.status, 200, "asking who is signed in is never an error");
    assert_eq!(status.json(), serde_json::json!({"signed_in": false}));
    let me = env.get("/api/v1/me", &format!("pw_session={token}")).await;
    assert_eq!(me.status, 401);
    assert_eq!(me.json()["type"], "/problems/unauthenticated");
}

#[tokio::test]
async fn unknown_demo_customer_and_garbage_cookies_are_refused() {
    let env = Env::new().await;
    let r = env.post("/api/v1/demo/login", "", &json!({"site": "pcextreme", "customer": "nobody"}), &[]).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["errors"][0]["field"], "customer");
    // A customer of another site cannot be used on this one.
    let r = env.post("/api/v1/demo/login", "", &json!({"site": "webanizr", "customer": "jan-de-vries"}), &[]).await;
    assert_eq!(r.status, 422);
    for cookie in ["pw_session=abc", &format!("pw_session={}", "0".repeat(64)), ""] {
        for path in ["/api/v1/me", "/api/v1/me/data", "/api/v1/me/export", "/api/v1/me/preferences", "/api/v1/me/erasure-plan", "/api/v1/requests"] {
            assert_eq!(env.get(path, cookie).await.status, 401, "{path} with {cookie:?}");
        }
    }
}

#[tokio::test]
async fn state_changing_requests_need_same_origin_json() {
    let env = Env::new().await;
    let cookie = env.login("pcextreme", "jan-de-vries").await;
    let prefs = json!({"policy_version": "x", "preferences": {}});
    let endpoints: [(&str, &str, serde_json::Value); 7] = [
        ("POST", "/api/v1/demo/login", json!({"site": "pcextreme", "customer": "jan-de-vries"})),
        ("POST", "/api/v1/logout", json!({})),
        ("PUT", "/api/v1/me/preferences", prefs),
        ("POST", "/api/v1/requests", json!({"kind": "access", "details": {}})),
        ("POST", "/api/v1/requests/r_x/verify", json!({"code": "123456"})),
        ("POST", "/api/v1/requests/r_x/cancel", json!({})),
        ("POST", "/api/v1/demo/login", json!({})),
    ];
    for (method, path, body) in &endpoints {
        let key = [("idempotency-key", "csrf-key-1")];
        let cases: [Vec<(&str, &str)>; 4] = [
            vec![("origin", "https://evil.example")],
            vec![("origin", "")],
            vec![("content-type", "text/plain")],
            vec![("origin", ""), ("sec-fetch-site", "cross-site")],
        ];
        for extra in cases {
            let mut headers = extra.clone();
            headers.extend_from_slice(&key);
            let r = env.send_json(method, path, &cookie, body, &headers).await;
            assert_eq!(r.status, 403, "{method} {path} {extra:?}: {}", r.text());
            assert_eq!(r.json()["type"], "/problems/cross-site-request");
        }
    }
    // Without Origin, Sec-Fetch-Site: same-origin is enough.
    let r = env.send_json("GET", "/api/v1/me", &cookie, &json!({}), &[]).await;
    assert_eq!(r.status, 200);
    let r = env
        .post("/api/v1/requests", &cookie, &json!({"kind": "access", "details": {}}), &[("origin", ""), ("sec-fetch-site", "same-origin"), ("idempotency-key", "k-same-origin")])
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    // Nothing was changed by the refused requests.
    let n: i64 = env.db().one("SELECT COUNT(*) FROM requests", &[]);
    assert_eq!(n, 1);
}
