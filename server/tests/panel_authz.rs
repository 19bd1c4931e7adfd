//! Customer A can neither read nor change nor cancel nor download anything of customer B:
//! every endpoint decides from the session, and another customer's request is a 404.

mod panel_support;

use panel_support::Env;
use serde_json::json;

#[tokio::test]
async fn every_endpoint_keeps_customers_apart() {
    let env = Env::new().await;
    let a = env.login("pcextreme", "jan-de-vries").await;
    let b = env.login("pcextreme", "fatima-el-amrani").await;

    // B files an access request and an erasure; the operator completes the access request.
    let b_access = env.file(&b, "b-access", "access", json!({})).await;
    assert_eq!(b_access.status, 201, "{}", b_access.text());
    let b_access = b_access.json()["id"].as_str().unwrap().to_owned();
    let b_pending = env.file(&b, "b-restrict", "rectification", json!({"category": "account", "field": "phone", "value": "+31 20 0000000"})).await;
    let b_pending = b_pending.json()["id"].as_str().unwrap().to_owned();
    assert!(env.ops(&["start", &b_access]).0);
    assert!(env.ops(&["complete", &b_access]).0);

    // Reading: A sees none of B's requests, ids of B are 404 like unknown ids.
    let list = env.get("/api/v1/requests", &a).await.json();
    assert_eq!(list["requests"].as_array().unwrap().len(), 0);
    for id in [&b_access, &b_pending, &"r_00000000000000000000000000000000".to_owned()] {
        let one = env.get(&format!("/api/v1/requests/{id}"), &a).await;
        assert_eq!(one.status, 404, "{id}");
        assert_eq!(one.json()["type"], "/problems/not-found");
        assert_eq!(env.get(&format!("/api/v1/requests/{id}/package"), &a).await.status, 404);
        // Changing: cancel and verify of B's request.
        let c = env.post(&format!("/api/v1/requests/{id}/cancel"), &a, &json!({}), &[]).await;
        assert_eq!(c.status, 404, "{}", c.text());
        let v = env.post(&format!("/api/v1/requests/{id}/verify"), &a, &json!({"code": "123456"}), &[]).await;
        assert_eq!(v.status, 404, "{}", v.text());
    }
    // B still sees its own, untouched, and can download its package.
    assert_eq!(env.get(&format!("/api/v1/requests/{b_pending}"), &b).await.json()["status"], "verified");
    let p = env.get(&format!("/api/v1/requests/{b_access}/package"), &b).await;
    assert_eq!(p.status, 200, "{}", p.text());
    assert!(p.header("content-disposition").starts_with("attachment"));
    assert_eq!(p.json()["categories"][0]["values"][0]["value"], "Fatima El Amrani");

    // me, data, export, erasure plan: only A's own values, whatever the query says.
    for path in ["/api/v1/me", "/api/v1/me/data", "/api/v1/me/export", "/api/v1/me/erasure-plan", "/api/v1/me/data?customer=fatima-el-amrani"] {
        let r = env.get(path, &a).await;
        assert_eq!(r.status, 200, "{path}");
        let text = r.text();
        assert!(text.contains("Jan de Vries") || path.ends_with("erasure-plan"), "{path}");
        assert!(!text.contains("Fatima") && !text.contains("fatima"), "{path} leaks B: {text}");
    }

    // Preferences: A's change (even naming B in the body) changes only A.
    let version = env.get("/api/v1/me/preferences", &a).await.json()["policy_version"].clone();
    let before_b = env.get("/api/v1/me/preferences", &b).await.json();
    let r = env
        .send_json("PUT", "/api/v1/me/preferences", &a, &json!({"policy_version": version, "preferences": {"product_mail": false}, "customer": "fatima-el-amrani"}), &[])
        .await;
    assert_eq!(r.status, 422, "unknown members are refused: {}", r.text());
    let r = env.send_json("PUT", "/api/v1/me/preferences", &a, &json!({"policy_version": version, "preferences": {"product_mail": false}}), &[]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(env.get("/api/v1/me/preferences", &b).await.json(), before_b);

    // Filing: a logged-in request cannot be filed for another site than the session's.
    let r = env.post("/api/v1/requests", &a, &json!({"site": "manetti", "kind": "access", "details": {}}), &[("idempotency-key", "a-other-site")]).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["errors"][0]["field"], "site");
    // ... nor with a site that is not a string (found by the contract pass: `{"site": {}}` was 201).
    for site in [json!({}), json!(null), json!(7)] {
        let r = env.post("/api/v1/requests", &a, &json!({"site": site, "kind": "access", "details": {}}), &[("idempotency-key", "a-site-type")]).await;
        assert_eq!((r.status.as_u16(), r.json()["errors"][0]["field"].as_str()), (422, Some("site")), "{site}: {}", r.text());
    }
    // A's cancel of its own pending request works; B's request stays.
    let own = env.file(&a, "a-own", "access", json!({})).await.json()["id"].as_str().unwrap().to_owned();
    let c = env.post(&format!("/api/v1/requests/{own}/cancel"), &a, &json!({}), &[]).await;
    assert_eq!(c.status, 200);
    assert_eq!(c.json()["status"], "cancelled");
    let statuses: Vec<String> = env.db().column("SELECT status FROM requests ORDER BY created_at_ms", &[]);
    assert_eq!(statuses, ["completed", "verified", "cancelled"]);
}

#[tokio::test]
async fn a_session_of_one_site_does_not_reach_another_sites_customers() {
    let env = Env::new().await;
    let pc = env.login("pcextreme", "jan-de-vries").await;
    let r = env.get("/api/v1/me/data", &pc).await.json();
    assert_eq!(r["site"], "pcextreme");
    let ht = env.login("host-tracker", "olga-petrenko").await;
    let r = env.get("/api/v1/me/data", &ht).await.json();
    assert_eq!(r["site"], "host-tracker");
    assert!(!r.to_string().contains("Jan de Vries"));
}
